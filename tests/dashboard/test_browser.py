"""The dashboards in a real Chromium: as the org department on a desktop and as a township on a
phone. Screenshots go to var/test/screens/; no chart area may be empty."""

import pytest
from django.conf import settings

from tests.browser import login

CHART_CHECK = """
() => Array.from(document.querySelectorAll('figure.chart')).map(figure => {
  const svg = figure.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {
    id: figure.id,
    hasSvg: !!svg,
    drawn: svg ? svg.querySelectorAll('.series rect, .series path, .series circle').length : 0,
    noData: svg ? svg.querySelectorAll('.no_data').length : 0,
    width: box.width,
    height: box.height,
    label: svg ? svg.getAttribute('aria-label') : null,
  };
})
"""


def screens_dir():
    path = settings.VAR_DIR / "screens"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_charts(page, expected):
    charts = page.evaluate(CHART_CHECK)
    assert len(charts) == expected
    for chart in charts:
        assert chart["hasSvg"], chart
        assert chart["drawn"] > 0 and chart["noData"] == 0, chart
        assert chart["width"] > 100 and chart["height"] > 100, chart
        assert chart["label"], chart
    return charts


@pytest.mark.browser
def test_org_dashboard_draws_every_chart(live_server, page, transactional_db, world, org_user):
    login(page, live_server, org_user.username)
    page.goto(f"{live_server.url}/?period=month&month={world.M:%Y-%m}")
    page.wait_for_selector("#headline")
    assert page.inner_text("[data-figure=secretaries_on_post] .figure-value") == "4"
    check_charts(page, 10)
    page.screenshot(path=str(screens_dir() / "dashboard_org.png"), full_page=True)
    # A drill-down from the funnel lands on the items behind the number.
    page.click("section:has(> .card #chart-funnel) table a >> nth=0")
    page.wait_for_selector("#drill-table")
    assert page.locator("#drill-table tbody tr[data-township]").count() == 7


@pytest.mark.browser
def test_township_dashboard_on_a_phone_draws_every_chart_and_only_its_township(
    live_server, phone_page, transactional_db, world, township_a_user
):
    page = phone_page
    login(page, live_server, township_a_user.username)
    page.goto(f"{live_server.url}/?period=month&month={world.M:%Y-%m}")
    page.wait_for_selector("#headline")
    check_charts(page, 10)
    body = page.inner_text("body")
    assert "十渡镇工作台" in body and "佛子庄乡" not in body and "北窖村" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=str(screens_dir() / "dashboard_township_phone.png"), full_page=True)
