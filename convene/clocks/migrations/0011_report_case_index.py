"""A team's reports read its cases' clocks by case key, then the period (issue 13,
``convene.reporting.scoping``): ``(partnership, case_referral, started_at)``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0010_case_key"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                fields=["partnership", "case_referral", "started_at"], name="clock_report_case"
            ),
        ),
    ]
