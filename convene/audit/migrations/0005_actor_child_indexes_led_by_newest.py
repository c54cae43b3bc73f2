"""Drop the plain indexes on actor_id and child_id: audit_actor_newest and
audit_child_newest start with those columns and serve every lookup by them (25 MB
at 50,000 discussions). Database side only (SQLite would rebuild the table, and
lose the append-only trigger, for an AlterField)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from convene.core.like_indexes import drop_prefix_index


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_hash_unique_without_like_index"),
        ("people", "0005_nhs_number_index_without_like_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="child",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.child",
                    ),
                ),
            ],
            database_operations=[
                drop_prefix_index("audit_auditentry", "actor_id"),
                drop_prefix_index("audit_auditentry", "child_id"),
            ],
        )
    ]
