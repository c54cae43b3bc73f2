"""What an audit entry was about, in words: "Record of strategy discussion D000005, version 2".

An entry stores only the object's type and id (the log must outlive what it names); the
"who has looked" list turns them back into a label. One query per kind of object shown,
however many entries there are. The labels carry references, never free text: a
referral's concern or an action's wording could name other people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Model

from convene.audit.models import AuditEntry


def _discussion(discussion: Any) -> str:
    return f"{discussion.get_kind_display().lower()} {discussion.reference}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize would lower "D000001"


@dataclass(frozen=True)
class Labeller:
    label: Callable[[Any], str]
    related: tuple[str, ...] = ()


LABELLERS: dict[str, Labeller] = {
    "people.child": Labeller(lambda child: "The child's details"),
    "referrals.referral": Labeller(lambda r: f"Referral {r.reference}"),
    "discussions.discussion": Labeller(lambda d: _upper_first(_discussion(d))),
    "discussions.invitation": Labeller(
        lambda i: f"Invitation to the {_discussion(i.discussion)}", ("discussion",)
    ),
    "records.record": Labeller(lambda r: f"Record of {_discussion(r.discussion)}", ("discussion",)),
    "records.recordversion": Labeller(
        lambda v: f"Record of {_discussion(v.record.discussion)}, version {v.number}",
        ("record__discussion",),
    ),
    "records.confirmation": Labeller(
        lambda c: (
            f"Confirmation of the record of {_discussion(c.version.record.discussion)}, "
            f"version {c.version.number}"
        ),
        ("version__record__discussion",),
    ),
    "records.action": Labeller(
        lambda a: f"Action in the record of {_discussion(a.record.discussion)}",
        ("record__discussion",),
    ),
    "followup.s47enquiry": Labeller(lambda e: f"S47 enquiry {e.reference}"),
    "followup.icpc": Labeller(lambda c: f"Initial child protection conference {c.reference}"),
    "followup.hrpm": Labeller(lambda h: f"High Risk Planning Meeting {h.reference}"),
    "followup.hrpmmeeting": Labeller(
        lambda m: f"High Risk Planning Meeting {m.hrpm.reference}, meeting {m.number}", ("hrpm",)
    ),
    "followup.hrpmaction": Labeller(
        lambda a: f"Action from High Risk Planning Meeting {a.meeting.hrpm.reference}",
        ("meeting__hrpm",),
    ),
    "followup.coregroupreview": Labeller(
        lambda r: f"Core group review, S47 enquiry {r.enquiry.reference}", ("enquiry",)
    ),
    "followup.careplanreview": Labeller(
        lambda r: f"Care plan review, S47 enquiry {r.enquiry.reference}", ("enquiry",)
    ),
    "followup.hrpmdecision": Labeller(
        lambda d: f"HRPM decision, S47 enquiry {d.enquiry.reference}", ("enquiry",)
    ),
    "followup.reviewrequest": Labeller(
        lambda r: f"Request for a review of the {_discussion(r.discussion)}", ("discussion",)
    ),
    "clocks.escalation": Labeller(lambda e: f"Escalation {e.pk}"),
    "clocks.clock": Labeller(lambda c: "A timescale"),
}


def _fallback(object_type: str) -> str:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type or "—"
    return _upper_first(str(model._meta.verbose_name))


def _fetch(object_type: str, ids: set[str], labeller: Labeller) -> dict[str, str]:
    model: type[Model] = apps.get_model(object_type)
    pks = [int(pk) for pk in ids if pk.isdigit()]
    try:
        found = model._default_manager.select_related(*labeller.related).in_bulk(pks)
    except FieldError:  # a relation renamed since: say what kind it was, not crash
        return {}
    return {str(pk): labeller.label(obj) for pk, obj in found.items()}


def audit_object_labels(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → a readable label for each entry's object."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type:
            wanted[entry.object_type].add(entry.object_id)
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        labeller = LABELLERS.get(object_type)
        found = _fetch(object_type, ids, labeller) if labeller is not None else {}
        for object_id in ids:
            # Gone or unknown: still say what kind of thing it was.
            labels[object_type, object_id] = found.get(object_id) or _fallback(object_type)
    return labels
