"""Tasks of the closed loop (issue 4): thin wrappers that validate their argument and call a service.
Both are idempotent through SupervisionFlag's unique constraint and the notices' dedupe keys."""

from celery import shared_task

from core.tasks import RETRY
from demands.services import supervision

__all__ = ["flag_supervision", "send_supervision_digest"]


@shared_task(name="demands.tasks.flag_supervision", **RETRY)
def flag_supervision(day=None):
    """Daily: bring the supervision list up to date for `day` ('YYYY-MM-DD', default today)."""
    return supervision.flag_items(supervision.parse_day(day))


@shared_task(name="demands.tasks.send_supervision_digest", **RETRY)
def send_supervision_digest(day=None):
    """Weekly: the supervision digest to each district's org department."""
    return supervision.send_digest(supervision.parse_day(day))
