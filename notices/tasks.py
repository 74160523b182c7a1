from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from notices.models import Notice
from notices.sms import get_sms_backend, user_phone


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notices(notice_ids, email=True, sms=False):
    """Send email (and SMS) for notices not yet sent. Each notice is claimed with a conditional
    update before it is sent, so two deliveries running at once never send one notice twice; a
    failed send releases its claims so the retry sends them."""
    if not isinstance(notice_ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in notice_ids
    ):
        raise ValueError("notice_ids 应为整数列表")
    now = timezone.now()
    claimed = [
        pk
        for pk in Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).values_list("pk", flat=True)
        if Notice.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now) == 1
    ]
    notices = list(
        Notice.objects.filter(pk__in=claimed).select_related(
            "recipient", "recipient__secretary", "recipient__staff_profile"
        )
    )
    try:
        messages = []
        for notice in notices:
            if email and notice.recipient.email:
                link = f"\n\n{settings.SITE_URL.rstrip('/')}{notice.url}" if notice.url else ""
                messages.append(
                    EmailMessage(
                        subject=f"[第一书记组团服务平台] {notice.title}",
                        body=f"{notice.body}{link}",
                        to=[notice.recipient.email],
                    )
                )
            if sms:
                phone = user_phone(notice.recipient)
                if phone:
                    get_sms_backend().send(phone, f"【第一书记服务平台】{notice.title}")
        if messages:
            get_connection().send_messages(messages)
    except Exception:
        Notice.objects.filter(pk__in=claimed, emailed_at=now).update(emailed_at=None)
        raise
    return len(notices)
