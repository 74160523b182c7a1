"""Every URL of the dashboard app as every role (tests/walk.py)."""

import pytest

from tests.walk import walk

pytestmark = pytest.mark.django_db

READERS = {"org": 200, "township_a": 200, "township_b": 200}
REFUSED = {"secretary_a": 403, "secretary_b": 403, "station_manager": 403, "outsider": 403}


def test_home_answers_every_role_and_refuses_a_login_without_one(world, client_for, people):
    everyone = {**READERS, "secretary_a": 200, "secretary_b": 200, "station_manager": 200, "outsider": 403}
    assert walk(client_for, people, "/", everyone) == []


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/demands/",
        "/dashboard/demands/?overdue=1",
        "/dashboard/missing/",
        "/dashboard/activities/",
        "/dashboard/shifts/",
        "/dashboard/resources/",
        "/dashboard/reports/monthly/",
        "/dashboard/reports/monthly/report.xlsx",
        "/dashboard/reports/monthly/?month=2026-13",
    ],
)
def test_dashboard_lists_and_reports_are_for_the_department_and_townships(world, client_for, people, url):
    assert walk(client_for, people, url, {**READERS, **REFUSED}) == []


def test_round_reports_answer_their_district_and_404_for_another(world, client_for, people):
    for suffix in ["", "report.xlsx"]:
        own = f"/dashboard/reports/round/{world.r_cur.pk}/{suffix}"
        assert walk(client_for, people, own, {**READERS, **REFUSED}) == []
        foreign = f"/dashboard/reports/round/{world.other_round.pk}/{suffix}"
        assert walk(client_for, people, foreign, {"org": 404, "township_a": 404, "township_b": 404, **REFUSED}) == []
        missing = f"/dashboard/reports/round/999999/{suffix}"
        assert walk(client_for, people, missing, {"org": 404, "township_a": 404, "township_b": 404, **REFUSED}) == []
