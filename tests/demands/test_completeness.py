from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.scoping import scope_for
from demands.models import Submission
from demands.selectors_lists import completeness_by_township
from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory
from tests.factories import VillageFactory


def local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def fixture_round(district, township_a, township_b, village_a, village_a2, village_b):
    """Township A: on time, late, nil on the deadline evening, missing. Township B: returned, accepted."""
    a3 = VillageFactory(township=township_a, name="七渡村")
    a4 = VillageFactory(township=township_a, name="八渡村")
    b2 = VillageFactory(township=township_b, name="北窖村")
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    done = Submission.Status.SUBMITTED

    def mark(village, **fields):
        Submission.objects.filter(round=collection_round, village=village).update(**fields)

    mark(village_a, status=done, submitted_at=local(2026, 11, 10, 9))
    mark(village_a2, status=done, submitted_at=local(2026, 11, 16, 10))
    mark(a3, status=done, is_nil=True, submitted_at=local(2026, 11, 15, 23, 30))
    mark(a4, status=Submission.Status.DRAFT)
    mark(village_b, status=Submission.Status.RETURNED, submitted_at=local(2026, 11, 12, 8), return_reason="缺少联系人")
    mark(b2, status=Submission.Status.ACCEPTED, submitted_at=local(2026, 11, 14, 16))
    return collection_round


def numbers(row):
    return (
        row.expected,
        row.submitted,
        row.on_time,
        row.late,
        row.missing,
        row.nil,
        row.reporting_rate,
        row.on_time_rate,
    )


def test_completeness_numbers_match_the_hand_computed_fixture(fixture_round, org_user):
    rows, total = completeness_by_township(fixture_round, org_user)
    by_name = {row.name: numbers(row) for row in rows}
    assert by_name == {
        "十渡镇": (4, 3, 2, 1, 1, 1, 75.0, 50.0),
        "佛子庄乡": (2, 1, 1, 0, 1, 0, 50.0, 50.0),
    }
    assert numbers(total) == (6, 4, 3, 1, 2, 1, 66.7, 50.0)


def test_township_staff_see_only_their_own_township(fixture_round, township_b_user):
    rows, total = completeness_by_township(fixture_round, township_b_user)
    assert [row.name for row in rows] == ["佛子庄乡"]
    assert total.expected == 2


def test_completeness_is_one_query_however_many_villages(fixture_round, org_user, township_a):
    scope_for(org_user)
    with CaptureQueriesContext(connection) as small:
        completeness_by_township(fixture_round, org_user)
    for number in range(40):
        VillageFactory(township=township_a, name=f"新增{number}村")
    with CaptureQueriesContext(connection) as large:
        rows, total = completeness_by_township(fixture_round, org_user)
    assert len(small) == len(large) == 1
    assert total.expected == 46


def test_completeness_page_query_count_does_not_grow_with_villages(
    fixture_round, org_user, township_a, client_for, django_assert_max_num_queries
):
    client = client_for(org_user)
    url = f"/demands/rounds/{fixture_round.pk}/completeness/"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for number in range(40):
        VillageFactory(township=township_a, name=f"新增{number}村")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(small) == len(large)
    assert "新增0村" in response.content.decode()
    with django_assert_max_num_queries(13):  # 12 and the menu's look at the district's practice
        client.get(url)


def test_missing_villages_are_listed_with_their_secretary_contact(fixture_round, org_user, client_for, secretary):
    Submission.objects.filter(round=fixture_round, village=secretary.village).update(status=Submission.Status.DRAFT)
    html = client_for(org_user).get(f"/demands/rounds/{fixture_round.pk}/completeness/").content.decode()
    assert f'href="tel:{secretary.phone}"' in html
    assert "八渡村" in html and "黑龙关村" in html


def test_township_staff_can_call_their_missing_villages_secretary(
    fixture_round, township_a_user, client_for, secretary
):
    Submission.objects.filter(round=fixture_round, village=secretary.village).update(status=Submission.Status.DRAFT)
    html = client_for(township_a_user).get(f"/demands/rounds/{fixture_round.pk}/completeness/").content.decode()
    assert f'<a href="tel:{secretary.phone}">{secretary.phone}</a>' in html
    assert "黑龙关村" not in html
