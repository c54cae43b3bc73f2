"""My work's record queues walked in their order by partial indexes (issue 15): open
drafts by meeting time, versions not yet sent by authorisation time, versions sent by
distribution time, open corrections by response time. Indexes only: no data moves."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0004_work_due_columns"),
        ("records", "0008_report_tallies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="confirmation",
            index=models.Index(
                condition=models.Q(("resolution", ""), ("response", "correction")),
                fields=["responded_at", "id"],
                name="confirmation_open_correction",
            ),
        ),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(
                condition=models.Q(("draft_open", True)),
                fields=["held_at", "id"],
                name="record_draft_open",
            ),
        ),
        migrations.AddIndex(
            model_name="recordversion",
            index=models.Index(
                condition=models.Q(("distributed_at__isnull", True)),
                fields=["authorised_at", "id"],
                name="record_version_unsent",
            ),
        ),
        migrations.AddIndex(
            model_name="recordversion",
            index=models.Index(
                condition=models.Q(("distributed_at__isnull", False)),
                fields=["distributed_at", "id"],
                name="record_version_sent",
            ),
        ),
    ]
