"""The database's half of "append-only": the triggers installed by migration 0002, and on SQLite
the function they call to learn whether this connection is the retention job (or a flush, which
empties every table: Django's test runner after a transactional test, `manage.py flush`).

PostgreSQL: one row trigger refuses UPDATE always and DELETE unless the transaction has set
`audit.archiving = 'on'` (SET LOCAL, audit.services) and the row is older than 180 days. A flush
there is TRUNCATE, which row triggers do not see.
SQLite: the same rules with RAISE(ABORT); `audit_mode()` is registered on every connection Django
opens, so any other client (the sqlite3 shell) cannot delete at all."""

from django.db.backends.signals import connection_created

ARCHIVING = "archiving"
FLUSHING = "flushing"
MINIMUM_DAYS = 180

POSTGRESQL_INSTALL = f"""
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('audit.archiving', true) = 'on'
       AND OLD.at < now() - interval '{MINIMUM_DAYS} days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加：拒绝 % (audit_auditentry id %)', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
"""
POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_append_only();
"""

SQLITE_INSTALL = [
    """CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, '审计日志只能追加：拒绝 UPDATE'); END""",
    f"""CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN audit_mode() != 2 AND NOT (audit_mode() = 1 AND OLD.at < datetime('now', '-{MINIMUM_DAYS} days'))
    BEGIN SELECT RAISE(ABORT, '审计日志只能追加：拒绝 DELETE'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]


def install(schema_editor):
    _run(schema_editor, POSTGRESQL_INSTALL, SQLITE_INSTALL)


def remove(schema_editor):
    _run(schema_editor, POSTGRESQL_REMOVE, SQLITE_REMOVE)


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    # params=None: the SQL is sent as written (RAISE's % is no placeholder).
    if vendor == "postgresql":
        schema_editor.execute(postgresql, None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, None)


def register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return

    def audit_mode():
        mode = getattr(connection, "audit_mode", None)
        return {ARCHIVING: 1, FLUSHING: 2}.get(mode, 0)

    connection.connection.create_function("audit_mode", 0, audit_mode)


def connect():
    connection_created.connect(register_sqlite_function, dispatch_uid="audit.sqlite_function")
