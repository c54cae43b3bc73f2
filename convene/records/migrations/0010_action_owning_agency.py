"""Store whose work each agreed action is (``owning_agency``: the owner agency, or the owning
person's agency) and index the open ones by it most urgent first, so that a partner's
"My actions" is one equality walked to its page instead of an ``OR`` of three owners that
no index serves (issue 15, docs/performance.md, ``convene.records.owning``).

Not atomic: on PostgreSQL each step commits on its own (the column, each batch of the
backfill, the index, the constraint), so a large table is not held in one transaction."""

import django.db.models.deletion
from django.db import migrations, models

from convene.records.owning import owning_agency_backfill


def backfill(apps, schema_editor):
    owning_agency_backfill(apps, schema_editor, "records", "Action")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0006_child_name_order_index"),
        ("records", "0009_work_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
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
            model_name="action",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["owning_agency", "due_by", "id"],
                name="action_open_by_agency",
            ),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("owner_agency__isnull", True),
                    ("owning_agency", models.F("owner_agency")),
                    _connector="OR",
                ),
                name="action_owning_agency_is_owner",
            ),
        ),
    ]
