"""The outbox keeps one index per read (issue 15): 8 secondary indexes become 5.

Every index is written on each insert, and a sweep at scale inserts tens of thousands
of deliveries. Dropped: (channel, state, next_attempt_at) and (partnership, state), each
replaced by a partial index of the few rows its read wants (the emails still to send,
the failed ones); (recipient, channel, read_at), which delivery_unread_in_app and
delivery_recipient_newest serve; the foreign keys' own indexes on recipient (led by
delivery_recipient_newest) and partnership (only failed deliveries are read by it);
recipient_agency's becomes partial (only team-inbox emails carry an agency). Only
indexes change (and the key's default, a time-ordered UUID: reminders/keys.py): no row
is touched. docs/performance.md, "The outbox's indexes and inserts".
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import convene.reminders.keys

# Django's names for the foreign keys' indexes (schema_editor._create_index_name).
FOREIGN_KEY_INDEXES = [
    ("reminders_delivery_partnership_id_666cf256", "partnership_id"),
    ("reminders_delivery_recipient_id_f589d14d", "recipient_id"),
    ("reminders_delivery_recipient_agency_id_a2a0c055", "recipient_agency_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0005_nhs_number_index_without_like_index"),
        ("reminders", "0006_drop_source_kind_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="delivery",
            name="reminders_d_channel_6eda70_idx",
        ),
        migrations.RemoveIndex(
            model_name="delivery",
            name="reminders_d_recipie_8690c6_idx",
        ),
        migrations.RemoveIndex(
            model_name="delivery",
            name="reminders_d_partner_2809a3_idx",
        ),
        migrations.AlterField(
            model_name="delivery",
            name="key",
            field=models.UUIDField(
                default=convene.reminders.keys.time_ordered_uuid, editable=False, unique=True
            ),
        ),
        # The foreign keys' own indexes are dropped by name (Django's names, the same on
        # every database it made): AlterField would also drop and re-add each foreign key
        # constraint, checking every row of the table again.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="delivery",
                    name="partnership",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="people.partnership",
                    ),
                ),
                migrations.AlterField(
                    model_name="delivery",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="delivery",
                    name="recipient_agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="people.agency",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f"CREATE INDEX {name} ON reminders_delivery ({column})",
                )
                for name, column in FOREIGN_KEY_INDEXES
            ],
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("channel", "email"), ("state__in", ["pending", "sending"])),
                fields=["next_attempt_at", "id"],
                name="delivery_email_due",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("state", "failed")),
                fields=["partnership", "-failed_at", "-id"],
                name="delivery_failed_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("recipient_agency__isnull", False)),
                fields=["recipient_agency"],
                name="delivery_recipient_agency",
            ),
        ),
    ]
