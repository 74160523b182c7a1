"""Issue 13, safe writing: the activities export stores formula-like text as text."""

from datetime import date

from django.urls import reverse

from tests.teams.factories import ActivityFactory
from tests.xlsx import FORMULA_TITLE, assert_stored_as_text


def test_the_activity_export_stores_a_formula_title_as_text(client_for, township_b_user, team):
    ActivityFactory(team=team, title=FORMULA_TITLE, place="@SUM(1,2)", date=date(2026, 3, 2), people_reached=10)
    response = client_for(township_b_user).get(reverse("teams:activity_export"), {"month": "2026-03"})
    assert response.status_code == 200
    assert assert_stored_as_text(response.content) == 1
    assert_stored_as_text(response.content, "@SUM(1,2)")
