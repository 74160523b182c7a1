"""Leave that has not started can be edited or withdrawn, by the person and by staff who see them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notices.models import Notice
from stations.models import DutyShift, RosterGap, Unavailability
from stations.services import leave_add, leave_withdraw, roster_generate


@pytest.fixture
def future_leave(station, secretary, django_capture_on_commit_callbacks):
    """The secretary's shift on a duty day (Wednesday) at least a week ahead, freed by leave entered
    today; the refill run it enqueues is not run."""
    day = timezone.localdate() + timedelta(days=8)
    day += timedelta(days=(2 - day.weekday()) % 7)
    DutyShift.objects.create(station=station, date=day, secretary=secretary)
    with django_capture_on_commit_callbacks(execute=False):
        leave, freed = leave_add(secretary, day, day, "参加市里培训")
    assert [(s.date, s.secretary) for s in freed] == [(day, secretary)]
    return leave


WITHDRAW_BY_ROLE = [
    ("secretary_a", 302, True),
    ("org", 302, True),
    ("township_a", 302, True),
    ("station_manager", 302, True),
    ("secretary_b", 404, False),
    ("township_b", 404, False),
    ("outsider", 403, False),
    ("anonymous", 302, False),
]


@pytest.mark.parametrize("role,status,withdrawn", WITHDRAW_BY_ROLE)
def test_who_may_withdraw_leave(client_for, people, future_leave, role, status, withdrawn):
    response = client_for(people[role]).post(f"/stations/leave/{future_leave.pk}/withdraw/")

    assert response.status_code == status
    assert Unavailability.objects.filter(pk=future_leave.pk).exists() is not withdrawn


@pytest.mark.parametrize("role,status,_", WITHDRAW_BY_ROLE)
def test_who_may_open_the_leave_edit_page(client_for, people, future_leave, role, status, _):
    response = client_for(people[role]).get(f"/stations/leave/{future_leave.pk}/edit/")

    assert response.status_code == (200 if status == 302 and role != "anonymous" else status)


def test_withdrawing_leaves_freed_shifts_freed_and_the_next_run_may_use_the_person_again(
    client_for, secretary, secretary_user, station, future_leave
):
    day = future_leave.start
    client_for(secretary_user).post(f"/stations/leave/{future_leave.pk}/withdraw/")

    assert not Unavailability.objects.filter(pk=future_leave.pk).exists()
    assert not DutyShift.objects.filter(date=day).exists()
    assert RosterGap.objects.open().get(station=station, date=day).freed_secretary == secretary

    # The secretary is the only person in the pool: with the leave gone, the run gives the day back.
    roster_generate([station.pk], day, day, notify_people=False)

    assert DutyShift.objects.get(date=day).secretary == secretary
    assert not RosterGap.objects.open().filter(station=station, date=day).exists()


def test_withdrawing_someone_elses_leave_tells_them(client_for, station_manager_user, secretary, future_leave):
    client_for(station_manager_user).post(f"/stations/leave/{future_leave.pk}/withdraw/")

    assert Notice.objects.filter(recipient=secretary.user, kind="leave_withdrawn").count() == 1


def test_leave_that_has_started_cannot_be_withdrawn_or_edited(client_for, secretary, secretary_user):
    today = timezone.localdate()
    leave = Unavailability.objects.create(
        secretary=secretary, start=today, end=today + timedelta(days=3), reason="病假"
    )
    client = client_for(secretary_user)

    response = client.post(f"/stations/leave/{leave.pk}/withdraw/", follow=True)
    assert "请假已经开始" in response.content.decode()
    response = client.post(
        f"/stations/leave/{leave.pk}/edit/",
        {"start": today.isoformat(), "end": today.isoformat(), "reason": "改短"},
        follow=True,
    )
    assert "请假已经开始" in response.content.decode()
    leave.refresh_from_db()
    assert (leave.start, leave.end, leave.reason) == (today, today + timedelta(days=3), "病假")
    with pytest.raises(ValidationError, match="请假已经开始"):
        leave_withdraw(leave, secretary_user)


def test_editing_leave_to_cover_another_shift_frees_it(client_for, secretary_user, station, secretary, future_leave):
    later = DutyShift.objects.create(station=station, date=future_leave.start + timedelta(days=7), secretary=secretary)

    response = client_for(secretary_user).post(
        f"/stations/leave/{future_leave.pk}/edit/",
        {"start": future_leave.start.isoformat(), "end": later.date.isoformat(), "reason": "培训延长"},
        follow=True,
    )

    assert "又释放了1个班次" in response.content.decode()
    future_leave.refresh_from_db()
    assert (future_leave.end, future_leave.reason) == (later.date, "培训延长")
    assert not DutyShift.objects.filter(pk=later.pk).exists()
    assert RosterGap.objects.open().filter(date=later.date, freed_secretary=secretary).exists()


def test_leave_edit_form_refuses_bad_dates_and_keeps_the_leave(client_for, secretary_user, future_leave):
    client = client_for(secretary_user)
    for data in (
        {"start": "2027-02-10", "end": "2027-02-01", "reason": "x"},
        {"start": "not-a-date", "end": "2027-02-01", "reason": "x"},
        {"start": future_leave.start.isoformat(), "end": future_leave.end.isoformat(), "reason": "   "},
    ):
        response = client.post(f"/stations/leave/{future_leave.pk}/edit/", data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    future_leave.refresh_from_db()
    assert future_leave.reason == "参加市里培训"


def test_leave_list_offers_withdraw_only_before_the_leave_starts(client_for, secretary, secretary_user, future_leave):
    today = timezone.localdate()
    started = Unavailability.objects.create(secretary=secretary, start=today, end=today, reason="病假")
    page = client_for(secretary_user).get("/stations/leave/").content.decode()

    assert f"/stations/leave/{future_leave.pk}/withdraw/" in page
    assert f"/stations/leave/{started.pk}/withdraw/" not in page


def test_leave_keeps_a_shift_already_checked_into(station, secretary):
    today = timezone.localdate()
    shift = DutyShift.objects.create(
        station=station, date=today, secretary=secretary, status="confirmed", check_in_at=timezone.now()
    )

    _, freed = leave_add(secretary, today, today + timedelta(days=2), "家中急事")

    assert freed == []
    assert DutyShift.objects.filter(pk=shift.pk).exists()
    assert not RosterGap.objects.exists()
