"""The Content-Security-Policy in a real Chromium: every page each role reaches by following links
(tests/pages.py, one page per URL pattern and tab) and, for the department, every admin list, loads
with no CSP violation (a `securitypolicyviolation` event, caught from before the page's own
scripts) and no error in the console (a script or style refused, a file not found, a bad header)."""

from urllib.parse import urlsplit

import pytest
from django.contrib import admin

from secretaries.services import org_login_grant
from tests.browser import login, wait_for
from tests.pages import crawl, route_key

ROLES = {"org": "org_admin", "township_a": "staff_a", "secretary_a": "sec_a", "station_manager": "station_mgr"}

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || 'inline'} ${e.sourceFile || ''}:${e.lineNumber || ''}`);
});
"""


def one_per_route(urls):
    seen, chosen = set(), []
    for url in sorted(urls):
        key = route_key(url)
        if key and key not in seen:
            seen.add(key)
            chosen.append(url)
    return chosen


def walk(browser, live_server, username, urls):
    """Visit each url in a fresh page of one logged-in context; the problems found, per url."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    context.add_init_script(LISTEN)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    login(page, live_server, username)
    # The listener hears a refusal: an inline script put into the page is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.head.append(s); }"
    )
    wait_for(page, "window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None and "script-src" in page.evaluate("window.__csp")[0]
    problems = {}
    for url in urls:
        errors.clear()
        response = page.goto(f"{live_server.url}{url}")
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        # Every request of the page done before the next goto: the live server's in-memory SQLite
        # refuses overlapping writes of the session (saved on every request) with 500s.
        page.wait_for_load_state("networkidle")
        found = [*errors, *(f"CSP: {v}" for v in page.evaluate("window.__csp"))]
        if found:
            problems[url] = found
    context.close()
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_loads_with_no_csp_violation_and_no_console_error(
    live_server, browser, transactional_db, world, people, client_for, role
):
    urls = one_per_route(crawl(client_for(people[role])))
    assert len(urls) > 10, urls
    problems = walk(browser, live_server, ROLES[role], urls)
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


@pytest.mark.browser
def test_every_admin_list_add_and_change_page_loads_with_no_csp_violation(
    live_server, browser, transactional_db, world, people, client_for
):
    org_login_grant(people["org"])
    client = client_for(people["org"])
    urls = ["/admin/"]
    for model in admin.site._registry:
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        if client.get(changelist).status_code != 200:
            continue
        urls.append(changelist)
        first = model.objects.for_user(people["org"]).first() if hasattr(model.objects, "for_user") else None
        first = first or model.objects.order_by("pk").first()
        if first and client.get(f"{changelist}{first.pk}/change/").status_code == 200:
            urls.append(f"{changelist}{first.pk}/change/")
    assert len(urls) > 20, urls
    problems = walk(browser, live_server, "org_admin", urls)
    assert not problems, "\n".join(f"{urlsplit(url).path}: {found}" for url, found in problems.items())
