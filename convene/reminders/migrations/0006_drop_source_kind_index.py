"""Drop (source_type, source_id, kind) and the foreign key's own index on
source_type: both are prefixes of the unique
delivery_once_per_source_kind_channel_recipient index, which serves the same lookups
(50 MB at 50,000 discussions, and the foreign key's few MB)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reminders", "0005_message_id_unique_without_like_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="delivery", name="reminders_d_source__a226ce_idx"),
        migrations.AlterField(
            model_name="delivery",
            name="source_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
    ]
