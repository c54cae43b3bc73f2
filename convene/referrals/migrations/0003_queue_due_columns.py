"""The triage and convening queues order by a stored deadline (issue 15).

``Referral.receipt_due_at`` (the soonest open convene or triage clock) and
``Referral.convene_due_at`` (the soonest open convene clock), kept from now on by the
clock services (``convene.clocks.due_columns``). The columns are added empty (no table
rewrite) and filled with one ``UPDATE`` each, only for referrals with an open clock of
those kinds (the others stay null, which is the answer), the value read by the same
correlated subquery the lists ran.
"""

from django.db import migrations, models

from convene.clocks.due_columns import due_columns_fill

COLUMNS = (
    ("receipt_due_at", ("convene", "triage")),
    ("convene_due_at", ("convene",)),
)


def queue_due_fill(apps, schema_editor=None):
    due_columns_fill(apps, "referrals", "Referral", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("clocks", "0010_case_key"),
        ("referrals", "0002_triage_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="convene_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="receipt_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status", "awaiting_triage")),
                fields=["-immediate_risk", "receipt_due_at", "id"],
                name="referral_triage_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status", "triaged")),
                fields=["convene_due_at", "id"],
                name="referral_convene_queue",
            ),
        ),
        migrations.RunPython(queue_due_fill, migrations.RunPython.noop, elidable=True),
    ]
