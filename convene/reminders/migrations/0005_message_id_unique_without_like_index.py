"""The Message-ID stays unique, without the ``varchar_pattern_ops`` twin index (87 MB
at 50,000 discussions, never used: convene/core/like_indexes.py). The unique index
itself is kept, not rebuilt."""

from django.db import migrations, models

from convene.core.like_indexes import unique_without_twin


class Migration(migrations.Migration):
    dependencies = [("reminders", "0004_delivery_state_skipped")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="delivery",
                    name="message_id",
                    field=models.CharField(max_length=200),
                ),
                migrations.AddConstraint(
                    model_name="delivery",
                    constraint=models.UniqueConstraint(
                        fields=("message_id",), name="reminders_delivery_message_id_key"
                    ),
                ),
            ],
            database_operations=[
                unique_without_twin(
                    "reminders_delivery", "message_id", "reminders_delivery_message_id_key"
                )
            ],
        )
    ]
