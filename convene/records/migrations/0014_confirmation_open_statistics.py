"""Tell PostgreSQL that a confirmation's response and resolution go together (issue 15).

Every correction asked for is resolved in time, so "an open correction" (a correction with
no resolution) is rare: none of 1.3 million at a million discussions. Taking the two
columns as independent, the planner expected 146,711 and, asking whether a manager has any
to answer (``allocation.work_probe``), read every confirmation (160 ms) instead of the
partial index of open ones. The statistics of the two columns together (most common pairs)
give it the true figure. SQLite has no such statistics: nothing to do there."""

from django.db import migrations

NAME = "confirmation_response_resolution"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) "
            "ON response, resolution FROM records_confirmation"
        )
        schema_editor.execute("ANALYZE records_confirmation")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("records", "0013_attendance_awaiting")]

    operations = [migrations.RunPython(create, drop)]
