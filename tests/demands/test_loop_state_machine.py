"""The state machine of a demand item: every legal and illegal step, per role.

The steps, the statuses each starts from and the status each leads to are the table in
demands/lifecycle.py (STEPS); each test takes the step through the service and reads the item
back from the database, so a service that moves an item elsewhere than the table says fails here.
Who may take a step is checked against the people of the world below, named independently."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from demands import lifecycle
from demands.lifecycle import STEPS
from demands.models import DemandEvent, DemandItem
from demands.services import loop
from notices.models import Notice
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory, event_actions

S = DemandItem.Status
ROLES = ["org", "township_a", "township_b", "secretary_a", "secretary_b", "station_manager", "outsider"]

# Who of the world below may take a step on an item of village A (the assignee is secretary B).
WHO = {
    lifecycle.DISPATCHERS: {"org"},
    lifecycle.ASSIGNEE: {"secretary_b"},
    lifecycle.VILLAGE: {"secretary_a", "township_a"},
}
ALLOWED = {name: WHO[step.who] for name, step in STEPS.items()}
# Every status an item can be brought to (a draft is not in the loop yet).
ALL_STATUSES = [status for status in S if status != S.DRAFT]


@pytest.fixture
def loop_world(people, secretary, secretary_b, village_a):
    category = DemandCategoryFactory(name="产业发展")
    item = DemandItemFactory(village=village_a, category=category, title="村道硬化")
    other = DemandItemFactory(village=village_a, category=category, title="村道硬化（重复）")
    return {"people": people, "item": item, "other": other, "secretary_b": secretary_b}


def bring_to(status, world):
    """Walk the item to `status` through the services, as the right people."""
    item, people = world["item"], world["people"]
    org, assignee, rater = people["org"], people["secretary_b"], people["secretary_a"]
    if status == S.SUBMITTED:
        return item
    if status == S.MERGED:
        return loop.merge(item, org, world["other"])
    if status == S.RETURNED:
        return loop.return_item(item, org, "内容不完整")
    item = loop.accept(item, org)
    if status == S.ACCEPTED:
        return item
    item = loop.dispatch(item, org, kind="secretary", assignee_id=world["secretary_b"].pk)
    if status == S.DISPATCHED:
        return item
    item = loop.add_progress(item, assignee, "已联系农业专家")
    if status == S.IN_PROGRESS:
        return item
    item = loop.resolve(item, assignee, resolution="已完成硬化 800 米", funds_secured=200000)
    if status == S.RESOLVED:
        return item
    assert status == S.RATED, status
    return loop.rate(item, rater, rating=1, comment="质量不好")


def take(step, item, user, world):
    if step == "accept":
        return loop.accept(item, user, "")
    if step == "return":
        return loop.return_item(item, user, "与上轮重复")
    if step == "dispatch":
        return loop.dispatch(item, user, kind="secretary", assignee_id=world["secretary_b"].pk)
    if step == "merge":
        return loop.merge(item, user, world["other"])
    if step == "progress":
        return loop.add_progress(item, user, "正在施工")
    if step == "resolve":
        return loop.resolve(item, user, resolution="已办结")
    if step == "rate":
        return loop.rate(item, user, rating=4, comment="满意")
    if step == "request_reopen":
        return loop.request_reopen(item, user, "路面仍有裂缝")
    if step == "reopen":
        return loop.reopen(item, user, "返工")
    raise AssertionError(step)


def snapshot(item):
    item.refresh_from_db()
    return (item.status, item.updated_at, DemandEvent.objects.filter(item=item).count(), Notice.objects.count())


def legal_actor(step):
    return sorted(ALLOWED[step])[0]


@pytest.mark.parametrize("step", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_each_step_is_taken_only_by_the_roles_allowed(step, role, loop_world):
    start = sorted(STEPS[step].sources)[0]
    item = bring_to(start, loop_world)
    user = loop_world["people"][role]
    if role in ALLOWED[step]:
        before = item.status
        take(step, item, user, loop_world)
        item.refresh_from_db()
        target = STEPS[step].target
        assert item.status == target
        event = DemandEvent.objects.filter(item=item).latest("pk")
        assert (event.action, event.actor, event.from_status, event.to_status) == (step, user, before, target)
    else:
        before = snapshot(item)
        with pytest.raises(loop.TransitionError, match="无权"):
            take(step, item, user, loop_world)
        assert snapshot(item) == before


@pytest.mark.parametrize("step", list(ALLOWED))
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_each_step_is_legal_only_from_its_statuses(step, status, loop_world):
    item = bring_to(status, loop_world)
    user = loop_world["people"][legal_actor(step)]
    if status in STEPS[step].sources:
        take(step, item, user, loop_world)
        item.refresh_from_db()
        assert item.status == STEPS[step].target
    else:
        before = snapshot(item)
        with pytest.raises(loop.TransitionError):
            take(step, item, user, loop_world)
        assert snapshot(item) == before


def test_the_table_leads_from_submitted_to_rated_through_the_loop():
    # 点单 → 接单 → 派单 → 办结 → 评价: each step starts where the one before it left the item.
    status = S.SUBMITTED
    for step in ["accept", "dispatch", "progress", "resolve", "rate"]:
        assert status in STEPS[step].sources, (step, status)
        status = STEPS[step].target
    assert status == S.RATED


def test_return_needs_a_reason(loop_world):
    item = loop_world["item"]
    with pytest.raises(loop.TransitionError, match="原因"):
        loop.return_item(item, loop_world["people"]["org"], "   ")
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


def test_dispatch_sets_the_due_date_from_urgency(loop_world, settings):
    settings.DUE_DAYS_BY_URGENCY = {"low": 30, "normal": 15, "high": 7, "critical": 3}
    item = loop_world["item"]
    item.urgency = DemandItem.Urgency.HIGH
    item.save()
    item = bring_to(S.DISPATCHED, loop_world)
    assert item.due_date == timezone.localdate() + timedelta(days=7)
    assert item.dispatched_at is not None and item.accepted_at is not None
    assert item.assignee == loop_world["secretary_b"]


def test_dispatch_refuses_an_assignee_outside_the_district(loop_world):
    from tests.factories import DistrictFactory, SecretaryFactory, TownshipFactory, VillageFactory

    far = SecretaryFactory(village=VillageFactory(township=TownshipFactory(district=DistrictFactory(name="门头沟区"))))
    item = bring_to(S.ACCEPTED, loop_world)
    with pytest.raises(loop.TransitionError, match="不在本区"):
        loop.dispatch(item, loop_world["people"]["org"], kind="secretary", assignee_id=far.pk)
    item.refresh_from_db()
    assert item.status == S.ACCEPTED and item.assignee_secretary is None


def test_resolve_records_what_was_done_funds_and_date(loop_world):
    item = bring_to(S.IN_PROGRESS, loop_world)
    loop.resolve(
        item,
        loop_world["people"]["secretary_b"],
        resolution="修好水渠",
        funds_secured=5000,
        resolved_on=date(2026, 1, 5),
    )
    item.refresh_from_db()
    assert (item.resolution, item.funds_secured, item.resolved_on) == ("修好水渠", 5000, date(2026, 1, 5))


def test_a_good_rating_cannot_be_reopened(loop_world):
    item = bring_to(S.RESOLVED, loop_world)
    loop.rate(item, loop_world["people"]["township_a"], rating=5)
    with pytest.raises(loop.TransitionError, match="分及以下"):
        loop.reopen(item, loop_world["people"]["org"])


def test_reopen_after_a_poor_rating_starts_a_new_cycle_with_the_same_assignee(loop_world):
    item = bring_to(S.RATED, loop_world)
    loop.reopen(item, loop_world["people"]["org"], "返工")
    item.refresh_from_db()
    assert (item.status, item.cycle, item.rating, item.assignee) == (S.DISPATCHED, 1, None, loop_world["secretary_b"])
    loop.resolve(item, loop_world["people"]["secretary_b"], resolution="返工完成")
    loop.rate(item, loop_world["people"]["secretary_a"], rating=5)
    assert event_actions(item) == ["accept", "dispatch", "progress", "resolve", "rate", "reopen", "resolve", "rate"]


def test_township_staff_accept_and_dispatch_within_their_township_when_allowed(loop_world, settings):
    settings.TOWNSHIP_MAY_DISPATCH = True
    item, people = loop_world["item"], loop_world["people"]
    with pytest.raises(loop.TransitionError, match="无权"):
        loop.accept(item, people["township_b"])
    loop.accept(item, people["township_a"])
    loop.dispatch(item, people["township_a"], kind="secretary", assignee_id=loop_world["secretary_b"].pk)
    item.refresh_from_db()
    assert item.status == S.DISPATCHED


def test_merge_refuses_itself(loop_world):
    item = loop_world["item"]
    with pytest.raises(loop.TransitionError, match="自己"):
        loop.merge(item, loop_world["people"]["org"], item)


def test_rating_must_be_one_to_five(loop_world):
    item = bring_to(S.RESOLVED, loop_world)
    for bad in (0, 6, "abc", None):
        with pytest.raises(loop.TransitionError, match="1 到 5"):
            loop.rate(item, loop_world["people"]["secretary_a"], rating=bad)
    item.refresh_from_db()
    assert item.status == S.RESOLVED


# --- other kinds of assignee -----------------------------------------------------------------


def test_team_captain_and_members_work_a_team_item_and_outsiders_do_not(loop_world, district, secretary, batch):
    from teams.models import PioneerTeam, TeamMembership
    from tests.factories import SecretaryFactory, StaffProfileFactory, UserFactory, VillageFactory

    people = loop_world["people"]
    team = PioneerTeam.objects.create(district=district, name="致富先锋", captain=secretary)
    member = SecretaryFactory(village=VillageFactory(township=secretary.village.township), batch=batch)
    member.user = UserFactory(username="member")
    member.save()
    StaffProfileFactory(user=member.user, role="secretary")
    TeamMembership.objects.create(team=team, secretary=member, joined=date(2025, 1, 1))
    item = loop.accept(loop_world["item"], people["org"])
    loop.dispatch(item, people["org"], kind="team", assignee_id=team.pk)
    with pytest.raises(loop.TransitionError, match="无权"):
        loop.add_progress(item, people["secretary_b"], "我不是队员")
    loop.add_progress(item, member.user, "队员已到村")
    loop.resolve(item, people["secretary_a"], resolution="队长办结")
    item.refresh_from_db()
    assert item.status == S.RESOLVED
    assert Notice.objects.filter(recipient=member.user, title__startswith="新派单").count() == 1


def test_station_manager_and_on_duty_secretary_work_a_station_item(loop_world, station):
    from stations.models import DutyShift

    people = loop_world["people"]
    item = loop.accept(loop_world["item"], people["org"])
    loop.dispatch(item, people["org"], kind="station", assignee_id=station.pk)
    with pytest.raises(loop.TransitionError, match="无权"):
        loop.add_progress(item, people["secretary_b"], "今天不值班")
    DutyShift.objects.create(station=station, date=timezone.localdate(), secretary=loop_world["secretary_b"])
    loop.add_progress(item, people["secretary_b"], "值班时受理")
    loop.resolve(item, people["station_manager"], resolution="站长办结")
    item.refresh_from_db()
    assert item.status == S.RESOLVED


def test_unit_secretaries_work_a_unit_item(loop_world, unit):
    people = loop_world["people"]
    item = loop.accept(loop_world["item"], people["org"])
    loop.dispatch(item, people["org"], kind="unit", assignee_id=unit.pk)
    with pytest.raises(loop.TransitionError, match="无权"):
        loop.add_progress(item, people["station_manager"], "不是本单位")
    loop.resolve(item, people["secretary_b"], resolution="单位捐赠设备")  # secretary_b's unit is `unit`
    item.refresh_from_db()
    assert item.status == S.RESOLVED


# --- notifications -----------------------------------------------------------------------------


def test_each_step_notifies_the_people_concerned_once(loop_world):
    people = loop_world["people"]
    item = bring_to(S.DISPATCHED, loop_world)
    assert Notice.objects.filter(recipient=people["secretary_b"], title__startswith="新派单").count() == 1
    assert Notice.objects.filter(recipient=people["secretary_a"], title__startswith="需求已接单").count() == 1
    assert Notice.objects.filter(recipient=people["township_a"], title__startswith="需求已派单").count() == 1
    assert not Notice.objects.filter(recipient=people["township_b"]).exists()
    # Re-dispatching to the same person, and several progress notes, notify once each.
    loop.dispatch(item, people["org"], kind="secretary", assignee_id=loop_world["secretary_b"].pk)
    loop.add_progress(item, people["secretary_b"], "第一次进展")
    loop.add_progress(item, people["secretary_b"], "第二次进展")
    assert Notice.objects.filter(recipient=people["secretary_b"], title__startswith="新派单").count() == 1
    assert Notice.objects.filter(recipient=people["secretary_a"], title__startswith="需求办理中").count() == 1
    assert event_actions(item) == ["accept", "dispatch", "dispatch", "progress", "progress"]


def test_a_poor_rating_tells_the_org_department(loop_world):
    bring_to(S.RATED, loop_world)
    assert Notice.objects.filter(recipient=loop_world["people"]["org"], title__contains="评价 1 分").count() == 1
