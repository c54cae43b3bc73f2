"""Store whose work each HRPM safety-plan action is (``owning_agency``) and index the open
ones by it most urgent first, as ``records.0010`` does for the record's actions (issue 15).
Not atomic, for the same reason."""

import django.db.models.deletion
from django.db import migrations, models

from convene.records.owning import owning_agency_backfill


def backfill(apps, schema_editor):
    owning_agency_backfill(apps, schema_editor, "followup", "HrpmAction")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("followup", "0005_hrpm_action_due_by_and_urgency_indexes"),
        ("people", "0006_child_name_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="hrpmaction",
            name="owning_agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.agency",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["owning_agency", "due_by", "id"],
                name="hrpm_action_open_by_agency",
            ),
        ),
        migrations.AddConstraint(
            model_name="hrpmaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("owner_agency__isnull", True),
                    ("owning_agency", models.F("owner_agency")),
                    _connector="OR",
                ),
                name="hrpm_action_owning_agency_is_owner",
            ),
        ),
    ]
