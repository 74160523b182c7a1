"""One reminder run end-to-end through a real Celery worker on Redis (PostgreSQL + Redis pass)."""

import pytest

from demands.models import ReminderLog
from demands.services.rounds import ensure_submissions
from demands.tasks import send_round_reminders
from notices.models import Notice
from tests.celery_worker import wait_for
from tests.demands.factories import CollectionRoundFactory


@pytest.mark.services
def test_reminders_are_sent_by_a_real_worker(celery_worker_process, district, secretary, secretary_b, village_a2):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    result = send_round_reminders.apply_async(args=["2026-11-08"], kwargs={"round_id": collection_round.pk})
    assert result.id
    logged = wait_for(lambda: ReminderLog.objects.filter(round=collection_round, kind="before_7").count() == 3, 60)
    assert logged
    # The worker also runs the e-mail delivery the reminder enqueued.
    assert wait_for(
        lambda: Notice.objects.filter(
            recipient=secretary.user, kind="round_reminder", emailed_at__isnull=False
        ).exists(),
        60,
    )
    send_round_reminders.apply_async(args=["2026-11-08"], kwargs={"round_id": collection_round.pk})
    # The solo worker takes tasks one at a time in queue order, so once the task queued after the
    # second run has left its mark (the 1-day reminders), the second run is finished too.
    send_round_reminders.apply_async(args=["2026-11-14"], kwargs={"round_id": collection_round.pk})
    assert wait_for(lambda: ReminderLog.objects.filter(round=collection_round, kind="before_1").count() == 3, 60)
    assert ReminderLog.objects.filter(round=collection_round, kind="before_7").count() == 3
    keys = list(
        Notice.objects.filter(recipient=secretary.user, kind="round_reminder").values_list("dedupe_key", flat=True)
    )
    assert sorted(keys) == [f"round-{collection_round.pk}-before_1", f"round-{collection_round.pk}-before_7"]
