"""Index the actions by their own owner, a person or an agency, by due time, so that social
care's "My actions" (open, or with the done ones) walks each owner apart to its page
(``convene.core.pagination.first_of_parts``) instead of every action with the ``OR`` of the
two as a filter (issue 15, docs/performance.md, "Social care's My actions walked by
owner"). On the 1,000,000-discussion database (839,555 record actions) each record-action
index builds in about 1.5 s (32 MB); the HRPM ones in 0.1 s."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0006_hrpm_action_owning_agency"),
        ("people", "0006_child_name_order_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                fields=["owner_professional", "due_by", "id"], name="hrpm_action_by_owner"
            ),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                fields=["owner_agency", "due_by", "id"], name="hrpm_action_by_own_agency"
            ),
        ),
    ]
