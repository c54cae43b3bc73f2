"""The NHS number keeps its plain index, without the ``varchar_pattern_ops`` twin
(never used: convene/core/like_indexes.py). The plain index is renamed, not rebuilt,
on PostgreSQL."""

from django.db import migrations, models

import convene.people.models
from convene.core.like_indexes import index_without_twin


class Migration(migrations.Migration):
    dependencies = [("people", "0004_legal_status_no_order_label")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="child",
                    name="nhs_number",
                    field=models.CharField(
                        blank=True,
                        max_length=12,
                        validators=[convene.people.models.validate_nhs_number],
                    ),
                ),
                migrations.AddIndex(
                    model_name="child",
                    index=models.Index(fields=["nhs_number"], name="people_child_nhs_number"),
                ),
            ],
            database_operations=[
                index_without_twin("people_child", "nhs_number", "people_child_nhs_number")
            ],
        )
    ]
