from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notices.models import Notice
from stations.models import DutyShift, SwapRequest, Unavailability
from stations.services import swap_accept, swap_approve, swap_cancel, swap_propose, swap_reject
from tests.stations.factories import make_secretary, make_station


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=8)


@pytest.fixture
def colleague(township_a):
    return make_secretary(township_a, login=True, name="赵志远")


@pytest.fixture
def shift(station, secretary, day):
    return DutyShift.objects.create(station=station, date=day, secretary=secretary)


def test_swap_goes_from_proposal_to_acceptance_to_approval(shift, secretary_user, colleague, station_manager_user):
    swap = swap_propose(shift, secretary_user, colleague, reason="单位开会")
    assert Notice.objects.filter(recipient=colleague.user, kind="swap").exists()
    swap_accept(swap, colleague.user)
    assert Notice.objects.filter(recipient=station_manager_user, kind="swap").exists()

    swap_approve(swap, station_manager_user)

    shift.refresh_from_db()
    assert shift.status == "swapped"
    assert DutyShift.objects.get(date=shift.date, station=shift.station, status="scheduled").secretary == colleague
    assert SwapRequest.objects.get().status == "approved"


def test_approval_rechecks_leave_entered_after_acceptance(shift, secretary_user, colleague, station_manager_user):
    swap = swap_propose(shift, secretary_user, colleague)
    swap_accept(swap, colleague.user)
    Unavailability.objects.create(secretary=colleague, start=shift.date, end=shift.date, reason="病假")

    with pytest.raises(ValidationError, match="请假"):
        swap_approve(swap, station_manager_user)

    shift.refresh_from_db()
    assert shift.status == "scheduled"
    assert SwapRequest.objects.get().status == "accepted"


def test_approval_rechecks_the_weekly_cap_across_stations(
    shift, secretary_user, colleague, station_manager_user, township_a
):
    swap = swap_propose(shift, secretary_user, colleague)
    swap_accept(swap, colleague.user)
    elsewhere = make_station(township_a, weekdays=[4])
    monday = shift.date - timedelta(days=shift.date.weekday())
    other_day = monday if monday != shift.date else monday + timedelta(days=1)
    DutyShift.objects.create(station=elsewhere, date=other_day, secretary=colleague)

    with pytest.raises(ValidationError, match="上限"):
        swap_approve(swap, station_manager_user)


def test_approval_rechecks_same_day_shift(shift, secretary_user, colleague, station_manager_user, township_a):
    swap = swap_propose(shift, secretary_user, colleague)
    swap_accept(swap, colleague.user)
    DutyShift.objects.create(station=make_station(township_a), date=shift.date, secretary=colleague)

    with pytest.raises(ValidationError, match="已有班次"):
        swap_approve(swap, station_manager_user)


def test_exchange_of_two_shifts_in_different_weeks(shift, secretary, secretary_user, colleague, station_manager_user):
    theirs = DutyShift.objects.create(station=shift.station, date=shift.date + timedelta(days=7), secretary=colleague)
    swap = swap_propose(shift, secretary_user, colleague, to_shift=theirs)
    swap_accept(swap, colleague.user)
    swap_approve(swap, station_manager_user)

    live = DutyShift.objects.exclude(status="swapped")
    assert live.get(date=shift.date).secretary == colleague
    assert live.get(date=theirs.date).secretary == secretary


def test_proposal_to_someone_outside_the_pool_is_refused(shift, secretary_user, secretary_b):
    with pytest.raises(ValidationError, match="值班池"):
        swap_propose(shift, secretary_user, secretary_b)


def test_only_the_invited_person_accepts_and_only_the_manager_approves(
    shift, secretary_user, colleague, secretary_b_user, township_b_user
):
    swap = swap_propose(shift, secretary_user, colleague)
    with pytest.raises(PermissionDenied):
        swap_accept(swap, secretary_user)
    swap_accept(swap, colleague.user)
    for user in (secretary_user, colleague.user, secretary_b_user, township_b_user):
        with pytest.raises(PermissionDenied):
            swap_approve(swap, user)


def test_manager_of_another_station_cannot_approve(shift, secretary_user, colleague, township_b):
    from secretaries.models import StaffProfile
    from tests.factories import UserFactory

    other = make_station(township_b)
    manager = UserFactory(username="other_mgr")
    StaffProfile.objects.create(user=manager, role="station_manager", station=other)
    swap = swap_propose(shift, secretary_user, colleague)
    swap_accept(swap, colleague.user)
    with pytest.raises(PermissionDenied):
        swap_approve(swap, manager)


def test_reject_and_cancel(shift, secretary_user, colleague, org_user):
    swap = swap_propose(shift, secretary_user, colleague)
    swap_accept(swap, colleague.user)
    swap_reject(swap, org_user)
    assert SwapRequest.objects.get().status == "rejected"
    second = swap_propose(shift, secretary_user, colleague)
    swap_cancel(second, secretary_user)
    second.refresh_from_db()
    assert second.status == "cancelled"
    with pytest.raises(ValidationError):
        swap_accept(second, colleague.user)


def test_leave_on_the_offered_shift_cancels_the_exchange_instead_of_making_it_one_way(
    shift, secretary_user, colleague, station_manager_user, django_capture_on_commit_callbacks
):
    from stations.services import leave_add

    theirs = DutyShift.objects.create(station=shift.station, date=shift.date + timedelta(days=7), secretary=colleague)
    swap = swap_propose(shift, secretary_user, colleague, to_shift=theirs)
    swap_accept(swap, colleague.user)
    with django_capture_on_commit_callbacks(execute=False):
        leave_add(colleague, theirs.date, theirs.date, "家中有事")

    swap.refresh_from_db()
    assert swap.status == "cancelled"
    with pytest.raises(ValidationError):
        swap_approve(swap, station_manager_user)
    shift.refresh_from_db()
    assert shift.status == "scheduled" and shift.secretary_id == swap.shift.secretary_id


def test_a_cancel_that_lost_the_race_to_an_approval_changes_nothing(shift, secretary_user, colleague):
    swap = swap_propose(shift, secretary_user, colleague, reason="单位开会")
    swap_accept(swap, colleague.user)
    requester_user = secretary_user
    stale = SwapRequest.objects.get(pk=swap.pk)  # the requester's page was loaded before approval
    SwapRequest.objects.filter(pk=swap.pk).update(status=SwapRequest.Status.APPROVED)
    with pytest.raises(ValidationError, match="刚刚已被处理"):
        swap_cancel(stale, requester_user)
    assert SwapRequest.objects.get(pk=swap.pk).status == SwapRequest.Status.APPROVED
