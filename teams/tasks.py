"""Thin Celery wrappers: validate the argument, call the service. Both jobs are idempotent through
unique constraints (Meeting: team + kind + month; RankingSnapshot: district + month)."""

from celery import shared_task

from core.dates import task_day
from core.tasks import RETRY
from teams import scoring, services


@shared_task(name="teams.tasks.pick_next_meeting_host", **RETRY)
def pick_next_meeting_host(today=None):
    """Pick next month's joint-meeting host for every team; returns the new meetings' ids."""
    return [meeting.pk for meeting in services.pick_next_month_hosts(task_day(today, "today"))]


@shared_task(name="teams.tasks.freeze_last_month_ranking", **RETRY)
def freeze_last_month_ranking(today=None):
    """Freeze last month's ranking; returns the ids of the snapshots (new or already there)."""
    return [snapshot.pk for snapshot, _created in scoring.freeze_last_month(task_day(today, "today"))]
