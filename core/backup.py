"""Backup and restore of the database and the uploaded files (等保 数据备份恢复; README, Production).

A backup is one dated folder, `<BACKUP_DIR>/fsp-YYYYmmdd-HHMMSS/`, holding
- `database.dump` (PostgreSQL: pg_dump's custom format) or `database.sqlite3` (SQLite),
- `media.tar.gz`: MEDIA_ROOT (uploaded photos and files),
- `manifest.json`: when, which engine, and the row count of every table, which a restore checks.

A restore goes into an empty database only (a new one, or one just created by the administrator):
it never mixes a backup with live data."""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

DATABASE_FILE = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the administrator (Chinese)."""


def _engine():
    vendor = connection.vendor
    if vendor not in DATABASE_FILE:
        raise BackupError(f"不支持的数据库类型：{vendor}")
    return vendor


def _pg_args_env():
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env, db["NAME"]


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[:500]}")


def row_counts():
    """Every table of the database and its number of rows."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(destination=None, *, now=None):
    """Write a dated backup folder and return its path."""
    engine = _engine()
    destination = Path(destination or settings.BACKUP_DIR)
    folder = destination / f"fsp-{(now or datetime.now()):%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    try:
        target = folder / DATABASE_FILE[engine]
        if engine == "postgresql":
            args, env, name = _pg_args_env()
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "--file", str(target), name], env
            )
        else:
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
            copy.close()
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
            if media_root.is_dir():
                archive.add(media_root, arcname="media")
        manifest = {
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "engine": engine,
            "tables": row_counts(),
        }
        (folder / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def prune(destination=None, keep=14):
    """Keep the newest `keep` backups of the folder; return the ones removed."""
    destination = Path(destination or settings.BACKUP_DIR)
    folders = sorted(p for p in destination.glob("fsp-*") if (p / MANIFEST_FILE).exists())
    removed = folders[:-keep] if keep > 0 else []
    for folder in removed:
        shutil.rmtree(folder)
    return removed


def read_manifest(folder):
    folder = Path(folder)
    try:
        return json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} 不是完整的备份（缺少或无法读取 {MANIFEST_FILE}）") from exc


def restore(folder):
    """Bring a backup back into the (empty) configured database and MEDIA_ROOT. Returns the tables
    whose row counts differ from the manifest (empty: all the same)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"备份来自 {manifest['engine']} 数据库，当前配置的是 {engine}，不能恢复")
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(f"目标数据库不是空的（已有 {len(existing)} 张表）：请恢复到新建的空数据库")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"上传文件目录 {media_root} 不是空的：请恢复到空目录")
    source = folder / DATABASE_FILE[engine]
    if engine == "postgresql":
        args, env, name = _pg_args_env()
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, "--dbname", name, str(source)],
            env,
        )
    else:
        connection.close()
        with sqlite3.connect(source) as original, sqlite3.connect(settings.DATABASES["default"]["NAME"]) as target:
            original.backup(target)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging = media_root.parent / f".restore-{folder.name}"
        archive.extractall(staging, filter="data")
        if (staging / "media").is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            for entry in (staging / "media").iterdir():
                shutil.move(str(entry), media_root / entry.name)
        shutil.rmtree(staging, ignore_errors=True)
    counts = row_counts()
    return {
        table: (count, counts.get(table)) for table, count in manifest["tables"].items() if counts.get(table) != count
    }
