"""Django's flush, allowed past the SQLite trigger (it empties every table, the audit trail with
them, as TRUNCATE does on PostgreSQL). Django's test runner calls it after each transactional test."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from audit.database import FLUSHING


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        connection.audit_mode = FLUSHING
        try:
            return super().handle(**options)
        finally:
            connection.audit_mode = None
