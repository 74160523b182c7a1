"""Thin Celery wrappers of the people app. The import previews are the shared kernel's
(core/importing.py); this app hosts their clean-up job, and runs its own large imports."""

from celery import shared_task

from core.importing import preview_delete_expired
from core.tasks import RETRY
from secretaries.imports import run_import_job

__all__ = ["delete_expired_import_previews", "run_people_import"]


@shared_task(name="secretaries.tasks.delete_expired_import_previews", **RETRY)
def delete_expired_import_previews():
    """Delete preview files never confirmed; idempotent (a second run finds nothing to delete)."""
    return preview_delete_expired()


@shared_task(name="secretaries.tasks.run_people_import", **RETRY)
def run_people_import(job_id):
    """A large Excel import of secretaries, villages or units (its preview or its confirm)."""
    return run_import_job(job_id)
