"""Every URL of the lists half, as every role (tests/walk.py)."""

import pytest

from demands.models import ResourceItem, Submission
from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory, ProjectItemFactory, ResourceCategoryFactory
from tests.walk import walk

ANY = {"org": 200, "township_a": 200, "township_b": 200, "secretary_a": 200, "secretary_b": 200, "station_manager": 200}


@pytest.fixture
def things(district, village_a, village_b, secretary, secretary_b, station):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    resource = ResourceItem.objects.create(
        secretary=secretary, category=ResourceCategoryFactory(name="技术指导"), title="果树修剪"
    )
    project = ProjectItemFactory(title="六渡村民宿提升", villages=[village_a], lead_secretary=secretary)
    return {
        "round": collection_round.pk,
        "sub_a": Submission.objects.get(round=collection_round, village=village_a).pk,
        "resource": resource.pk,
        "project": project.pk,
        "township_a": village_a.township_id,
    }


CASES = [
    ("get", "/demands/rounds/", ANY),
    ("get", "/demands/rounds/new/", {"org": 200}),
    ("get", "/demands/rounds/{round}/", ANY),
    ("get", "/demands/rounds/{round}/completeness/", {"org": 200, "township_a": 200, "township_b": 200}),
    ("get", "/demands/rounds/completeness/", {"org": 302, "township_a": 302, "township_b": 302}),
    ("get", "/demands/rounds/{round}/template.xlsx", {"org": 404, "township_a": 200, "township_b": 200}),
    (
        "get",
        "/demands/rounds/{round}/template.xlsx?township={township_a}",
        {"org": 200, "township_a": 200, "township_b": 404},
    ),
    ("get", "/demands/rounds/{round}/export.xlsx", {"org": 200, "township_a": 200, "township_b": 200}),
    ("get", "/demands/rounds/{round}/upload/", {"org": 200, "township_a": 200, "township_b": 200}),
    ("post", "/demands/rounds/{round}/upload/confirm/", {"org": 302, "township_a": 302, "township_b": 302}),
    ("get", "/demands/rounds/{round}/review/", {"org": 200, "township_a": 200, "township_b": 200}),
    (
        "get",
        "/demands/rounds/{round}/review/?township={township_a}",
        {"org": 200, "township_a": 200, "township_b": 404},
    ),
    # Nothing ticked: the department has to name a township (404 without one), a township its own.
    ("post", "/demands/rounds/{round}/review/accept/", {"org": 404, "township_a": 302, "township_b": 302}),
    ("post", "/demands/rounds/{round}/review/{sub_a}/return/", {"org": 200, "township_a": 200, "township_b": 404}),
    ("get", "/demands/my-list/", {"secretary_a": 302, "secretary_b": 302}),
    (
        "get",
        "/demands/submissions/{sub_a}/",
        {
            "org": 200,
            "township_a": 200,
            "township_b": 404,
            "secretary_a": 200,
            "secretary_b": 404,
            "station_manager": 200,
        },
    ),
    ("post", "/demands/submissions/{sub_a}/return/", {"org": 302, "township_a": 302, "township_b": 404}),
    ("post", "/demands/submissions/{sub_a}/accept/", {"org": 302, "township_a": 302, "township_b": 404}),
    (
        "get",
        "/demands/lists/row/?index=0",
        {"org": 200, "township_a": 200, "township_b": 200, "secretary_a": 200, "secretary_b": 200},
    ),
    ("get", "/demands/resources/", ANY),
    ("get", "/demands/resources/new/", {"org": 200, "secretary_a": 200, "secretary_b": 200}),
    ("post", "/demands/resources/confirm/", {"secretary_a": 302, "secretary_b": 302}),
    ("get", "/demands/resources/{resource}/edit/", {"org": 200, "secretary_a": 200}),
    ("get", "/demands/projects/", ANY),
    (
        "get",
        "/demands/projects/new/",
        {"org": 200, "township_a": 200, "township_b": 200, "secretary_a": 200, "secretary_b": 200},
    ),
    (
        "get",
        "/demands/projects/{project}/edit/",
        {"org": 200, "township_a": 200, "township_b": 404, "secretary_a": 200, "secretary_b": 404},
    ),
]


@pytest.mark.parametrize(("method", "url", "expected"), CASES, ids=[f"{m} {u}" for m, u, _ in CASES])
def test_every_lists_url_answers_each_role_as_expected(things, people, client_for, method, url, expected):
    problems = walk(client_for, people, url.format(**things), expected, default=403, method=method)
    assert problems == []


def test_foreign_ids_answer_404_not_500(people, client_for, things):
    client = client_for(people["org"])
    for url in ["/demands/rounds/999999/", "/demands/submissions/999999/", "/demands/projects/999999/edit/"]:
        assert client.get(url).status_code == 404
    assert client.get("/demands/rounds/1/template.xlsx?township=abc").status_code == 404
    assert client.get("/demands/lists/row/?index=x").status_code == 400
