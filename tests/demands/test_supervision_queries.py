"""The daily supervision run at province scale: the people of every new flag are read together and
the notices written together, so flagging many items costs the same queries as flagging one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demands.models import DemandItem, SupervisionFlag
from demands.services import loop
from demands.services.supervision import flag_items
from notices.models import Notice
from stations.models import DutyShift
from tests.demands.factories import DemandItemFactory
from tests.factories import SecretaryFactory, UserFactory
from tests.teams.factories import MembershipFactory, TeamFactory

Kind = DemandItem.AssigneeKind
TODAY = timezone.localdate()


@pytest.fixture
def assignees(district, village_a2, secretary, secretary_b, unit, station, station_manager_user, township_a_user):
    """One assignee of each kind, each with more than one person behind it where the kind allows."""
    team = TeamFactory(district=district, name="红色先锋", captain=secretary_b)
    MembershipFactory(team=team, secretary=secretary)
    away = SecretaryFactory(village=village_a2, dispatch_unit=unit, user=UserFactory(username="away", is_active=False))
    MembershipFactory(team=team, secretary=away)  # an inactive login is not told
    DutyShift.objects.create(station=station, date=TODAY, secretary=secretary)
    return {Kind.SECRETARY: secretary_b, Kind.TEAM: team, Kind.STATION: station, Kind.UNIT: unit}


def make_overdue(village, assignees, per_kind):
    """`per_kind` overdue items dispatched to each kind of assignee (one flag each: no stale clock)."""
    items = []
    for kind, assignee in assignees.items():
        for _ in range(per_kind):
            items.append(
                DemandItemFactory(
                    village=village,
                    status=DemandItem.Status.DISPATCHED,
                    assignee_kind=kind,
                    due_date=TODAY - timedelta(days=1),
                    **{f"assignee_{kind}": assignee},
                )
            )
    return items


def test_flagging_many_items_costs_the_same_queries_as_flagging_one_of_each_kind(village_a, assignees):
    make_overdue(village_a, assignees, 1)
    with CaptureQueriesContext(connection) as one:
        first = flag_items(TODAY)
    make_overdue(village_a, assignees, 8)
    with CaptureQueriesContext(connection) as many:
        second = flag_items(TODAY)

    assert (first["created"], second["created"]) == (4, 32)
    assert second["notified"] == 8 * first["notified"] > 0
    # The notices are one bulk INSERT, split only where the database caps the parameters of one
    # statement (SQLite: 999, so a few dozen notices of Notice's fields each).
    assert notice_inserts(one) == 1
    assert notice_inserts(many) == -(-second["notified"] // notice_batch_size(second["notified"]))
    assert len(many) - notice_inserts(many) == len(one) - 1, [q["sql"] for q in many.captured_queries]


def notice_inserts(queries):
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("INSERT") and '"notices_notice"' in q["sql"])


def notice_batch_size(count):
    fields = [f for f in Notice._meta.concrete_fields if not f.primary_key]
    return min(500, connection.ops.bulk_batch_size(fields, [None] * count))


def test_each_new_flag_tells_the_active_people_behind_the_assignee_and_the_township_staff(
    village_a, assignees, township_a_user, township_b_user, org_user
):
    items = make_overdue(village_a, assignees, 2)

    result = flag_items(TODAY)

    assert result["notified"] == Notice.objects.filter(kind="supervision").count()
    for item in items:
        expected = {u.pk for u in loop.assignee_users(item) if u.is_active} | {township_a_user.pk}
        told = set(
            Notice.objects.filter(kind="supervision", dedupe_key__startswith=f"supervision:{item.pk}:").values_list(
                "recipient_id", flat=True
            )
        )
        assert told == expected, item.assignee_kind
        assert township_b_user.pk not in told and org_user.pk not in told
        notice = Notice.objects.filter(dedupe_key__startswith=f"supervision:{item.pk}:").first()
        assert notice.title == f"列入督导清单（{SupervisionFlag.Reason.OVERDUE.label}）：{item.title}"
        assert notice.body == f"办理期限 {item.due_date:%Y-%m-%d} 已过，请尽快办结。"
        assert notice.url == f"/demands/items/{item.pk}/"


def test_a_member_who_moved_to_another_team_is_not_told_about_the_old_teams_items(
    district, village_a, assignees, secretary_user, secretary_b_user
):
    team = assignees[Kind.TEAM]
    team.memberships.filter(secretary__user=secretary_user).update(left=TODAY - timedelta(days=30))
    MembershipFactory(team=TeamFactory(district=district, name="致富先锋"), secretary=secretary_user.secretary)
    item = make_overdue(village_a, {Kind.TEAM: team}, 1)[0]

    flag_items(TODAY)

    told = set(
        Notice.objects.filter(dedupe_key__startswith=f"supervision:{item.pk}:").values_list("recipient_id", flat=True)
    )
    assert secretary_b_user.pk in told  # the captain
    assert secretary_user.pk not in told


def test_a_second_run_tells_nobody_again(village_a, assignees):
    make_overdue(village_a, assignees, 3)
    first = flag_items(TODAY)
    count = Notice.objects.count()

    assert flag_items(TODAY) == {"created": 0, "cleared": 0, "notified": 0}
    assert first["notified"] == count > 0 and Notice.objects.count() == count


def test_dispatch_notices_go_to_the_teams_current_members_only(
    district, village_a, assignees, secretary_user, secretary_b_user
):
    team = assignees[Kind.TEAM]
    team.memberships.filter(secretary__user=secretary_user).update(left=TODAY - timedelta(days=30))
    MembershipFactory(team=TeamFactory(district=district, name="致富先锋"), secretary=secretary_user.secretary)
    item = make_overdue(village_a, {Kind.TEAM: team}, 1)[0]
    told = {user.pk for user in loop.assignee_users(item)}
    assert secretary_b_user.pk in told  # the captain
    assert secretary_user.pk not in told
