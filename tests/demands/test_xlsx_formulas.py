"""Issue 13, safe writing: the round export and the co-building export store formula-like text
(a demand titled =HYPERLINK(...)) as text, never as a live formula."""

import pytest

from demands.models import DemandItem
from demands.services import loop
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory, DemandItemFactory
from tests.xlsx import FORMULA_TITLE, assert_stored_as_text

pytestmark = pytest.mark.django_db


def test_the_round_export_stores_a_formula_title_as_text(district, village_a, org_user, client_for):
    collection_round = CollectionRoundFactory(district=district)
    category = DemandCategoryFactory(name="产业发展")
    DemandItem.objects.create(
        round=collection_round,
        village=village_a,
        category=category,
        title=FORMULA_TITLE,
        detail="-1+1",
        estimated_funds=-5,
        status="submitted",
    )
    response = client_for(org_user).get(f"/demands/rounds/{collection_round.pk}/export.xlsx")
    assert response.status_code == 200
    assert assert_stored_as_text(response.content) == 1
    assert_stored_as_text(response.content, "-1+1")


def test_the_cobuild_export_stores_a_formula_title_as_text(village_a, secretary, org_user, client_for):
    item = DemandItemFactory(village=village_a, category=DemandCategoryFactory(name="产业发展"), title=FORMULA_TITLE)
    loop.accept(item, org_user)
    loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary.pk)
    response = client_for(org_user).get("/demands/cobuild/export.xlsx")
    assert response.status_code == 200
    assert assert_stored_as_text(response.content) == 1
