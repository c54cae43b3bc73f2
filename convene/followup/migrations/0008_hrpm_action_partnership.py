"""Store the partnership each HRPM safety-plan action is in (its HRPM's: ``partnership``,
``convene.records.owning``) and index the actions by it, the open ones most urgent first and
all by due time, with all of an agency's work by due time, so that social care's Actions
list walks each of its partnerships (and its agency's work) apart to the page instead of
every open action of every partnership filtered through the join to the discussion (issue 15,
docs/performance.md, "The Actions list by the action's own partnership").

The column is added nullable, filled by one UPDATE, then made NOT NULL. Not atomic: on
PostgreSQL each step commits on its own. On the
1,000,000-discussion database (31,421 HRPM actions) the UPDATE took 1.2 s, each index
under 0.1 s."""

import django.db.models.deletion
from django.db import migrations, models

from convene.records.owning import partnership_backfill


def backfill(apps, schema_editor):
    partnership_backfill(apps, schema_editor, "followup", "HrpmAction")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0006_child_name_order_index"),
        ("followup", "0007_hrpm_action_by_owner_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="hrpmaction",
            name="partnership",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.partnership",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="hrpmaction",
            name="partnership",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.partnership",
            ),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["partnership", "due_by", "id"],
                name="hrpm_action_open_partnership",
            ),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                fields=["partnership", "due_by", "id"], name="hrpm_action_by_partnership"
            ),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                fields=["owning_agency", "due_by", "id"], name="hrpm_action_all_by_agency"
            ),
        ),
    ]
