"""Thin Celery wrappers of the people app. The import previews are the shared kernel's
(core/importing.py); this app hosts their clean-up job because core is no Django app."""

from celery import shared_task

from core.importing import preview_delete_expired
from core.tasks import RETRY

__all__ = ["delete_expired_import_previews"]


@shared_task(name="secretaries.tasks.delete_expired_import_previews", **RETRY)
def delete_expired_import_previews():
    """Delete preview files never confirmed; idempotent (a second run finds nothing to delete)."""
    return preview_delete_expired()
