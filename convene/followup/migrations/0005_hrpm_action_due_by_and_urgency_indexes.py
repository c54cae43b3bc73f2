"""Store when each HRPM safety-plan action is overdue from (``due_by``) and index the open
ones most urgent first, as ``records.0006`` does for the record's actions (issue 15).
Not atomic, for the same reason."""

from django.db import migrations, models

from convene.records.due import due_by_backfill


def backfill(apps, schema_editor):
    due_by_backfill(apps, "followup", "HrpmAction")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("clocks", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("followup", "0004_icpc_cp_plan"),
    ]

    operations = [
        migrations.AddField(
            model_name="hrpmaction",
            name="due_by",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="hrpmaction",
            name="due_by",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["due_by", "id"],
                name="hrpm_action_open_urgent",
            ),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(fields=["due_by", "id"], name="hrpm_action_due_by"),
        ),
    ]
