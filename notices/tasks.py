from celery import shared_task

from core.tasks import RETRY, enqueue
from notices import delivery

SWEEP_CHUNK = 200


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def deliver_notices(notice_ids, email=False, sms=False):
    """Send the pending email and SMS of these notices (notices.delivery: leased, marked one by
    one). Safe to run twice or at once with another run. Tasks queued before migration 0002 also
    carry email=/sms= (the notice's own pending flags were not written then): they mark them."""
    if not isinstance(notice_ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in notice_ids
    ):
        raise ValueError("notice_ids 应为整数列表")
    if email or sms:
        delivery.mark_pending(notice_ids, email=email, sms=sms)
    return delivery.deliver(list(notice_ids))


@shared_task(**RETRY)
def sweep_unsent_notices():
    """Beat, every few minutes: queue again the notices still unsent (delivery.stale_undelivered),
    so a message lost by a dead worker or a broker outage goes out without the broker's redelivery."""
    ids = delivery.stale_undelivered()
    for start in range(0, len(ids), SWEEP_CHUNK):
        enqueue(deliver_notices, ids[start : start + SWEEP_CHUNK])
    return len(ids)
