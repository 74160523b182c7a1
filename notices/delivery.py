"""Email and SMS for notices, each message sent once, none lost when a worker dies.

A delivery claims a small batch of notices with a lease (`delivering_until`, set by a conditional
UPDATE on rows that have no live lease), sends each message, and marks each notice as soon as its
message was accepted (`emailed_at`, `sms_sent_at`; the pending flag cleared). So:

- a worker killed half-way leaves the rest pending; once the lease runs out the sweep
  (tasks.sweep_unsent_notices) queues them again and the next delivery sends only those (at most
  the one message in flight at the kill can go out twice);
- two deliveries of the same notices at once (a redelivered task next to the sweep's) never send
  one notice twice: a notice is claimed by one of them only;
- a message that fails (a refused address, a newline the mail library refuses, a gateway error) is
  recorded on its notice and does not stop the others; it is retried after a growing delay, at
  most MAX_ATTEMPTS times, then left for an administrator (admin: 发送失败次数, 最近一次发送错误)."""

import logging
import re
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notices.models import Notice
from notices.sms import get_sms_backend, user_phone

logger = logging.getLogger(__name__)

BATCH_SIZE = 20
# Longer than a task may run (its hard time limit), so a lease never runs out while the worker that
# holds it is still sending (each SMTP call is bounded by EMAIL_TIMEOUT); a worker that died holding
# a batch delays it by this much at most (plus the sweep's interval).
LEASE = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
MAX_ATTEMPTS = 8
RETRY_DELAYS = [timedelta(minutes=5 * 2**n) for n in range(MAX_ATTEMPTS)]  # 5 min ... ~10 h
# The sweep takes notices still pending this long after they were written (the task queued on
# commit has had its chance) and no older than SWEEP_MAX_AGE (a notice days old is news no more).
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_MAX_AGE = timedelta(days=3)
SUBJECT_PREFIX = "[第一书记组团服务平台] "
SMS_PREFIX = "【第一书记服务平台】"


def undelivered():
    return Notice.objects.filter(Q(email_pending=True) | Q(sms_pending=True), delivery_attempts__lt=MAX_ATTEMPTS)


def claimable(now):
    return undelivered().filter(Q(delivering_until__isnull=True) | Q(delivering_until__lte=now))


def claim(notice_ids, now=None):
    """Take the lease on those of `notice_ids` that are pending and free; return their ids. The
    rows are locked while the lease is written (SKIP LOCKED on PostgreSQL: a concurrent claim
    passes over them, and re-reads a row committed meanwhile, so it never takes a leased one)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            claimable(now).filter(pk__in=notice_ids).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        # Conditional as well, for databases without row locks (SQLite): a row leased meanwhile
        # by another claim is not taken over.
        lease = now + LEASE
        claimable(now).filter(pk__in=ids).update(delivering_until=lease)
        return list(Notice.objects.filter(pk__in=ids, delivering_until=lease).values_list("pk", flat=True))


def one_line(text):
    """Mail headers may not hold a newline (Django refuses the message); SMS is one line too."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def email_for(notice):
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{notice.url}" if notice.url else ""
    return EmailMessage(
        subject=SUBJECT_PREFIX + one_line(notice.title), body=f"{notice.body}{link}", to=[notice.recipient.email]
    )


def deliver(notice_ids):
    """Send what is pending for these notices, in leased batches. Returns how many messages went out."""
    sent = 0
    for start in range(0, len(notice_ids), BATCH_SIZE):
        claimed = claim(notice_ids[start : start + BATCH_SIZE])
        if claimed:
            sent += _send_batch(claimed)
    return sent


def _send_batch(ids):
    notices = Notice.objects.filter(pk__in=ids).select_related(
        "recipient", "recipient__secretary", "recipient__staff_profile"
    )
    connection = None
    sent = 0
    try:
        for notice in notices:
            if notice.email_pending and connection is None:
                connection = get_connection()
            delivered, ok = _send_one(notice, connection)
            sent += delivered
            if not ok and connection is not None:
                # The mail backend keeps a broken connection open: the next notice gets a new one.
                _close(connection)
                connection = None
    finally:
        if connection is not None:
            _close(connection)
    return sent


def _close(connection):
    try:
        connection.close()
    except Exception:  # the messages are marked already; a failed QUIT changes nothing
        logger.warning("关闭邮件连接失败", exc_info=True)


def _send_one(notice, connection):
    """Send this notice's pending messages, marking each as it goes out; a failure is recorded.
    Returns (messages sent, whether all went out)."""
    sent = 0
    try:
        if notice.email_pending:
            if notice.recipient.email:
                connection.send_messages([email_for(notice)])
                sent += 1
                Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now(), email_pending=False)
            else:
                Notice.objects.filter(pk=notice.pk).update(email_pending=False)  # nowhere to send it
        if notice.sms_pending:
            phone = user_phone(notice.recipient)
            if phone:
                if not get_sms_backend().send(phone, SMS_PREFIX + one_line(notice.title)):
                    raise OSError("短信网关未接受")
                sent += 1
                Notice.objects.filter(pk=notice.pk).update(sms_sent_at=timezone.now(), sms_pending=False)
            else:
                Notice.objects.filter(pk=notice.pk).update(sms_pending=False)
    except SoftTimeLimitExceeded:
        raise  # the task's time is up: the lease runs out and the sweep queues the rest
    except Exception as exc:  # any backend's failure: record it, go on with the next notice
        _record_failure(notice, exc)
        return sent, False
    Notice.objects.filter(pk=notice.pk).update(delivering_until=None)
    return sent, True


def mark_pending(notice_ids, *, email, sms):
    """Tasks queued before migration 0002 said what to send in their arguments, not on the notice:
    their notices not yet sent are marked pending, so a deploy loses none of them."""
    if email:
        Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).update(email_pending=True)
    if sms:
        Notice.objects.filter(pk__in=notice_ids, sms_sent_at__isnull=True).update(sms_pending=True)


def _record_failure(notice, exc):
    attempts = notice.delivery_attempts + 1
    logger.warning("通知 %s 发送失败（第 %s 次）：%s", notice.pk, attempts, exc)
    retry_at = timezone.now() + RETRY_DELAYS[min(attempts, MAX_ATTEMPTS) - 1]
    Notice.objects.filter(pk=notice.pk).update(
        delivery_attempts=attempts, delivery_error=str(exc)[:300], delivering_until=retry_at
    )


def stale_undelivered(now=None):
    """Ids of notices still pending SWEEP_AFTER after they were written, with no live lease (a
    worker died, the broker lost or never got the task, a failure's retry is due)."""
    now = now or timezone.now()
    return list(
        claimable(now)
        .filter(created_at__lte=now - SWEEP_AFTER, created_at__gte=now - SWEEP_MAX_AGE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
