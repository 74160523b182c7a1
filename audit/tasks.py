"""Celery task of the audit app: the daily retention job (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from audit import services
from core.tasks import RETRY


@shared_task(**RETRY)
def archive_audit_entries():
    """Archive and delete entries older than AUDIT_RETENTION_DAYS; idempotent (works from the data)."""
    entries, files = services.archive_old_entries()
    return {"entries": entries, "files": [str(path) for path in files]}
