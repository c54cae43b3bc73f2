"""The Message-ID's unique index goes: the Message-ID is made from ``key`` alone
(``<key@domain>``, ``reminders.services.new_delivery``, the one place a delivery is made), and
``key`` is unique, so two deliveries cannot share one. Nothing looks a delivery up by it
(the spool checks a file named from it), so the index (87 MB at 50,000 discussions) was
only written, on each of a sweep's tens of thousands of inserts (docs/performance.md,
issue 15). Reversible: the backward step makes the unique constraint again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reminders", "0007_delivery_indexes_one_per_read")]

    operations = [
        migrations.RemoveConstraint(
            model_name="delivery",
            name="reminders_delivery_message_id_key",
        ),
    ]
