"""The dashboards' and reports' query counts do not grow with the data: pinned for a small fixture
and for one ten times larger."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard import summary
from dashboard.periods import add_months
from tests.dashboard import factories as f

pytestmark = pytest.mark.django_db

# Each count includes the request's own: session (read and the idle-expiry update), user, role
# profile and the notices badge (not rendered in an .xlsx download, hence one fewer there). The
# department's view reads the demand counts, the teams' ranking and the activities by month from
# the district's stored summary (dashboard.summary); a township's view counts its own share live.
# The to-do list on top (dashboard/todos.py) adds the open round, its lists waiting for review,
# today's duty and, for the department, the swaps waiting for approval: 4 and 3 queries; the
# township's villages short of reserve cadres one more, and its own row (does its liaison office
# run the loop: the 待接单 to-do) one more.
# Each page's menu adds 2 a download does not: the unread notices and whether the district names
# its lists Jining's way (四张清单, teams.context_processors).
ORG_DASHBOARD_QUERIES = 16
TOWNSHIP_DASHBOARD_QUERIES = 37
ROUND_REPORT_QUERIES = 21
MONTHLY_REPORT_QUERIES = 13
MENU_QUERIES = 2
# A download writes its audit entry (one INSERT); the page's own queries stay as they were.
AUDIT_ENTRY_QUERIES = 1


@pytest.fixture
def grow(district, batch, unit, township_a):
    """grow(n) adds n townships' worth of everything, half of it in township A."""
    today = timezone.localdate()
    rounds = [
        f.make_round(district, add_months(today, -2), status="closed", title="上一轮"),
        f.make_round(district, today - timedelta(days=5), status="open", title="本轮"),
    ]
    teams = [f.make_team(district, name) for name in ("红色先锋", "致富先锋", "文明先锋")]
    categories = [
        f.category("产业发展", f.resource_category("资源类0")),
        f.category("医疗卫生", f.resource_category("资源类1")),
        f.category("教育"),
    ]
    added = {"n": 0}

    def grow(townships):
        args = (district, batch, unit, rounds, teams, categories)
        f.populate(*args, townships=townships, start=added["n"])
        f.populate(*args, townships=townships, start=added["n"] + 1000, into=township_a)
        added["n"] += townships
        return rounds

    return grow


def cold(refresh=True):
    """No cached result at all (a restarted cache), the districts' stored counts current."""
    cache.clear()
    if refresh:
        summary.refresh_all()


def count_queries(client, url):
    cold()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_dashboards_and_reports_keep_a_constant_query_count_as_data_grows_tenfold(
    grow, client_for, org_user, township_a_user, township_a, django_assert_num_queries
):
    rounds = grow(1)
    org, staff = client_for(org_user), client_for(township_a_user)
    cases = [
        ("org", org, "/", ORG_DASHBOARD_QUERIES),
        ("org quarter", org, "/?period=quarter", ORG_DASHBOARD_QUERIES),
        ("org narrowed", org, f"/?township={township_a.pk}", TOWNSHIP_DASHBOARD_QUERIES + 1),  # + swaps, - its row
        ("township", staff, "/", TOWNSHIP_DASHBOARD_QUERIES),
        ("round report", org, f"/dashboard/reports/round/{rounds[1].pk}/", ROUND_REPORT_QUERIES),
        (
            "round xlsx",
            org,
            f"/dashboard/reports/round/{rounds[1].pk}/report.xlsx",
            ROUND_REPORT_QUERIES - MENU_QUERIES + AUDIT_ENTRY_QUERIES,
        ),
        ("monthly report", org, "/dashboard/reports/monthly/", MONTHLY_REPORT_QUERIES),
        (
            "monthly xlsx",
            org,
            "/dashboard/reports/monthly/report.xlsx",
            MONTHLY_REPORT_QUERIES - MENU_QUERIES + AUDIT_ENTRY_QUERIES,
        ),
    ]
    small = {name: count_queries(client, url) for name, client, url, _ in cases}
    grow(9)
    large = {name: count_queries(client, url) for name, client, url, _ in cases}
    assert small == large
    for _name, client, url, expected in cases:
        cold()
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


def test_the_departments_first_view_reads_the_stored_counts_not_the_demand_items(grow, client_for, org_user):
    grow(2)
    client = client_for(org_user)
    cold()
    with CaptureQueriesContext(connection) as context:
        html = client.get("/").content.decode()
    assert 'id="supervision-count">' in html
    tables = " ".join(q["sql"] for q in context.captured_queries)
    assert "demands_demanditem" not in tables
    assert "dashboard_districtsummary" in tables
