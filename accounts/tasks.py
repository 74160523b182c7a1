"""Thin Celery wrappers of the account rules."""

from celery import shared_task

from accounts.services import logins_disable_due
from core.tasks import RETRY


@shared_task(name="accounts.tasks.disable_due_logins", **RETRY)
def disable_due_logins():
    """Daily; idempotent (only active logins are looked at, so a second run disables none)."""
    return logins_disable_due()
