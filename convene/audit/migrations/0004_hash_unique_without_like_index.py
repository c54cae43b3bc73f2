"""The hash stays unique, without the ``varchar_pattern_ops`` twin index (169 MB at
50,000 discussions, never used: convene/core/like_indexes.py). The unique index
itself is kept, not rebuilt."""

from django.db import migrations, models

from convene.core.like_indexes import unique_without_twin


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain_boundary")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry", name="hash", field=models.CharField(max_length=64)
                ),
                migrations.AddConstraint(
                    model_name="auditentry",
                    constraint=models.UniqueConstraint(
                        fields=("hash",), name="audit_auditentry_hash_key"
                    ),
                ),
            ],
            database_operations=[
                unique_without_twin("audit_auditentry", "hash", "audit_auditentry_hash_key")
            ],
        )
    ]
