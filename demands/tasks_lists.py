# Tasks of the lists and rounds (issue 3): open_due_round, send_round_reminders; run_round_upload (issue 13).
"""Thin Celery wrappers: validate the argument, call the service. Both jobs are idempotent through
unique constraints (see demands/services/rounds.py), so a retry or a second beat is harmless."""

from celery import shared_task

from core.dates import task_day
from core.tasks import RETRY
from demands.excel import run_upload_job
from demands.models import CollectionRound
from demands.services.rounds import open_due_round as open_rounds
from demands.services.rounds import send_all_reminders, send_reminders

__all__ = ["open_due_round", "run_round_upload", "send_round_reminders"]


@shared_task(name="demands.tasks.open_due_round", **RETRY)
def open_due_round(day=None):
    opened = open_rounds(task_day(day, "day"))
    return [r.pk for r in opened]


@shared_task(name="demands.tasks.send_round_reminders", **RETRY)
def send_round_reminders(day=None, round_id=None):
    day = task_day(day, "day")
    if round_id is None:
        return send_all_reminders(day)
    if not isinstance(round_id, int) or isinstance(round_id, bool):
        raise ValueError(f"round_id 应为整数，收到：{round_id!r}")
    collection_round = CollectionRound.objects.filter(pk=round_id).first()
    if collection_round is None:
        raise ValueError(f"征集轮次 {round_id} 不存在")
    return send_reminders(collection_round, day)


@shared_task(name="demands.tasks.run_round_upload", **RETRY)
def run_round_upload(job_id):
    """A large round upload (its preview or its confirm), run as a background import job."""
    return run_upload_job(job_id)
