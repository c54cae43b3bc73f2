"""Key the audit chain from the next entry on; older entries keep their SHA-256 hashes.

A log that already has entries records where keying begins (``AuditKeying``); a
new log needs no row, since every entry in it is keyed.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def record_boundary(apps, schema_editor):
    entry = apps.get_model("audit", "AuditEntry")
    keying = apps.get_model("audit", "AuditKeying")
    last = entry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    if last is not None and not keying.objects.exists():
        # As convene.audit.models.keying_mac (spelled out: migrations do not import models).
        key = str(settings.CONVENE_AUDIT_KEY).encode("utf-8")
        message = f"convene-audit-keyed-from:{last + 1}".encode()
        keying.objects.create(
            keyed_from=last + 1,
            mac=hmac.new(key, message, hashlib.sha256).hexdigest(),
            recorded_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="AuditKeying",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("keyed_from", models.PositiveBigIntegerField()),
                ("mac", models.CharField(max_length=64)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RunPython(record_boundary, migrations.RunPython.noop, elidable=False),
    ]
