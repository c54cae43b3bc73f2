"""My work's HRPMs order by a stored deadline (issue 15).

``Hrpm.hrpm_due_at``: the soonest open HRPM clock of the series, kept from now on by the
clock services (``convene.clocks.due_columns``). Added empty, filled with one ``UPDATE``
for the series with such an open clock (``due_columns_fill``), then indexed.
"""

from django.db import migrations, models

from convene.clocks.due_columns import due_columns_fill


def hrpm_due_fill(apps, schema_editor=None):
    due_columns_fill(apps, "followup", "Hrpm", (("hrpm_due_at", ("hrpm",)),))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("clocks", "0010_case_key"),
        ("followup", "0011_s47_started_held"),
    ]

    operations = [
        migrations.AddField(
            model_name="hrpm",
            name="hrpm_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(hrpm_due_fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="hrpm",
            index=models.Index(
                condition=models.Q(("hrpm_due_at__isnull", False)),
                fields=["hrpm_due_at", "id"],
                name="hrpm_due",
            ),
        ),
    ]
