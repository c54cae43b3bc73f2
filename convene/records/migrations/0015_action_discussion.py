"""Store the discussion each agreed action is agreed in (its record's: ``discussion``,
``convene.records.owning``), so that need-to-know asks it of the action itself: a partner's
My work hashed her own discussions' keys against her agency's open actions through a probe
of each action's record (issue 15, docs/performance.md, "A partner's actions by their
stored discussion").

The column is stored as the partnership was (``stored_operations``). On the
1,000,000-discussion database (910,324 actions) the migration took the time given in
docs/performance.md."""

from django.db import migrations

from convene.records.owning import discussion_link, stored_operations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("discussions", "0001_initial"),
        ("records", "0014_confirmation_open_statistics"),
    ]

    operations = stored_operations("records", "Action", "discussion", discussion_link)
