"""In a real Chromium, for every role on a desktop and on a phone: the text of the home page and of
every page in the menu reads at 4.5:1 or better against its background (WCAG AA), the red bar's
menu included; sub-navigation fits a 390 px screen without breaking a word one character a line."""

import pytest

from demands.models import Submission
from notices.models import Notice
from stations.models import DutyShift
from tests.browser import PHONE, login
from tests.dashboard import factories as f
from tests.dashboard.test_browser import screens_dir

ROLES = {
    "org": "org_admin",
    "township_a": "staff_a",
    "secretary_a": "sec_a",
    "station_manager": "station_mgr",
}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}

# The contrast of every visible text node's colour against its effective background: the
# background colours of its ancestors composited (alpha included) over white, the text colour
# (and ancestors' opacity) over that. Disabled controls are exempt (WCAG 1.4.3), as are SVG charts
# (their numbers are in a table beside them).
CONTRAST = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let base = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o;
  };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node, checked = 0;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (el.closest('svg, script, style, noscript, option, .visually-hidden, [disabled], .disabled, :disabled')) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const bg = background(el);
    const fg = parse(getComputedStyle(el).color);
    fg[3] *= opacity(el);
    const color = over(fg, bg);
    const [a, b] = [lum(color), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    checked++;
    if (ratio < 4.5) {
      failures.push(`${ratio.toFixed(2)}:1 «${text.slice(0, 30)}» <${el.tagName.toLowerCase()} class="${el.className}">`
        + ` rgb(${color.slice(0, 3).map(Math.round)}) on rgb(${bg.slice(0, 3).map(Math.round)})`);
    }
  }
  return {checked, failures: [...new Set(failures)]};
}
"""


def _menu_urls(page):
    hrefs = page.eval_on_selector_all("#mainnav a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
    return sorted({href for href in hrefs if not href.startswith(("/admin", "/accounts"))})


def _check(page, url, label):
    measured = page.evaluate(CONTRAST)
    assert measured["checked"] > 5, f"{label} {url}: no text measured"
    return [f"{label} {url}: {failure}" for failure in measured["failures"]]


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_text_contrast_is_at_least_4_5_on_the_main_pages_on_desktop_and_phone(
    live_server, browser, transactional_db, world, people, role
):
    failures = []
    for label, options in [("desktop", DESKTOP), ("phone", PHONE)]:
        context = browser.new_context(locale="zh-CN", **options)
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, live_server, ROLES[role])
        page.goto(f"{live_server.url}/")
        urls = _menu_urls(page)
        assert "/stations/swaps/" in urls
        if label == "phone":
            # The menu itself, opened on the phone: the red bar's text.
            page.click(".navbar-toggler")
            page.wait_for_selector("#mainnav.show")
            failures += _check(page, "/", "phone, menu open")
        for url in ["/", *urls]:
            page.goto(f"{live_server.url}{url}")
            failures += _check(page, url, label)
            if url == "/":
                page.screenshot(path=str(screens_dir() / f"home_{role}_{label}.png"), full_page=True)
        if label == "desktop":
            # The red bar's own text (brand, menu groups, notices) at desktop width.
            bar = page.evaluate(
                "() => Array.from(document.querySelectorAll('.site-navbar .nav-link, .site-navbar .navbar-brand'))"
                ".filter(e => e.checkVisibility()).length"
            )
            assert bar >= 6
        context.close()
    assert not failures, "\n".join(failures)


SUBNAV = """
() => Array.from(document.querySelectorAll('.nav-tabs, .nav-pills')).filter(nav => nav.checkVisibility()).map(nav => {
  const style = getComputedStyle(nav);
  const links = Array.from(nav.querySelectorAll('.nav-link')).map(link => {
    const box = link.getBoundingClientRect();
    const line = parseFloat(getComputedStyle(link).lineHeight) || 24;
    const pad = parseFloat(getComputedStyle(link).paddingTop) + parseFloat(getComputedStyle(link).paddingBottom);
    return {text: link.textContent.trim(), lines: Math.round((box.height - pad) / line), width: box.width};
  });
  return {
    links,
    scrolls: ['auto', 'scroll'].includes(style.overflowX),
    fits: nav.scrollWidth <= nav.clientWidth + 1,
    right: nav.getBoundingClientRect().right,
  };
})
"""


@pytest.mark.browser
@pytest.mark.parametrize(
    "role, path",
    [
        ("org", "/teams/"),
        ("org", "/teams/ranking/"),
        ("org", "station"),
        ("org", "/demands/queue/"),
        ("secretary_a", "/demands/resources/"),
        ("secretary_a", "/teams/activities/"),
    ],
)
def test_sub_navigation_fits_a_phone_and_never_breaks_a_word_per_character(
    live_server, phone_page, transactional_db, world, people, station, role, path
):
    login(phone_page, live_server, ROLES[role])
    url = f"/stations/{station.pk}/" if path == "station" else path
    phone_page.goto(f"{live_server.url}{url}")
    navs = phone_page.evaluate(SUBNAV)
    assert navs, f"{url}: no sub-navigation found"
    for nav in navs:
        for link in nav["links"]:
            assert link["lines"] == 1, f"{url}: «{link['text']}» takes {link['lines']} lines"
        # Either it fits, or it scrolls sideways inside itself; never past the screen's edge.
        assert nav["fits"] or nav["scrolls"], f"{url}: {nav}"
        assert nav["right"] <= 390 + 1, f"{url}: {nav}"
    name = url.strip("/").replace("/", "_") or "home"
    phone_page.screenshot(path=str(screens_dir() / f"subnav_{role}_{name}.png"))
    page_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= 390, f"{url}: the page is {page_width}px wide"


@pytest.mark.browser
def test_a_secretary_on_a_phone_sees_unread_notices_and_reaches_list_and_check_in_with_one_tap_each(
    live_server, phone_page, transactional_db, world, secretary, station
):
    Submission.objects.filter(round=world.r_cur, village=secretary.village).update(status="draft", submitted_at=None)
    DutyShift.objects.filter(secretary=secretary, date=world.today).delete()
    shift = f.shift(station, secretary, world.today, "scheduled")
    Notice.objects.create(recipient=secretary.user, title="请报送本轮清单")
    login(phone_page, live_server, "sec_a")
    page = phone_page
    # The unread count shows beside the menu button while the menu is collapsed.
    assert page.is_hidden("#mainnav")
    assert page.is_visible("#unread-count-phone") and page.inner_text("#unread-count-phone").startswith("1")
    taps = 0
    page.click("#todo-list a.btn")
    taps += 1
    page.wait_for_load_state()
    assert "/demands/submissions/" in page.url
    assert taps == 1  # was 3: the menu button, 三张清单, 我的需求清单
    page.goto(f"{live_server.url}/")
    page.click("#todo-checkin button")
    page.wait_for_load_state()
    shift.refresh_from_db()
    assert shift.check_in_at is not None
    assert "已签到" in page.inner_text("main") and "已确认" not in page.inner_text("main")
