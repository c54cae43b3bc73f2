"""Drift lists walk the enquiries by when they were decided (issue 15).

``S47Enquiry.decided_at``: when the deciding discussion was held (its record's
``held_at``). Added empty, filled from each enquiry's record with one ``UPDATE``, made
required, then indexed in the drift lists' order (a partnership's, and a holder's own).
"""

from django.db import migrations, models

FILL = """
UPDATE followup_s47enquiry SET decided_at = (
    SELECT r.held_at FROM records_recordversion v
    JOIN records_record r ON r.id = v.record_id
    WHERE v.id = followup_s47enquiry.record_version_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0012_hrpm_due"),
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="s47enquiry",
            name="decided_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=True),
        migrations.AlterField(
            model_name="s47enquiry",
            name="decided_at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="s47enquiry",
            index=models.Index(fields=["decided_at", "id"], name="s47_decided"),
        ),
        migrations.AddIndex(
            model_name="s47enquiry",
            index=models.Index(fields=["held_by", "decided_at", "id"], name="s47_held_decided"),
        ),
    ]
