"""Authorising a version of the record: checks, the frozen version, the follow-on clocks."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.core.errors import Conflict, NotAllowed
from convene.people.models import Professional
from convene.policy.vocab import RecordSection
from convene.records import attendance_exceptions, sections, snapshot
from convene.records.authorise_checks import record_check
from convene.records.awaiting import store_awaiting
from convene.records.errors import RecordIncomplete
from convene.records.models import (
    Attendance,
    Confirmation,
    Record,
    RecordVersion,
)
from convene.records.models import (
    ProfessionalView as ViewRow,
)
from convene.records.on_authorise import run_authorised_hooks
from convene.records.pdf import render_pdf
from convene.records.per_child import children_facts
from convene.records.policy import (
    discussion_facts,
    discussion_pack,
    may_authorise,
    shown_parts,
)
from convene.records.services._common import (
    State,
    _audit,
    _aware,
    _contents,
    _event,
    _invitees,
    _lock,
    _move,
)
from convene.records.services.follow_on import _hrpm_item, _sync_actions, _sync_follow_on
from convene.records.tally import tally_authorised


@transaction.atomic
def record_authorise(
    *, record: Record, by: Professional, now: datetime, context: AuditContext | None = None
) -> RecordVersion:
    """Freeze a numbered version with its PDF and start the clocks its decision sets.

    Refused unless ``by`` may authorise (R001.5), every section the policy
    requires for the decision is complete and the safety rules hold (the minimum
    attendance or an exception, R002.4; each attendee's view, R003.6; why by phone,
    R002.3: ``authorise_checks.record_check``), listing exactly what is missing. The
    apps above start what the decision sets going (``on_authorise``: the S47 enquiries).
    """
    _aware(now, "now")
    record = _lock(record)
    discussion = record.discussion
    if not record.draft_open:
        raise Conflict("This version is already authorised: start a correction to change it")
    if not may_authorise(by, discussion):
        raise NotAllowed(
            "Only a children's social care manager the procedure allows can authorise the record"
        )
    if record.latest_number == 0 and discussion.state not in {State.HELD, State.RECORDED}:
        raise Conflict(f"This discussion is {discussion.get_state_display().lower()}")
    pack = discussion_pack(discussion)
    facts = discussion_facts(discussion)
    contents = _contents(record)
    check = record_check(record, pack, facts, contents, per_child=children_facts(discussion))
    if not check.ready or check.decision is None:
        raise RecordIncomplete(check.missing)
    decision = check.decision
    decided = discussion_facts(discussion, decision=decision)
    previous = record.versions.order_by("-number").first()
    number = record.latest_number + 1
    started = frozenset(s for s, c in contents.items() if sections.is_started(s, c))
    shown = shown_parts(decided, decision, frozenset(r.section for r in check.required), started)
    frozen = snapshot.build(
        number=number,
        discussion=discussion,
        held_at=record.held_at,
        pack=pack,
        decision=decision,
        required=check.required,
        shown=shown,
        contents=contents,
        authorised_by=by,
        authorised_at=now,
        supersedes=previous.number if previous else None,
        correction_note=record.correction_note,
        attendance_exceptions=attendance_exceptions.frozen(record, pack, facts, contents),
    )
    pdf = render_pdf(frozen)
    version = RecordVersion.objects.create(
        record=record,
        number=number,
        snapshot=frozen,
        content_sha256=snapshot.digest(frozen),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        decision=decision.value,
        authorised_by=by,
        authorised_at=now,
        supersedes=previous,
        correction_note=record.correction_note,
    )
    invitees = _invitees(discussion)
    attendance = sections.attendance_in(contents)
    Attendance.objects.bulk_create(
        [
            Attendance(
                version=version,
                professional=invitees[row.professional_id],
                agency=invitees[row.professional_id].agency,
                name=row.name,
                role=row.role,
                status=row.status.value if row.status else "absent",
            )
            for row in attendance.rows
            if row.professional_id in invitees
        ]
    )
    tally_authorised(version, previous=previous)  # the reports' month counts (issue 13)
    views = sections.ProfessionalViewsContent.model_validate(
        contents.get(RecordSection.PROFESSIONAL_VIEWS) or {}
    )
    ViewRow.objects.bulk_create(
        [
            ViewRow(
                version=version,
                professional=invitees[v.professional_id],
                view=v.view.value,
                comment=v.comment,
                not_for_family=v.not_for_family,
            )
            for v in views.views
            if v.view is not None and v.professional_id in invitees
        ]
    )
    actions = list((contents.get(RecordSection.ACTIONS) or {}).get("actions", []))
    hrpm = _hrpm_item(record, contents, decided)
    if hrpm is not None:
        actions.append(hrpm)
    _sync_actions(
        record=record, version=version, items=actions, pack=pack, facts=decided, by=by, now=now
    )
    reconvene_on = sections.DecisionContent.model_validate(
        contents.get(RecordSection.DECISION) or {}
    ).reconvene_on
    _sync_follow_on(
        record=record,
        version=version,
        decision=decision,
        reconvene_on=reconvene_on,
        pack=pack,
        facts=decided,
        by=by,
        now=now,
    )
    if previous is not None:
        for confirmation in Confirmation.objects.select_for_update().filter(
            version__record=record, response=Confirmation.Response.CORRECTION, resolution=""
        ):
            confirmation.resolution = Confirmation.Resolution.CORRECTED
            confirmation.resolution_note = (
                f"Corrected in version {number}: {record.correction_note}"
            )
            confirmation.resolved_by = by
            confirmation.resolved_at = now
            confirmation.save()
    from_state = discussion.state
    if from_state == State.HELD:
        _event(
            record,
            action="submitted",
            from_state=State.HELD,
            to_state=State.RECORDED,
            by=by,
            at=now,
        )
        from_state = State.RECORDED
    record.draft_open = False
    record.latest_number = number
    record.correction_note = ""
    record.modified_by = by
    record.save(
        update_fields=[
            "draft_open",
            "latest_number",
            "correction_note",
            "modified_by",
            "modified_at",
        ]
    )
    store_awaiting(Q(version__record=record))  # the earlier versions are no longer asked
    _move(
        record,
        discussion,
        action="authorised",
        from_state=from_state,
        to_state=State.AUTHORISED,
        by=by,
        at=now,
        version_number=number,
        note=version.correction_note,
    )
    _audit(
        record,
        obj=version,
        action=AuditAction.CREATE,
        summary=f"Authorised version {number}: {sections.DECISION_LABELS[decision]}",
        by=by,
        context=context,
    )
    # What the decision starts in the apps above (the S47 enquiries, issue 18), in this
    # transaction: a refusal there refuses the authorisation.
    run_authorised_hooks(version=version, by=by, now=now)
    return version
