"""Read each template case back as rows, through Django's model metadata (no hand-kept columns).

A case is a referral and everything that hangs from it, found by following
foreign keys both ways and generic ``*_type``/``*_id`` pairs (clocks,
escalations, deliveries) until nothing new turns up. Shared rows (the
partnership, agencies, professionals) are referred to, never copied;
children are swapped for children of the generated caseload; audit entries
are those naming an object of the case. A field another branch adds to a
model is picked up here with the value the services gave it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from convene.audit.models import AuditEntry
from convene.people.models import Child, Professional
from convene.referrals.models import Referral

# Rows a case points at but never owns: copied by reference, not by value.
_SHARED_LABELS = {
    "people.partnership",
    "people.agency",
    "people.professional",
    "people.rolegrant",
    "people.child",
    "people.childlink",
    "people.familymember",
    "people.familyrelationship",
    "audit.auditentry",
    "api.apitoken",
    "reminders.periodicrun",
}


def clonable_models() -> list[type[models.Model]]:
    """Every Convene model (M2M tables included) whose rows belong to one case."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if not model.__module__.startswith("convene") and not (
            model._meta.auto_created and model._meta.app_label in _convene_apps()
        ):
            continue
        if model._meta.label_lower in _SHARED_LABELS:
            continue
        targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        if model._meta.auto_created and not targets & set(_owned_targets()):
            continue  # e.g. agency_partnerships, professional_groups
        found.append(model)
    return found


def _convene_apps() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith("convene")}


def _owned_targets() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("convene") and m._meta.label_lower not in _SHARED_LABELS
    ]


def generic_pairs(model: type[models.Model]) -> list[tuple[str, str]]:
    """(content-type column, id column) pairs: ``subject_type_id``/``subject_id`` and the like."""
    pairs = []
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model is ContentType and f.name.endswith("_type"):
            id_name = f.name[: -len("_type")] + "_id"
            if any(g.attname == id_name and not g.is_relation for g in model._meta.concrete_fields):
                pairs.append((f.attname, id_name))
    return pairs


@dataclass
class Archetype:
    """One template case as rows, ready to be copied."""

    name: str
    rows: dict[type[models.Model], list[tuple[Any, ...]]]
    audit: list[tuple[Any, ...]]  # (at, actor_id, actor_username, action, type, id, child_id, ...)
    children: list[int]
    professionals: list[int]
    discussions: int
    has_hrpm: bool


def _closure(root: int, models_: list[type[models.Model]]) -> dict[type[models.Model], set[int]]:
    reached: dict[type[models.Model], set[int]] = defaultdict(set)
    reached[Referral].add(root)
    content_types = {
        m: ContentType.objects.get_for_model(m).pk for m in models_ if not m._meta.auto_created
    }
    changed = True
    while changed:
        changed = False
        for model in models_:
            new: set[int] = set()
            for f in model._meta.concrete_fields:
                if not f.is_relation or f.related_model not in models_:
                    continue
                target = f.related_model
                if reached[target]:
                    new.update(
                        model._default_manager.filter(
                            **{f"{f.attname}__in": reached[target]}
                        ).values_list("pk", flat=True)
                    )
                if reached[model]:
                    ids = model._default_manager.filter(pk__in=reached[model]).values_list(
                        f.attname, flat=True
                    )
                    more = {i for i in ids if i is not None} - reached[target]
                    if more:
                        reached[target] |= more
                        changed = True
            for type_column, id_column in generic_pairs(model):
                for target, ct in content_types.items():
                    if reached[target]:
                        new.update(
                            model._default_manager.filter(
                                **{type_column: ct, f"{id_column}__in": reached[target]}
                            ).values_list("pk", flat=True)
                        )
            if new - reached[model]:
                reached[model] |= new
                changed = True
    return reached


def read_archetypes(roots: list[int]) -> list[Archetype]:
    """One archetype per template referral (cases joined by a foreign key become one)."""
    models_ = clonable_models()
    taken: set[int] = set()
    found = []
    for root in roots:
        if root in taken:
            continue
        reached = _closure(root, models_)
        taken |= reached[Referral]
        found.append(_read(reached, models_))
    return found


def _read(
    reached: dict[type[models.Model], set[int]], models_: list[type[models.Model]]
) -> Archetype:
    rows: dict[type[models.Model], list[tuple[Any, ...]]] = {}
    children: dict[int, None] = {}
    professionals: dict[int, None] = {}
    for model in models_:
        if not reached[model]:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        found = list(
            model._default_manager.filter(pk__in=reached[model])
            .order_by("pk")
            .values_list(*columns)
        )
        rows[model] = found
        for index, f in enumerate(model._meta.concrete_fields):
            if f.is_relation and f.related_model is Child:
                children.update((r[index], None) for r in found if r[index] is not None)
            if f.is_relation and f.related_model is Professional:
                professionals.update((r[index], None) for r in found if r[index] is not None)
    labels = [(m._meta.label_lower, str(pk)) for m in models_ for pk in reached[m]]
    by_type: dict[str, set[str]] = defaultdict(set)
    for label, pk in labels:
        by_type[label].add(pk)
    audit = []
    for label, ids in by_type.items():
        audit.extend(
            AuditEntry.objects.filter(object_type=label, object_id__in=ids).values_list(
                "sequence",
                "at",
                "actor_id",
                "actor_username",
                "action",
                "object_type",
                "object_id",
                "child_id",
                "summary",
                "remote_addr",
            )
        )
    audit.sort()
    for entry in audit:
        if entry[2] is not None:
            professionals[entry[2]] = None
        if entry[7] is not None:
            children[entry[7]] = None
    referral = Referral.objects.get(pk=min(reached[Referral]))
    from convene.discussions.models import Discussion

    states = sorted(
        Discussion.objects.filter(pk__in=reached[Discussion]).values_list("state", flat=True)
    )
    from convene.followup.models import Hrpm

    return Archetype(
        name=f"{referral.status}" + (f" ({', '.join(states)})" if states else ""),
        rows=rows,
        audit=[entry[1:] for entry in audit],
        children=list(children),
        professionals=list(professionals),
        discussions=len(reached[Discussion]),
        has_hrpm=bool(reached[Hrpm]),
    )


def dump_json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
