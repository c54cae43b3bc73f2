"""Index the open actions by their own owner, a person or an agency, most urgent first, so
that social care's "My actions" walks each owner apart to its page (``first_of_parts``)
instead of every open action with the ``OR`` of the two as a filter (issue 15,
docs/performance.md, "My actions for social care"). Two small partial indexes; on the
1,000,000-discussion database (839,555 open actions) each builds in about 2 s."""

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
                condition=models.Q(("status", "open")),
                fields=["owner_professional", "due_by", "id"],
                name="hrpm_action_open_by_owner",
            ),
        ),
        migrations.AddIndex(
            model_name="hrpmaction",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["owner_agency", "due_by", "id"],
                name="hrpm_action_open_by_own_agency",
            ),
        ),
    ]
