"""Email and SMS of notices: each message once, marked only after it went out, resumed after a crash."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notices import delivery
from notices.models import Notice
from notices.services import notify
from notices.sms import LoggingSMSBackend
from notices.tasks import deliver_notices, sweep_unsent_notices
from tests.factories import UserFactory
from tests.notices.failing_backend import CrashingBackend, WorkerKilled

COUNT = 10


@pytest.fixture
def people(db):
    return [UserFactory(username=f"person{n}") for n in range(COUNT)]


def pending_notices(users, **fields):
    return [Notice.objects.create(recipient=u, title=f"通知{u.username}", email_pending=True, **fields) for u in users]


def lease_runs_out():
    """What the clock does to a dead worker's claims: its lease ends (and the notices age)."""
    past = timezone.now() - delivery.SWEEP_AFTER - timedelta(seconds=1)
    Notice.objects.filter(delivering_until__isnull=False).update(delivering_until=past)
    Notice.objects.update(created_at=past)


def recipients_of_outbox():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.parametrize("killed_after", [0, 1, 4, COUNT - 1])
def test_a_delivery_killed_after_k_messages_is_resumed_and_each_message_arrives_once(people, settings, killed_after):
    notices = pending_notices(people)
    ids = [n.pk for n in notices]
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.CrashingBackend"
    CrashingBackend.allowed, CrashingBackend.delivered = killed_after, 0
    with pytest.raises(WorkerKilled):
        deliver_notices.run(ids)
    assert len(mail.outbox) == killed_after
    assert Notice.objects.filter(emailed_at__isnull=False, email_pending=False).count() == killed_after

    # A redelivered task while the dead worker's lease holds sends nothing twice, or at all.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_notices.run(ids) == 0
    assert len(mail.outbox) == killed_after

    lease_runs_out()
    assert sweep_unsent_notices.run() == COUNT - killed_after  # queued again; eager in tests: sent
    assert recipients_of_outbox() == sorted(u.email for u in people)
    assert not Notice.objects.filter(email_pending=True).exists()
    assert Notice.objects.filter(emailed_at__isnull=False).count() == COUNT
    assert sweep_unsent_notices.run() == 0


def test_delivering_the_same_notices_twice_sends_each_email_once(township_a_user):
    (notice,) = pending_notices([township_a_user])
    assert deliver_notices([notice.pk]) == 1
    assert deliver_notices([notice.pk]) == 0
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None and notice.delivering_until is None


def test_a_failed_send_is_recorded_and_retried_after_its_delay(township_a_user, settings):
    (notice,) = pending_notices([township_a_user])
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.FailingBackend"
    assert deliver_notices.run([notice.pk]) == 0
    notice.refresh_from_db()
    assert (notice.email_pending, notice.emailed_at, notice.delivery_attempts) == (True, None, 1)
    assert "unreachable" in notice.delivery_error
    assert notice.delivering_until > timezone.now() + delivery.RETRY_DELAYS[0] - timedelta(minutes=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_notices.run([notice.pk]) == 0  # not before the retry is due
    lease_runs_out()
    assert sweep_unsent_notices.run() == 1
    assert len(mail.outbox) == 1


def test_a_notice_that_keeps_failing_is_given_up_after_max_attempts(township_a_user, settings):
    (notice,) = pending_notices([township_a_user])
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.FailingBackend"
    for _ in range(delivery.MAX_ATTEMPTS):
        lease_runs_out()
        assert sweep_unsent_notices.run() == 1
    lease_runs_out()
    assert sweep_unsent_notices.run() == 0
    notice.refresh_from_db()
    assert notice.delivery_attempts == delivery.MAX_ATTEMPTS and notice.email_pending


def test_one_refused_message_does_not_stop_the_others(people, settings):
    people[3].email = "refused@example.cn"
    people[3].save()
    notices = pending_notices(people)
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.RefusingBackend"
    assert deliver_notices.run([n.pk for n in notices]) == COUNT - 1
    assert "refused@example.cn" not in recipients_of_outbox()
    assert list(Notice.objects.filter(email_pending=True).values_list("recipient", flat=True)) == [people[3].pk]


def test_a_newline_in_a_title_does_not_fail_the_message(township_a_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([township_a_user], "需求已派单\r\n请及时处理", body="正文")
    assert [m.subject for m in mail.outbox] == ["[第一书记组团服务平台] 需求已派单 请及时处理"]
    assert Notice.objects.get().emailed_at is not None


def test_sms_is_marked_sent_only_when_the_gateway_accepts_it(secretary, settings, monkeypatch):
    notice = Notice.objects.create(
        recipient=secretary.user, title="值班提醒\n明天", email_pending=True, sms_pending=True
    )
    monkeypatch.setattr(LoggingSMSBackend, "send", lambda self, phone, text: False)
    assert deliver_notices.run([notice.pk]) == 1  # the email went out; the SMS was refused
    notice.refresh_from_db()
    assert (notice.email_pending, notice.sms_pending, notice.sms_sent_at) == (False, True, None)
    monkeypatch.undo()
    LoggingSMSBackend.sent.clear()
    lease_runs_out()
    assert sweep_unsent_notices.run() == 1
    assert LoggingSMSBackend.sent == [(secretary.phone, "【第一书记服务平台】值班提醒 明天")]
    assert len(mail.outbox) == 1  # the email was not sent again
    notice.refresh_from_db()
    assert notice.sms_sent_at is not None and not notice.sms_pending


def test_the_sweep_requeues_only_stale_unsent_notices(people):
    now = timezone.now()
    stale = now - delivery.SWEEP_AFTER - timedelta(minutes=1)
    rows = {
        "stale": {},
        "fresh": {"created_at": now},
        "sent": {"email_pending": False, "emailed_at": stale},
        "leased": {"delivering_until": now + timedelta(minutes=3)},
        "given_up": {"delivery_attempts": delivery.MAX_ATTEMPTS},
        "too_old": {"created_at": now - delivery.SWEEP_MAX_AGE - timedelta(hours=1)},
        "no_email_wanted": {"email_pending": False},
    }
    by_name = {}
    for user, (name, fields) in zip(people, rows.items(), strict=False):
        fields = {"email_pending": True, "created_at": stale, **fields}
        created_at = fields.pop("created_at")
        by_name[name] = Notice.objects.create(recipient=user, title=name, **fields)
        Notice.objects.filter(pk=by_name[name].pk).update(created_at=created_at)  # auto_now_add
    assert delivery.stale_undelivered() == [by_name["stale"].pk]
    assert sweep_unsent_notices.run() == 1
    assert [m.subject for m in mail.outbox] == ["[第一书记组团服务平台] stale"]


def test_a_task_queued_before_the_pending_flags_still_sends_its_notices_once(people):
    # Written before migration 0002: nothing pending on the notice, the task's arguments say email.
    old = [Notice.objects.create(recipient=u, title="旧任务的通知") for u in people[:3]]
    ids = [n.pk for n in old]
    assert deliver_notices.run(ids, email=True) == 3
    assert deliver_notices.run(ids, email=True) == 0  # redelivered: already sent, not pending again
    assert len(mail.outbox) == 3


def test_a_lease_outlasts_the_longest_task(settings):
    assert delivery.LEASE.total_seconds() > settings.CELERY_TASK_TIME_LIMIT


def test_a_claim_never_takes_a_notice_another_claim_holds(people):
    notices = pending_notices(people[:4])
    ids = [n.pk for n in notices]
    first = delivery.claim(ids[:2])
    assert sorted(first) == sorted(ids[:2])
    assert sorted(delivery.claim(ids)) == sorted(ids[2:])
    assert delivery.claim(ids) == []


def test_a_failed_message_does_not_spoil_the_connection_for_the_next(people, settings, monkeypatch):
    notices = pending_notices(people[:3])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    connections = []
    real = delivery.get_connection

    def counting_connection():
        connection = real()
        connections.append(connection)
        if len(connections) == 1:

            def refuse(messages):
                raise OSError("连接中断")

            connection.send_messages = refuse
        return connection

    monkeypatch.setattr(delivery, "get_connection", counting_connection)
    delivery.deliver([n.pk for n in notices])
    assert len(connections) == 2  # a new connection after the failure
    assert len(mail.outbox) == 2  # the two after the failed one went out
