"""Issue 13, safe writing: the round report's .xlsx stores formula-like text as text."""

import pytest

from tests.xlsx import FORMULA_TITLE, assert_stored_as_text

pytestmark = pytest.mark.django_db


def test_the_round_report_stores_a_formula_title_as_text(world, client_for, org_user):
    world.items.d1.title = FORMULA_TITLE
    world.items.d1.save(update_fields=["title"])
    response = client_for(org_user).get(f"/dashboard/reports/round/{world.r_cur.pk}/report.xlsx")
    assert response.status_code == 200
    assert assert_stored_as_text(response.content) >= 1
