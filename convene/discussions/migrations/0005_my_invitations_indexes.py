"""My invitations at scale (issue 15, docs/performance.md): the discussions still to happen
by their end (a partial index, few rows among every discussion ever held), and a person's
invitations newest first, which also serves every look-up by person, so the plain
foreign-key index on the invitee goes (it only repeated the new index's first column).
The indexes are built before the old one is dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0004_work_due_columns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="discussion",
            index=models.Index(
                condition=models.Q(("state__in", ["scheduled", "requested"])),
                fields=["ends_at"],
                name="discussion_live_ends",
            ),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(fields=["professional", "-id"], name="invitation_person_newest"),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="professional",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="invitations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
