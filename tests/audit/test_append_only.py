"""Nobody changes or deletes an audit entry: not the application (model, queryset, admin), not SQL
(the triggers of migration 0002, on SQLite here and on PostgreSQL in the services pass). Only the
retention job deletes, and only entries older than the retention, after writing them to a file."""

import gzip
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import services
from audit.database import ARCHIVING
from audit.models import AppendOnlyError, AuditEntry


def make_entry(days_old=0, **fields):
    return AuditEntry.objects.create(at=timezone.now() - timedelta(days=days_old), action="export", **fields)


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: PostgreSQL aborts on error
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_model_refuses_a_second_save_and_a_delete():
    entry = make_entry()
    entry.detail = "改过"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="改过")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


@pytest.mark.django_db
@pytest.mark.parametrize("days_old", [0, 400])
def test_the_database_refuses_update_and_delete_in_sql(days_old):
    entry = make_entry(days_old)
    with pytest.raises(DatabaseError, match="审计日志只能追加"):
        raw("UPDATE audit_auditentry SET detail = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="审计日志只能追加"):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


@pytest.mark.django_db
def test_the_archiving_switch_still_never_lets_a_young_entry_go():
    young = make_entry(days_old=179)
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic(), services._archiving():
        AuditEntry.objects.filter(pk=young.pk)._delete_archived()
    assert AuditEntry.objects.filter(pk=young.pk).exists()
    assert getattr(connection, "audit_mode", None) != ARCHIVING  # the switch is off again


@pytest.mark.django_db
def test_retention_archives_only_entries_past_the_limit_to_gzip_files(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    old = [make_entry(days_old=200, detail=f"旧{n}") for n in range(3)]
    kept = [make_entry(days_old=179), make_entry(days_old=0)]
    archived, files = services.archive_old_entries()
    assert archived == 3 and len(files) == 1
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {entry.pk for entry in kept}
    with gzip.open(files[0], "rt", encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream]
    assert [row["id"] for row in rows] == [entry.pk for entry in old]
    assert [row["detail"] for row in rows] == ["旧0", "旧1", "旧2"]
    assert services.archive_old_entries() == (0, [])  # a second run finds nothing to do


@pytest.mark.django_db
def test_a_longer_retention_keeps_older_entries_and_a_shorter_one_is_refused(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    settings.AUDIT_RETENTION_DAYS = 365
    make_entry(days_old=200)
    assert services.archive_old_entries() == (0, [])
    younger = make_entry(days_old=100)
    settings.AUDIT_RETENTION_DAYS = 30  # below the law's floor (the setting refuses it): 180 still applies
    assert services.archive_old_entries()[0] == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [younger.pk]


def test_the_setting_refuses_a_retention_under_180_days():
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_int

    with pytest.raises(ImproperlyConfigured):
        env_int("AUDIT_RETENTION_DAYS", 180, minimum=180, environ={"AUDIT_RETENTION_DAYS": "90"})


@pytest.mark.django_db
def test_the_admin_is_view_only_even_for_a_superuser(admin_client):
    entry = make_entry(detail="原文")
    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    page = admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"detail": "改过"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(
        "/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert AuditEntry.objects.get(pk=entry.pk).detail == "原文"


@pytest.mark.django_db
def test_deleting_a_login_leaves_its_entries_and_their_username(django_user_model):
    user = django_user_model.objects.create_user("temp", password="Test-Passw0rd!")
    user_id = user.pk
    entry = make_entry(user=user, username="temp")
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.user_id, entry.username) == (user_id, "temp")


@pytest.mark.services
@pytest.mark.django_db
def test_on_postgresql_the_trigger_is_installed_and_the_session_switch_is_local():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass AND NOT tgisinternal"
        )
        assert [row[0] for row in cursor.fetchall()] == ["audit_auditentry_append_only"]
    old = make_entry(days_old=400)
    # The retention job's switch is off again once its delete is done, even inside a longer transaction.
    with transaction.atomic(), services._archiving():
        pass
    with pytest.raises(DatabaseError, match="审计日志只能追加"):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [old.pk])
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic(), services._archiving():
        raw("UPDATE audit_auditentry SET detail = 'x' WHERE id = %s", [old.pk])
    with transaction.atomic(), services._archiving():
        raw("DELETE FROM audit_auditentry WHERE id = %s", [old.pk])
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_as_it_empties_every_table():
    # Django's test runner flushes after each transactional test (browser tests, services tests).
    make_entry()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    make_entry()  # left for the runner's own flush at teardown
    with pytest.raises(DatabaseError, match="审计日志只能追加"):
        raw("DELETE FROM audit_auditentry")
