"""Fill ``held_by`` on every case from the open allocations (``convene.allocation.holders``)."""

from django.db import migrations
from django.db.models import Q


def fill(apps, schema_editor):
    from convene.allocation.holders import store_holders

    models = tuple(
        apps.get_model(app, name)
        for app, name in (
            ("allocation", "Allocation"),
            ("referrals", "Referral"),
            ("discussions", "Discussion"),
            ("followup", "S47Enquiry"),
        )
    )
    store_holders(referrals=Q(), discussions=Q(), s47s=Q(), models=models)


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0001_initial"),
        ("referrals", "0005_referral_held_by"),
        ("discussions", "0008_discussion_held_by"),
        ("followup", "0010_s47enquiry_held_by"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
