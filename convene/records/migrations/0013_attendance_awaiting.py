"""Who is still to confirm each sent record, stored on the attendance row (issue 15)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def fill(apps, schema_editor):
    from convene.records.awaiting import store_awaiting

    models = tuple(
        apps.get_model("records", name) for name in ("Attendance", "Confirmation", "RecordVersion")
    )
    store_awaiting(Q(), models=models)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_child_name_order_index"),
        ("records", "0012_action_partnership"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="awaiting_since",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        # Filled before the index is built: one build, not an update of each entry.
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                condition=models.Q(("awaiting_since__isnull", False)),
                fields=["professional", "awaiting_since", "version"],
                name="attendance_awaiting_person",
            ),
        ),
    ]
