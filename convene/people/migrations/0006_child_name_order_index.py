"""The children's list walks (last name, first name, id) in its order whoever reads it, and the
HRPM list walks it by its children's names (issue 15, docs/performance.md). It replaces
(partnership, last name, first name), which a list ORing the caseload with invitations
could not walk; the partnership's own foreign-key index stays."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_nhs_number_index_without_like_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="child",
            name="people_chil_partner_eae1f0_idx",
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(
                fields=["last_name", "first_name", "id"], name="people_child_name_order"
            ),
        ),
    ]
