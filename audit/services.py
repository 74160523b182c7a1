"""Retention (网络安全法 第二十一条: network logs kept at least six months): entries older than
AUDIT_RETENTION_DAYS (180 at least) are written to gzip JSON-lines files under AUDIT_ARCHIVE_DIR
and only then deleted. The database trigger (migration 0002) lets this one delete through, and
only for entries older than 180 days, whatever the caller asks.

A run works from the data: it takes the oldest entries past the limit in chunks, writes each chunk
to a file named by its first and last id (a temporary file renamed when complete, so a file is
never half-written), then deletes exactly those ids. A run killed between the two rewrites the
same file next time. Safe to run any number of times."""

import gzip
import json
import os
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from audit.database import ARCHIVING
from audit.models import AuditEntry

CHUNK = 5000
MINIMUM_RETENTION_DAYS = 180  # the law's floor, also written into the database trigger


def archive_cutoff(now=None):
    days = max(settings.AUDIT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)
    return (now or timezone.now()) - timedelta(days=days)


def archive_old_entries(now=None):
    """Archive and delete every entry older than the retention; returns (entries, files)."""
    cutoff = archive_cutoff(now)
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    archived, files = 0, []
    while True:
        chunk = list(AuditEntry.objects.filter(at__lt=cutoff).order_by("pk")[:CHUNK])
        if not chunk:
            return archived, files
        path = _write_chunk(directory, chunk)
        with transaction.atomic(), _archiving():
            AuditEntry.objects.filter(pk__in=[entry.pk for entry in chunk], at__lt=cutoff)._delete_archived()
        archived += len(chunk)
        files.append(path)


def _write_chunk(directory, chunk):
    directory.mkdir(parents=True, exist_ok=True)
    first, last = chunk[0], chunk[-1]
    path = directory / f"audit-{first.pk:012d}-{last.pk:012d}.jsonl.gz"
    partial = path.with_name(path.name + ".part")
    with gzip.open(partial, "wt", encoding="utf-8") as stream:
        for entry in chunk:
            row = model_to_dict(entry)
            row["id"], row["at"] = entry.pk, entry.at
            stream.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, path)
    return path


@contextmanager
def _archiving():
    """Tell the trigger that this is the retention job, for the one delete inside the block.
    PostgreSQL: a transaction-local setting, switched off again at the end of the block (so an
    outer transaction goes on without it). SQLite: a flag of this connection, read by the function
    the trigger calls (audit.database)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL audit.archiving = 'on'")
        try:
            yield
        finally:
            if not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL audit.archiving = 'off'")
        return
    connection.audit_mode = ARCHIVING
    try:
        yield
    finally:
        connection.audit_mode = None
