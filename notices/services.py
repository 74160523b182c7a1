"""Notify people: an in-app notice, plus email (and SMS when asked) delivered by a Celery task."""

from django.contrib.auth import get_user_model
from django.db import transaction

from notices.models import Notice


def notify(users, title, *, body="", url="", kind="", dedupe_key="", email=True, sms=False):
    """Create one notice per user and deliver it. With a dedupe_key, a user who already has a
    notice with that key gets nothing new (the unique constraint decides, not a prior check).
    Returns the notices created now."""
    users = [u for u in _distinct_users(users) if u.is_active]
    if not users:
        return []
    candidates = [
        Notice(recipient=u, title=title[:200], body=body, url=url, kind=kind, dedupe_key=dedupe_key) for u in users
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
        from notices.tasks import deliver_notices

        transaction.on_commit(lambda: deliver_notices.delay(ids, email=email, sms=sms))
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
    from django.utils import timezone

    qs = Notice.objects.for_user(user).unread()
    if notice_ids is not None:
        qs = qs.filter(pk__in=notice_ids)
    return qs.update(read_at=timezone.now())


def user_phone(user):
    secretary = getattr(user, "secretary", None)
    if secretary is not None and secretary.phone:
        return secretary.phone
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "phone", "") or ""
