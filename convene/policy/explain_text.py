"""An :class:`~convene.policy.explanation.Explanation` as plain text and as JSON-able data.

Times are ISO 8601 with their offset, in Europe/London, so that "due
23:59:59+01:00" reads the same to a social worker and to a program.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from convene.policy.engine import AttendanceRequirement, Deadline, EscalationStep
from convene.policy.explanation import Explanation
from convene.policy.facts import facts_to_dict
from convene.policy.pack import Citation
from convene.workdays import LONDON

__all__ = ["explanation_to_dict", "render_text"]


def _time(moment: datetime) -> str:
    return moment.astimezone(LONDON).isoformat()


def _citation(citation: Citation) -> dict[str, Any]:
    return {
        "requirements": list(citation.requirements),
        "document": citation.document,
        "paragraph": citation.paragraph,
    }


def _deadline(explanation: Explanation, deadline: Deadline) -> dict[str, Any]:
    return {
        "clock": str(deadline.clock),
        "rule_id": deadline.rule_id,
        "summary": deadline.summary,
        "start_event": str(deadline.start_event),
        "started_at": _time(deadline.started_at),
        "due_at": _time(deadline.due_at),
        "amount": deadline.amount,
        "unit": str(deadline.unit),
        "basis": str(deadline.basis),
        "advisory": deadline.advisory,
        "interpretation": deadline.interpretation,
        "governing": deadline.governing,
        "superseded_by": deadline.superseded_by,
        "overdue": explanation.overdue(deadline),
        "citation": _citation(deadline.citation),
    }


def _attendance(item: AttendanceRequirement) -> dict[str, Any]:
    return {
        "rule_id": item.rule_id,
        "requirement": str(item.requirement),
        "roles": [str(r) for r in item.roles],
        "party": None if item.party is None else str(item.party),
        "summary": item.summary,
        "citation": _citation(item.citation),
    }


def _step(step: EscalationStep) -> dict[str, Any]:
    return {
        "rule_id": step.rule_id,
        "roles": [str(r) for r in step.roles],
        "parties": [str(p) for p in step.parties],
        "after_working_days": step.after_working_days,
        "citation": _citation(step.citation),
    }


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """The explanation as plain JSON types; the shape is documented in docs/policy.md."""
    rec = explanation.recommendation
    return {
        "policy": {
            "id": explanation.policy.policy_id,
            "version": explanation.policy.version,
            "digest": explanation.policy.digest,
            "title": explanation.title,
            "lineage": [{"id": i, "version": v} for i, v in explanation.lineage],
        },
        "reference_date": explanation.reference_date.isoformat(),
        "now": None if explanation.now is None else _time(explanation.now),
        "facts": facts_to_dict(explanation.facts),
        "recommendation": {
            "pathway": None if rec.pathway is None else str(rec.pathway),
            "rule_id": rec.rule_id,
            "reasons": list(rec.reasons),
            "citation": None if rec.citation is None else _citation(rec.citation),
        },
        "pathway": None if explanation.pathway is None else str(explanation.pathway),
        "advice": [
            {
                "rule_id": a.rule_id,
                "summary": a.summary,
                "also": None if a.also is None else str(a.also),
                "citation": _citation(a.citation),
            }
            for a in explanation.advice
        ],
        "reasons_asked": [
            {
                "rule_id": r.rule_id,
                "summary": r.summary,
                "question": r.question,
                "citation": _citation(r.citation),
            }
            for r in explanation.reasons_asked
        ],
        "deadlines": [_deadline(explanation, d) for d in explanation.deadlines],
        "awaiting": [
            {
                "clock": str(a.clock),
                "rule_id": a.rule_id,
                "start_event": str(a.start_event),
                "summary": a.summary,
                "citation": _citation(a.citation),
            }
            for a in explanation.awaiting
        ],
        "attendance": [_attendance(a) for a in explanation.attendance],
        "chair_roles": sorted(str(r) for r in explanation.chair_roles),
        "authorise_roles": sorted(str(r) for r in explanation.authorise_roles),
        "sections": {
            str(decision): [
                {
                    "section": str(s.section),
                    "rule_ids": list(s.rule_ids),
                    "citations": [_citation(c) for c in s.citations],
                }
                for s in sections
            ]
            for decision, sections in explanation.sections.items()
        },
        "escalations": {
            str(clock): [_step(s) for s in steps]
            for clock, steps in explanation.escalations.items()
        },
        "rules": [
            {
                "rule_id": r.rule_id,
                "kind": r.kind,
                "summary": r.summary,
                "conditions": list(r.conditions),
                "interpretation": r.interpretation,
                "citation": _citation(r.citation),
            }
            for r in explanation.rules
        ],
        "conventions": explanation.conventions,
    }


def _roles(roles: Iterable[object]) -> str:
    return ", ".join(sorted(str(r) for r in roles)) or "(none)"


def _heading_lines(explanation: Explanation) -> list[str]:
    lineage = ", ".join(f"{i} {v}" for i, v in explanation.lineage)
    lines = [
        f"Policy: {explanation.policy.policy_id} {explanation.policy.version} "
        f"({explanation.title})",
        f"  built from: {lineage}; digest {explanation.policy.digest}",
        f"Received: {_time(explanation.facts.received_at)}; rules in force on "
        f"{explanation.reference_date.isoformat()}",
    ]
    if explanation.now is not None:
        lines.append(f"Now: {_time(explanation.now)}")
    return lines


def _pathway_lines(explanation: Explanation) -> list[str]:
    rec = explanation.recommendation
    lines = ["", f"Pathway recommended: {rec.pathway or '(none)'}  [{rec.rule_id or '-'}]"]
    lines += [f"  cites {rec.citation}"] if rec.citation else []
    lines += [f"  - {reason}" for reason in rec.reasons]
    if explanation.facts.pathway is not None:
        lines.append(f"Pathway chosen by the manager: {explanation.facts.pathway}")
    for advised in explanation.advice:
        also = f" ({advised.also})" if advised.also else ""
        lines.append(f"Also advised{also}: {advised.summary}  [{advised.rule_id}]")
        lines.append(f"  cites {advised.citation}")
    for asked in explanation.reasons_asked:
        lines.append(f"Reason to record before deciding: {asked.question}  [{asked.rule_id}]")
        lines.append(f"  {asked.summary}")
        lines.append(f"  cites {asked.citation}")
    return lines


def _deadline_role(deadline: Deadline, first_due: dict[Any, datetime]) -> str:
    if deadline.governing:
        return "governs"
    if deadline.due_at == first_due[deadline.clock]:
        return f"same deadline as {deadline.superseded_by}"
    return f"superseded by the earlier {deadline.superseded_by}"


def _deadline_lines(explanation: Explanation) -> list[str]:
    lines = ["", "Deadlines:"]
    add = lines.append
    first_due = {d.clock: d.due_at for d in explanation.deadlines if d.governing}
    for d in explanation.deadlines:
        state = {True: " OVERDUE", False: "", None: ""}[explanation.overdue(d)]
        role = _deadline_role(d, first_due)
        advisory = ", wherever possible" if d.advisory else ""
        add(f"  {d.clock}: due {_time(d.due_at)}{state}  [{d.rule_id}] ({role}{advisory})")
        add(
            f"    {d.amount} {d.unit} from {d.start_event} at {_time(d.started_at)}; "
            f"basis {d.basis}"
        )
        add(f"    {d.summary}")
        lines += [f"    reading: {d.interpretation}"] if d.interpretation else []
        add(f"    cites {d.citation}")
    if not explanation.deadlines:
        add("  (none)")
    for a in explanation.awaiting:
        add(f"  {a.clock}: starts when {a.start_event} happens  [{a.rule_id}]  cites {a.citation}")
    return lines


def _people_lines(explanation: Explanation) -> list[str]:
    lines = ["", "Attendance:"]
    add = lines.append
    for item in explanation.attendance:
        who = _roles(item.roles) if item.roles else str(item.party)
        add(f"  {item.requirement}: {who}  [{item.rule_id}]  cites {item.citation}")
    add(f"Chair: any of {_roles(explanation.chair_roles)}")
    add(f"Authorise S47 and record: any of {_roles(explanation.authorise_roles)}")
    add("")
    add("Record sections needed before authorising, by decision:")
    for decision, sections in explanation.sections.items():
        add(f"  {decision}: {', '.join(str(s.section) for s in sections) or '(none)'}")
    add("")
    add("Escalation when a clock breaches:")
    for clock, steps in explanation.escalations.items():
        chain = " then ".join(
            f"{_roles([*s.roles, *s.parties])} (after {s.after_working_days} WD)" for s in steps
        )
        add(f"  {clock}: {chain or '(no escalation rule)'}")
    return lines


def _rule_lines(explanation: Explanation) -> list[str]:
    lines = ["", "Rules applied:"]
    for r in explanation.rules:
        when = "; ".join(r.conditions) or "always"
        lines.append(f"  [{r.rule_id}] {r.kind}: {r.summary}")
        lines.append(f"    when {when}; cites {r.citation}")
        lines += [f"    reading: {r.interpretation}"] if r.interpretation else []
    return lines


def render_text(explanation: Explanation) -> str:
    """The explanation for a person at a terminal: every answer followed by its source."""
    parts = (_heading_lines, _pathway_lines, _deadline_lines, _people_lines, _rule_lines)
    lines = [line for part in parts for line in part(explanation)]
    return "\n".join(lines) + "\n"
