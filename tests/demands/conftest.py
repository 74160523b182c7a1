"""The demand lists' common world: an open round with a submission for each of the standard
villages, and a category (`submission_of` in tests/demands/factories.py finds a village's list)."""

import pytest

from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory


@pytest.fixture
def open_round(district, village_a, village_a2, village_b):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


@pytest.fixture
def category(db):
    return DemandCategoryFactory(name="基础设施建设")
