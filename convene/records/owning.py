"""Whose work an agreed action is: the one rule, for the record's and the HRPM's actions.

An action is owned by a person or by an agency, and it is its owner's agency's work
(decision 0013): the agency's staff who may see its discussion see and update it. That
agency is stored on the action (``owning_agency``) when the owner is set, so that a
partner's "My actions" is one equality walked by the ``(owning_agency, due_by, id)``
index of the open actions, not an ``OR`` of three owners that no index serves (issue 15,
docs/performance.md). The services that set an owner take its columns from
``owner_columns``; a professional who moves agency takes their actions with them
(``convene.followup.actions.owners.actions_follow_owner``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery

from convene.people.models import Agency, Partnership, Professional

# Rows updated per statement by the backfill: each batch commits on its own on PostgreSQL
# (the migrations are not atomic), so a large table is never one long transaction.
BACKFILL_BATCH = 10_000


def owning_agency_link() -> models.ForeignKey[Agency | None, Agency | None]:
    """The stored owning agency. Null only for a person with no agency, who is no one's
    colleague. No index of its own: the lists' partial index leads with it."""
    return models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )


def partnership_link() -> models.ForeignKey[Partnership, Partnership]:
    """The partnership an action's case is in (its discussion's, its HRPM's), stored on the
    action when it is made so that the partnership's Actions list is an equality on the
    action itself, walked by the ``(partnership, due_by, id)`` index, not a filter on the
    discussion it joins (which walked every open action of every partnership to find a
    small partnership's none, issue 15). No index of its own: the list's lead with it."""
    return models.ForeignKey(
        "people.Partnership", on_delete=models.PROTECT, related_name="+", db_index=False
    )


# Where each kind of action takes a stored column from: the parent it is made under (its
# foreign key) and, from that parent, the value. The services set each from the same
# (``convene.records.services.follow_on``, ``convene.followup.hrpm.services``); a
# discussion's and an HRPM's partnership never change, nor a record's discussion.
STORED_FROM = {
    ("records.action", "partnership"): ("record", "discussion__partnership"),
    ("followup.hrpmaction", "partnership"): ("meeting", "hrpm__partnership"),
    ("records.action", "discussion"): ("record", "discussion"),
}


def discussion_link() -> models.ForeignKey[Any, Any]:
    """The discussion a record's action is agreed in (its record's), stored on the action
    so that "of the discussions I may see" is asked of the action itself: a partner's My
    work and My actions hash their own discussions' keys against their agency's open
    actions without a probe of each action's record (2,856 for a police officer at a
    million discussions, 12-19 ms; issue 15). No index of its own: nothing walks actions
    by discussion (they are read by record), and a discussion is never deleted."""
    return models.ForeignKey(
        "discussions.Discussion",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )


def action_indexes(prefix: str) -> list[models.Index]:
    """The indexes both kinds of action (a record's, an HRPM's) are listed by, named from
    ``prefix``: the open ones most urgent first (the lists), all of them by due time, an
    agency's work open most urgent first (a partner's My actions, issue 15), a person's
    or an agency's own by due time (social care's My actions, open or all, each owner
    walked apart: ``convene.followup.actions.selectors.my_owners``), and a partnership's,
    open most urgent first or all by due time (social care's Actions list, each of the
    person's partnerships walked apart: ``convene.followup.actions.selectors.list_parts``)."""

    def by_due(lead: str | None, name: str, *, open_only: bool) -> models.Index:
        """An index of ``lead`` (if any), then due time and id; ``open_only``: partial."""
        fields = [lead, "due_by", "id"] if lead else ["due_by", "id"]
        condition = Q(status="open") if open_only else None
        return models.Index(fields=fields, condition=condition, name=f"{prefix}_{name}")

    return [
        by_due(None, "open_urgent", open_only=True),
        by_due(None, "due_by", open_only=False),
        by_due("owning_agency", "open_by_agency", open_only=True),
        # Not partial: "show done actions" walks them too; the open list walks past the
        # owner's own done ones only, one owner's history.
        by_due("owner_professional", "by_owner", open_only=False),
        by_due("owner_agency", "by_own_agency", open_only=False),
        by_due("partnership", "open_partnership", open_only=True),
        # "Show done actions" walks all of a partnership's, latest due first (backwards), and
        # the person's agency's work with them (the list's last part).
        by_due("partnership", "by_partnership", open_only=False),
        by_due("owning_agency", "all_by_agency", open_only=False),
    ]


def action_constraints(prefix: str) -> list[models.CheckConstraint]:
    """What both kinds of action hold to, named from ``prefix``: one owner, a person or an
    agency; an agency's own action is that agency's work (a person's is their agency's,
    which a constraint cannot read from another table: ``owner_columns`` and the move keep
    it); a closing time exactly when it is no longer open."""
    return [
        models.CheckConstraint(
            condition=Q(owner_professional__isnull=False, owner_agency__isnull=True)
            | Q(owner_professional__isnull=True, owner_agency__isnull=False),
            name=f"{prefix}_has_one_owner",
        ),
        models.CheckConstraint(
            condition=Q(owner_agency__isnull=True) | Q(owning_agency=F("owner_agency")),
            name=f"{prefix}_owning_agency_is_owner",
        ),
        models.CheckConstraint(
            condition=Q(status="open", closed_at__isnull=True)
            | (~Q(status="open") & Q(closed_at__isnull=False)),
            name=f"{prefix}_closed_at_when_closed",
        ),
    ]


def owner_columns(owner: Professional | Agency) -> dict[str, Any]:
    """The owner columns of an action for ``owner``: exactly one of the person and the
    agency, and the agency whose work it is."""
    if isinstance(owner, Professional):
        return {
            "owner_professional": owner,
            "owner_agency": None,
            "owning_agency_id": owner.agency_id,
        }
    return {"owner_professional": None, "owner_agency": owner, "owning_agency_id": owner.pk}


def owning_agency_backfill(apps: Any, schema_editor: Any, app_label: str, model_name: str) -> None:
    """Fill ``owning_agency`` on the actions made before it was stored (migrations
    ``records.0010``, ``followup.0006``): the owner agency, or the owning person's agency.
    Two UPDATEs per batch of ids (never a query per action); SQLite and PostgreSQL alike.
    Then, on PostgreSQL, the table's statistics, so that the planner knows the new column's
    few values before autovacuum's next look (the index is chosen on them)."""
    model = apps.get_model(app_label, model_name)
    professional = apps.get_model("people", "Professional")
    agency_of_owner = professional.objects.filter(pk=OuterRef("owner_professional")).values(
        "agency"
    )[:1]
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, BACKFILL_BATCH):
        batch = model.objects.filter(pk__gte=start, pk__lt=start + BACKFILL_BATCH)
        batch.filter(owner_agency__isnull=False).update(owning_agency=F("owner_agency"))
        batch.filter(owner_professional__isnull=False).update(
            owning_agency=Subquery(agency_of_owner)
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(model._meta.db_table)}")


def stored_backfill(
    apps: Any, schema_editor: Any, app_label: str, model_name: str, field: str
) -> None:
    """Fill a stored column (``field``) on the actions made before it was stored (migrations
    ``records.0012`` and ``followup.0008``: the partnership; ``records.0015``: the
    discussion) from their parent's (``STORED_FROM``): one ``UPDATE`` with a correlated
    subquery on the parent, SQLite and PostgreSQL alike; then, on PostgreSQL, the table's
    statistics (the plans are chosen on them)."""
    model = apps.get_model(app_label, model_name)
    via, path = STORED_FROM[(f"{app_label}.{model_name}".lower(), field)]
    parent = model._meta.get_field(via).related_model
    of_parent = parent.objects.filter(pk=OuterRef(f"{via}_id")).values(path)[:1]
    model.objects.update(**{field: Subquery(of_parent)})
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(model._meta.db_table)}")


# The indexes that lead with the stored partnership, or walk all of an agency's work, added
# with the column (migrations ``records.0012``, ``followup.0008``; ``action_indexes`` names).
PARTNERSHIP_INDEXES = ("open_partnership", "by_partnership", "all_by_agency")


def partnership_operations(app_label: str, model_name: str, prefix: str) -> list[Any]:
    """The migration that stores an action's partnership, the same for both kinds of action:
    the column stored (``stored_operations``), then its indexes (``action_indexes(prefix)``,
    as the model declares them)."""
    from django.db import migrations

    wanted = {f"{prefix}_{index}" for index in PARTNERSHIP_INDEXES}
    return [
        *stored_operations(app_label, model_name, "partnership", partnership_link),
        *(
            migrations.AddIndex(model_name=model_name.lower(), index=index)
            for index in action_indexes(prefix)
            if index.name in wanted
        ),
    ]


def stored_operations(
    app_label: str, model_name: str, field: str, link: Callable[[], models.ForeignKey[Any, Any]]
) -> list[Any]:
    """A stored column's migration: added nullable, filled by one ``UPDATE``
    (``stored_backfill``), made NOT NULL. Not atomic: on PostgreSQL each step commits on
    its own."""
    from django.db import migrations

    def backfill(apps: Any, schema_editor: Any) -> None:
        stored_backfill(apps, schema_editor, app_label, model_name, field)

    def column(*, null: bool) -> models.ForeignKey[Any, Any]:
        made = link()
        made.null = null
        return made

    name = model_name.lower()
    return [
        migrations.AddField(model_name=name, name=field, field=column(null=True)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(model_name=name, name=field, field=column(null=False)),
    ]
