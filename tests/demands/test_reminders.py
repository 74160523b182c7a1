from datetime import date

import pytest
from django.core import mail
from django.utils import timezone

from demands.models import ReminderLog, Submission
from demands.services.rounds import current_reminder, ensure_submissions
from demands.tasks import send_round_reminders
from notices.models import Notice
from tests.demands.factories import CollectionRoundFactory


@pytest.fixture
def open_round(district, village_a, village_a2, village_b):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


def reminders_to(user):
    return Notice.objects.filter(recipient=user, kind="round_reminder")


def submit(collection_round, village, user=None):
    Submission.objects.filter(round=collection_round, village=village).update(
        status=Submission.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=user
    )


def test_schedule_is_seven_days_one_day_before_then_overdue_the_day_after(open_round):
    assert current_reminder(open_round, date(2026, 11, 7)) is None
    assert current_reminder(open_round, date(2026, 11, 8)) == "before_7"
    assert current_reminder(open_round, date(2026, 11, 14)) == "before_1"
    assert current_reminder(open_round, date(2026, 11, 15)) == "before_1"
    assert current_reminder(open_round, date(2026, 11, 16)) == "overdue_1"


def test_reminders_go_only_to_villages_that_have_not_submitted(
    open_round, village_a, village_b, secretary, secretary_b, township_a_user, township_b_user
):
    submit(open_round, village_b, secretary_b.user)
    send_round_reminders.delay("2026-11-08")
    assert reminders_to(secretary.user).count() == 1
    assert reminders_to(secretary_b.user).count() == 0
    assert reminders_to(township_b_user).count() == 0
    digest = reminders_to(township_a_user).get()
    assert "六渡村" in digest.body and "西庄村" in digest.body and "2个村" in digest.title
    assert set(ReminderLog.objects.values_list("village__name", flat=True)) == {"六渡村", "西庄村"}


def test_running_the_job_twice_the_same_day_sends_nothing_new(
    open_round, secretary, township_a_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_round_reminders.delay("2026-11-08")
    notices, logs, emails = Notice.objects.count(), ReminderLog.objects.count(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        send_round_reminders.delay("2026-11-08")
    assert (Notice.objects.count(), ReminderLog.objects.count(), len(mail.outbox)) == (notices, logs, emails)
    assert emails >= 2  # the secretary and the township staff were emailed once


def test_a_village_that_submits_stops_getting_reminders(open_round, village_a, secretary):
    send_round_reminders.delay("2026-11-08")
    submit(open_round, village_a, secretary.user)
    send_round_reminders.delay("2026-11-14")
    send_round_reminders.delay("2026-11-16")
    assert list(reminders_to(secretary.user).values_list("dedupe_key", flat=True)) == [
        f"round-{open_round.pk}-before_7"
    ]


def test_a_nil_return_counts_as_submitted_for_reminders(open_round, village_a, secretary):
    Submission.objects.filter(round=open_round, village=village_a).update(
        status=Submission.Status.SUBMITTED, is_nil=True, submitted_at=timezone.now()
    )
    send_round_reminders.delay("2026-11-14")
    assert reminders_to(secretary.user).count() == 0


def test_each_step_reminds_once_and_the_overdue_notice_follows_the_deadline(open_round, secretary):
    for day in ["2026-11-08", "2026-11-09", "2026-11-14", "2026-11-16", "2026-11-20"]:
        send_round_reminders.delay(day)
    keys = sorted(reminders_to(secretary.user).values_list("dedupe_key", flat=True))
    assert keys == [f"round-{open_round.pk}-{k}" for k in ("before_1", "before_7", "overdue_1")]


def test_a_returned_list_is_reminded_again(open_round, village_a, secretary):
    submit(open_round, village_a)
    send_round_reminders.delay("2026-11-14")
    Submission.objects.filter(round=open_round, village=village_a).update(status=Submission.Status.RETURNED)
    send_round_reminders.delay("2026-11-16")
    assert reminders_to(secretary.user).count() == 1


def test_no_reminders_for_a_closed_round(open_round, secretary):
    open_round.status = "closed"
    open_round.save()
    send_round_reminders.delay("2026-11-08")
    assert reminders_to(secretary.user).count() == 0


def test_secretary_reminders_also_go_out_by_sms(open_round, secretary, django_capture_on_commit_callbacks):
    from notices.sms import LoggingSMSBackend

    LoggingSMSBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_round_reminders.delay("2026-11-08")
    assert any(phone == secretary.phone for phone, _ in LoggingSMSBackend.sent)


def test_task_rejects_a_bad_round_id(db):
    with pytest.raises(ValueError, match="round_id"):
        send_round_reminders.delay("2026-11-08", round_id="abc")
