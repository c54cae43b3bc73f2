"""Fill the sweep's cursor for clocks that existed before it.

Conservative, in two set-based updates (no row is loaded): every open clock is
looked at by the first sweep once it is due (``escalate_at = due_at``) and 48 hours
before (``remind_at``, no later than its first reminder window opens); that sweep
works out the exact next moment and moves the cursor on. A clock whose overdue
reminder was already decided has no reminder left.
"""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef

OPEN = ["pending", "breached"]


def fill(apps, schema_editor):
    Clock = apps.get_model("clocks", "Clock")
    Delivery = apps.get_model("reminders", "Delivery")
    ContentType = apps.get_model("contenttypes", "ContentType")
    opened = Clock.objects.filter(state__in=OPEN)
    opened.update(
        escalate_at=F("due_at"),
        remind_at=ExpressionWrapper(
            F("due_at") - timedelta(hours=48), output_field=models.DateTimeField()
        ),
    )
    clock_type = ContentType.objects.filter(app_label="clocks", model="clock").first()
    if clock_type is None:
        return  # a new database: no clock has been reminded of anything
    overdue_decided = Delivery.objects.filter(
        source_type=clock_type.pk, source_id=OuterRef("pk"), kind="overdue"
    )
    opened.filter(Exists(overdue_decided)).update(remind_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0004_clock_sweep_cursor"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reminders", "0003_merge_unread_indexes_and_attachments"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
