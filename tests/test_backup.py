"""Backup and restore round trip (issue 15, point 7): `manage.py backup`, then `manage.py restore`
into a new empty database and an empty MEDIA_ROOT, in another process, finds the same rows and
files. Runs on SQLite and, in the PostgreSQL pass, with pg_dump / pg_restore into a new database."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import MANIFEST_FILE, read_manifest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "activities").mkdir(parents=True)
    (settings.MEDIA_ROOT / "activities" / "现场.jpg").write_bytes(b"\xff\xd8photo-bytes")
    return settings.MEDIA_ROOT


class NewDatabase:
    """An empty database beside the test database, and the DATABASE_URL that reaches it."""

    def __init__(self, tmp_path):
        db = settings.DATABASES["default"]
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            self.name = f"fsp_restore_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            self.url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{self.name}"
        else:
            self.name = str(tmp_path / "restored.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def _admin(self, sql):
        import psycopg2

        db = settings.DATABASES["default"]
        admin = psycopg2.connect(
            dbname=db["NAME"], user=db["USER"], password=db.get("PASSWORD") or None, host=db["HOST"], port=db["PORT"]
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(sql)
        admin.close()

    def query(self, sql):
        if self.vendor == "postgresql":
            import psycopg2

            db = settings.DATABASES["default"]
            conn = psycopg2.connect(
                dbname=self.name, user=db["USER"], password=db.get("PASSWORD") or None, host=db["HOST"], port=db["PORT"]
            )
        else:
            conn = sqlite3.connect(self.name)
        try:
            cursor = conn.cursor()
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            conn.close()

    def drop(self):
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def new_database(tmp_path):
    database = NewDatabase(tmp_path)
    yield database
    database.drop()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_the_same_rows_and_files(
    secretary, media_root, new_database, tmp_path
):
    call_command("backup", dir=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").glob("fsp-*")
    manifest = read_manifest(folder)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["secretaries_secretary"] == 1

    restored_media = tmp_path / "restored-media"
    result = run_manage(
        "restore", str(folder), env={"DATABASE_URL": new_database.url, "MEDIA_ROOT": str(restored_media)}
    )
    assert result.returncode == 0, result.stderr
    assert "各表行数与备份一致" in result.stdout

    rows = new_database.query("SELECT name, phone, id_number FROM secretaries_secretary")
    assert rows == [(secretary.name, secretary.phone, secretary.id_number)]
    assert new_database.query("SELECT name FROM secretaries_township ORDER BY name") == [("十渡镇",)]
    assert (restored_media / "activities" / "现场.jpg").read_bytes() == b"\xff\xd8photo-bytes"

    again = run_manage(
        "restore", str(folder), env={"DATABASE_URL": new_database.url, "MEDIA_ROOT": str(tmp_path / "m2")}
    )
    assert again.returncode != 0
    assert "目标数据库不是空的" in again.stderr  # never mixed with live data


@pytest.mark.django_db(transaction=True)
def test_old_backups_are_pruned_and_a_folder_without_manifest_is_refused(db, media_root, tmp_path):
    backups = tmp_path / "backups"
    for stamp in ("20261101-020000", "20261102-020000", "20261103-020000"):
        (backups / f"fsp-{stamp}").mkdir(parents=True)
        (backups / f"fsp-{stamp}" / MANIFEST_FILE).write_text("{}")
    call_command("backup", dir=str(backups), keep=2)
    kept = sorted(p.name for p in backups.glob("fsp-*"))
    assert len(kept) == 2 and "fsp-20261103-020000" in kept and "fsp-20261101-020000" not in kept

    with pytest.raises(CommandError, match="不是完整的备份"):
        call_command("restore", str(tmp_path))
