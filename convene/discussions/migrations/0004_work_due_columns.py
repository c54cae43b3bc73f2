"""My work's "tell the referrer" and conference queues order by a stored deadline (issue 15).

``Discussion.outcome_due_at`` and ``Discussion.icpc_due_at``: the soonest open clock of
each kind, kept from now on by the clock services (``convene.clocks.due_columns``). Added
empty (no table rewrite), then filled with one ``UPDATE`` each for the discussions with
such an open clock (``due_columns_fill``).
"""

from django.db import migrations, models

from convene.clocks.due_columns import due_columns_fill

COLUMNS = (
    ("outcome_due_at", ("outcome_notified",)),
    ("icpc_due_at", ("icpc",)),
)


def work_due_fill(apps, schema_editor=None):
    due_columns_fill(apps, "discussions", "Discussion", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("clocks", "0010_case_key"),
        ("discussions", "0003_discussion_reconvenes"),
    ]

    operations = [
        migrations.AddField(
            model_name="discussion",
            name="icpc_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="discussion",
            name="outcome_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="discussion",
            index=models.Index(
                condition=models.Q(("outcome_due_at__isnull", False)),
                fields=["outcome_due_at", "id"],
                name="discussion_outcome_untold",
            ),
        ),
        migrations.RunPython(work_due_fill, migrations.RunPython.noop, elidable=True),
    ]
