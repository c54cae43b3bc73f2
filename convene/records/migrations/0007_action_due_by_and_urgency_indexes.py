"""Store when each agreed action is overdue from (``due_by``) and index the open ones most
urgent first, so that the Actions lists walk an index instead of sorting every open action
by its clock (issue 15, docs/performance.md). Backfilled from each action's due clock.

Not atomic: on PostgreSQL each step commits on its own (the column, the backfill, NOT NULL,
the index), so a large table is not held in one transaction with pending changes."""

from django.db import migrations, models

from convene.records.due import due_by_backfill


def backfill(apps, schema_editor):
    due_by_backfill(apps, "records", "Action")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("clocks", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("records", "0006_record_month_tallies"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="due_by",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="due_by",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["due_by", "id"],
                name="action_open_urgent",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["due_by", "id"], name="action_due_by"),
        ),
    ]
