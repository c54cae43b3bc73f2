"""Make the audit table append-only in the database itself, not only in Python.

PostgreSQL: a trigger refuses UPDATE and DELETE of any row, whoever connects.
TRUNCATE is not blocked (Django's test flush uses it); in production the
application's database role should not own the table, and `convene audit
verify --anchor` detects entries cut from the end (docs/security.md).

SQLite (development and tests): UPDATE is refused; DELETE is not, because
Django empties tables between transactional tests with DELETE.
"""

from django.db import migrations

TABLE = "audit_auditentry"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION convene_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION convene_audit_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS convene_audit_append_only();
"""
SQLITE_UP = f"""
CREATE TRIGGER audit_append_only BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_append_only;"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
