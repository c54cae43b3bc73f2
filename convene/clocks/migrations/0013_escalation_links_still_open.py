"""Escalations' many-to-many tables become models of our own with ``still_open`` (issue 15).

The tables stay as they are (``SeparateDatabaseAndState``: only Django's idea of them
changes), then gain the flag: added as false, set for the open escalations' links (a few
thousand rows at a million discussions, where setting the resolved ones' would rewrite
millions), then defaulting to true for every link made from now on."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _link_model(name: str, table: str, other: str, to: str) -> migrations.CreateModel:
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            (
                "escalation",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="+",
                    to="clocks.escalation",
                ),
            ),
            (
                other,
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+", to=to
                ),
            ),
        ],
        options={"db_table": table, "unique_together": {("escalation", other)}},
    )


def _through(field: str, through: str, to: str) -> migrations.AlterField:
    """The escalation's many-to-many field, now through the link model."""
    return migrations.AlterField(
        model_name="escalation",
        name=field,
        field=models.ManyToManyField(
            blank=True, related_name="escalations_addressed", through=through, to=to
        ),
    )


# The links of escalations still to answer (clocks.models.ESCALATION_OPEN_STATES).
OPEN_LINKS = (
    "UPDATE {table} SET still_open = TRUE WHERE escalation_id IN "
    "(SELECT id FROM clocks_escalation WHERE state IN ('raised', 'acknowledged'))"
)


# Each link model: its name, table, the other side's column and model, the escalation's
# many-to-many field it carries, and the partial index of its open links.
LINKS = (
    (
        "EscalationAddressee",
        "clocks_escalation_addressed_to",
        "professional",
        settings.AUTH_USER_MODEL,
        "addressed_to",
        "escalation_addressee_open",
    ),
    (
        "EscalationAgency",
        "clocks_escalation_addressed_agencies",
        "agency",
        "people.agency",
        "addressed_agencies",
        "escalation_agency_open",
    ),
)


def _opened(table: str) -> migrations.RunSQL:
    # ``table`` is one of the two names above, never input.
    return migrations.RunSQL(OPEN_LINKS.format(table=table), migrations.RunSQL.noop)


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0012_escalation_open_newest"),
        ("people", "0006_child_name_order_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                operation
                for name, table, other, to, field, _ in LINKS
                for operation in (
                    _link_model(name, table, other, to),
                    _through(field, f"clocks.{name}", to),
                )
            ]
        ),
        *(
            migrations.AddField(name.lower(), "still_open", models.BooleanField(db_default=False))
            for name, *_ in LINKS
        ),
        *(_opened(table) for _, table, *_ in LINKS),
        *(
            migrations.AlterField(name.lower(), "still_open", models.BooleanField(db_default=True))
            for name, *_ in LINKS
        ),
        *(
            migrations.AddIndex(
                name.lower(),
                models.Index(
                    condition=models.Q(("still_open", True)),
                    fields=[other, "escalation"],
                    name=index,
                ),
            )
            for name, _, other, _, _, index in LINKS
        ),
    ]
