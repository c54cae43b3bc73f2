"""The triage and convening queues order by a stored deadline (issue 15).

``Referral.receipt_due_at`` (the soonest open convene or triage clock) and
``Referral.convene_due_at`` (the soonest open convene clock), kept from now on by the
clock services (``convene.clocks.due_columns``). The columns are added empty (no table
rewrite) and filled with one ``UPDATE`` each, only for referrals with an open clock of
those kinds (the others stay null, which is the answer), the value read by the same
correlated subquery the lists ran.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

COLUMNS = (
    ("receipt_due_at", ("convene", "triage")),
    ("convene_due_at", ("convene",)),
)
OPEN_STATES = ("pending", "breached")


def queue_due_fill(apps, schema_editor=None):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Clock = apps.get_model("clocks", "Clock")
    Referral = apps.get_model("referrals", "Referral")
    subject_type = ContentType.objects.filter(app_label="referrals", model="referral").first()
    if subject_type is None:
        return  # a new database: no clocks yet
    for field, kinds in COLUMNS:
        clocks = Clock.objects.filter(
            subject_type=subject_type, kind__in=kinds, state__in=OPEN_STATES
        )
        soonest = clocks.filter(subject_id=OuterRef("pk")).order_by("due_at", "pk")
        Referral.objects.filter(pk__in=clocks.values("subject_id")).update(
            **{field: Subquery(soonest.values("due_at")[:1])}
        )


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
