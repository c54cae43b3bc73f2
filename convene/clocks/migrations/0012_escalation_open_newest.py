"""The open escalations in list order (issue 15, ``Escalation.Meta``): a partnership resolves
nearly all of them, and the open list and My work walked the resolved ones too."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0011_report_case_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="escalation",
            index=models.Index(
                condition=models.Q(("state__in", ("raised", "acknowledged"))),
                fields=["partnership", "-raised_at", "-id"],
                name="escalation_open_newest",
            ),
        ),
    ]
