"""A township's dashboard, and every drill-down link on it, never shows another township's data."""

import re
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

FOREIGN_TO_A = ["佛子庄乡", "黑龙关村", "北窖村", "李红梅", "钱进", "卫生室设备更新", "校舍维修"]


def text_of(response):
    """A page's HTML, or every cell of an .xlsx download as text."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(BytesIO(response.content))
        return "\n".join(
            str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row if value
        )
    return response.content.decode()


def drill_links(html):
    return sorted({unescape(href) for href in re.findall(r'href="(/dashboard/[^"]+)"', html)})


def row_townships(html):
    return set(re.findall(r'<tr data-township="(\d*)"', html))


def test_every_drill_down_link_of_a_township_dashboard_stays_in_the_township(
    world, client_for, township_a_user, township_a
):
    client = client_for(township_a_user)
    html = client.get(f"/?period=month&month={world.M:%Y-%m}").content.decode()
    links = drill_links(html)
    assert len(links) >= 15
    for url in links:
        query = parse_qs(urlparse(url).query)
        assert query.get("township", [str(township_a.pk)]) == [str(township_a.pk)], url
        response = client.get(url)
        assert response.status_code == 200, url
        page = text_of(response)
        assert row_townships(page) <= {str(township_a.pk), ""}, url
        for foreign in FOREIGN_TO_A:
            assert foreign not in page, (url, foreign)


def test_org_narrowed_to_a_township_links_only_to_that_township(world, client_for, org_user, township_a):
    client = client_for(org_user)
    html = client.get(f"/?period=month&month={world.M:%Y-%m}&township={township_a.pk}").content.decode()
    for url in drill_links(html):
        path, query = urlparse(url).path, parse_qs(urlparse(url).query)
        if path in ("/dashboard/demands/", "/dashboard/missing/", "/dashboard/activities/"):
            assert query.get("township") == [str(township_a.pk)], url
            page = client.get(url).content.decode()
            assert row_townships(page) <= {str(township_a.pk), ""}, url


def test_drill_down_lists_count_what_the_dashboard_counted(world, client_for, org_user, township_a):
    client = client_for(org_user)
    r = world.r_cur.pk

    def count(url):
        return len(re.findall(r"<tr data-township=", client.get(url).content.decode()))

    assert count(f"/dashboard/demands/?round={r}&stage=submitted") == 7
    assert count(f"/dashboard/demands/?round={r}&stage=accepted") == 4
    assert count(f"/dashboard/demands/?round={r}&stage=resolved&township={township_a.pk}") == 2
    assert count(f"/dashboard/demands/?round={r}&category={world.cats.health.pk}") == 2
    assert count("/dashboard/demands/?overdue=1") == 3
    assert count(f"/dashboard/demands/?stage=unmet&category={world.cats.edu.pk}") == 2
    assert count(f"/dashboard/missing/?round={r}") == 2
    assert count(f"/dashboard/activities/?month={world.M:%Y-%m}") == 3
    assert count(f"/dashboard/activities/?month={world.M:%Y-%m}&team={world.team1.pk}") == 2


def test_a_township_cannot_open_another_townships_drill_down_by_guessing(
    world, client_for, township_a_user, township_b
):
    client = client_for(township_a_user)
    for path in ["/dashboard/demands/", "/dashboard/missing/", "/dashboard/activities/", "/dashboard/shifts/", "/"]:
        assert client.get(f"{path}?township={township_b.pk}").status_code == 404, path
    # Without a township the lists are still only A's.
    page = client.get("/dashboard/demands/?overdue=1").content.decode()
    assert row_townships(page) == {str(world.items.d3.village.township_id)}
    assert client.get(f"/dashboard/shifts/?station={world.station_b.pk}").status_code == 404


def test_foreign_rounds_and_reports_answer_404(world, client_for, org_user, township_a_user, township_b):
    org = client_for(org_user)
    assert org.get(f"/dashboard/reports/round/{world.other_round.pk}/").status_code == 404
    assert org.get(f"/dashboard/reports/round/{world.other_round.pk}/report.xlsx").status_code == 404
    assert org.get(f"/dashboard/demands/?round={world.other_round.pk}").status_code == 404
    staff = client_for(township_a_user)
    assert staff.get(f"/dashboard/reports/round/{world.r_cur.pk}/?township={township_b.pk}").status_code == 404
    assert staff.get(f"/dashboard/reports/monthly/?township={township_b.pk}").status_code == 404


def test_a_township_report_holds_only_its_township(world, client_for, township_a_user):
    html = client_for(township_a_user).get(f"/dashboard/reports/round/{world.r_cur.pk}/").content.decode()
    assert "十渡镇" in html and "东庄村" in html
    for foreign in FOREIGN_TO_A:
        assert foreign not in html, foreign
