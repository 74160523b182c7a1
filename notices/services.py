"""Notify people: an in-app notice, plus email (and SMS when asked) delivered by a Celery task."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.tasks import enqueue_on_commit
from notices.models import Notice
from notices.tasks import deliver_notices


def notify(users, title, *, body="", url="", kind="", dedupe_key="", email=True, sms=False):
    """Create one notice per user and deliver it. With a dedupe_key, a user who already has a
    notice with that key gets nothing new (the unique constraint decides, not a prior check).
    Returns the notices created now."""
    users = [u for u in _distinct_users(users) if u.is_active]
    if not users:
        return []
    candidates = [
        Notice(
            recipient=u,
            title=title[:200],
            body=body,
            url=url,
            kind=kind,
            dedupe_key=dedupe_key,
            email_pending=email,
            sms_pending=sms,
        )
        for u in users
    ]
    if dedupe_key:
        already = set(
            Notice.objects.filter(dedupe_key=dedupe_key, recipient__in=users).values_list("recipient_id", flat=True)
        )
        candidates = [n for n in candidates if n.recipient_id not in already]
        Notice.objects.bulk_create(candidates, ignore_conflicts=True)
        created = list(
            Notice.objects.filter(
                dedupe_key=dedupe_key, recipient_id__in=[n.recipient_id for n in candidates], emailed_at__isnull=True
            )
        )
    else:
        created = Notice.objects.bulk_create(candidates)
    ids = [n.pk for n in created]
    if ids and (email or sms):
        enqueue_on_commit(deliver_notices, ids)
    return created


def _distinct_users(users):
    seen = set()
    User = get_user_model()
    for user in users:
        if user is None or not isinstance(user, User) or user.pk in seen:
            continue
        seen.add(user.pk)
        yield user


def mark_read(user, notice_ids=None):
    qs = Notice.objects.for_user(user).unread()
    if notice_ids is not None:
        qs = qs.filter(pk__in=notice_ids)
    return qs.update(read_at=timezone.now())


def notify_each(notices):
    """notices.notify() for many different messages at once (notify takes one title and one key).
    `notices` are unsaved Notice rows with a dedupe_key; the rules are notify()'s: active logins
    only, nothing new for someone who already has the key (the unique constraint decides a race),
    e-mail by one Celery task after commit (what a broker outage keeps from it, the sweep sends).
    Returns the ids of the notices created now."""
    rows, seen = [], set()
    for notice in notices:
        pair = (notice.recipient.pk, notice.dedupe_key)
        if notice.recipient.is_active and pair not in seen:
            seen.add(pair)
            notice.title = notice.title[:200]
            notice.email_pending = True
            rows.append(notice)
    already = set()
    for chunk in _chunks(rows):
        already.update(
            Notice.objects.filter(
                recipient_id__in={n.recipient_id for n in chunk}, dedupe_key__in={n.dedupe_key for n in chunk}
            ).values_list("recipient_id", "dedupe_key")
        )
    rows = [n for n in rows if (n.recipient_id, n.dedupe_key) not in already]
    Notice.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    wanted = {(n.recipient_id, n.dedupe_key) for n in rows}
    ids = []
    for chunk in _chunks(rows):
        found = Notice.objects.filter(
            recipient_id__in={n.recipient_id for n in chunk},
            dedupe_key__in={n.dedupe_key for n in chunk},
            emailed_at__isnull=True,
        ).values_list("pk", "recipient_id", "dedupe_key")
        ids += [pk for pk, recipient_id, key in found if (recipient_id, key) in wanted]
    if ids:
        enqueue_on_commit(deliver_notices, ids)
    return ids


def _chunks(rows, size=500):
    return [rows[i : i + size] for i in range(0, len(rows), size)]
