"""Each clock and escalation carries the key of the case (referral) it hangs from (issue 15).

Need-to-know for the lists of clocks and escalations becomes one condition on that key
(``convene.clocks.subjects.caseload_visible_q``) instead of a walk over the subjects.
The columns are added empty (nullable: no table rewrite) and filled here set-based, one
``UPDATE`` per kind of subject and table, the key read by a correlated subquery on the
subject's primary key; nothing is deleted. New rows get the key from ``clock_start``.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery

# (app label, model) of a clock subject -> the path from it to its case referral, as the
# apps registered them when this was written (``convene.clocks.subjects.case_paths``).
CASE_PATHS = {
    ("referrals", "referral"): "pk",
    ("discussions", "discussion"): "referral",
    ("records", "action"): "record__discussion__referral",
    ("followup", "hrpmaction"): "meeting__hrpm__referral",
    ("followup", "hrpm"): "referral",
    ("followup", "s47enquiry"): "discussion__referral",
    ("followup", "icpc"): "discussion__referral",
    ("agencychecks", "agencycheck"): "discussion__referral",
}


def case_keys_fill(apps, schema_editor=None):
    """Fill the empty case keys of clocks and escalations, one UPDATE per subject model."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for name in ("Clock", "Escalation"):
        table = apps.get_model("clocks", name)
        for (label, model_name), path in CASE_PATHS.items():
            kind = content_type.objects.filter(app_label=label, model=model_name).first()
            if kind is None:
                continue  # no row can be about a model nobody has used yet
            rows = table.objects.filter(subject_type=kind.pk, case_referral__isnull=True)
            if path == "pk":
                rows.update(case_referral=F("subject_id"))
                continue
            subjects = apps.get_model(label, model_name).objects
            key = subjects.filter(pk=OuterRef("subject_id")).values(path)[:1]
            rows.update(case_referral=Subquery(key))


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0009_clock_month_tallies"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("referrals", "0002_triage_reasons"),
        ("discussions", "0003_discussion_reconvenes"),
        ("records", "0005_report_held_index"),
        ("followup", "0004_icpc_cp_plan"),
        ("agencychecks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="case_referral",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="referrals.referral",
            ),
        ),
        migrations.AddField(
            model_name="escalation",
            name="case_referral",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="referrals.referral",
            ),
        ),
        migrations.RunPython(case_keys_fill, migrations.RunPython.noop, elidable=True),
    ]
