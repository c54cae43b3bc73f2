"""Completing an agency check: only the agency's own invitees, every submission kept."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.agencychecks import tally
from convene.agencychecks.convening import check_clock_meet
from convene.agencychecks.late import late_check_tell_chair
from convene.agencychecks.models import AgencyCheck, AgencyCheckVersion
from convene.agencychecks.selectors import completion_refusal
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.errors import Invalid, require_aware
from convene.discussions.models import Discussion
from convene.people.models import Professional
from convene.records.models import Record


def _check_submitter(discussion: Discussion, by: Professional) -> None:
    refusal = completion_refusal(user=by, discussion=discussion)
    if refusal is not None:
        raise refusal


def _check_content(content: dict[str, str]) -> None:
    if not content.get("known"):
        raise Invalid("Select whether the child is known to your agency", field="known")
    if content.get("not_for_family") and not content.get("not_for_family_reason"):
        raise Invalid(
            "Say why it must not be shared with the family", field="not_for_family_reason"
        )


@transaction.atomic
def agency_check_submit(
    *,
    discussion: Discussion,
    content: dict[str, str],
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> AgencyCheckVersion:
    """Submit ``by``'s agency's check; a second submission is a new version, the first kept."""
    require_aware(now, "now")
    _check_submitter(discussion, by)
    _check_content(content)
    check, _ = AgencyCheck.objects.get_or_create(
        discussion=discussion, agency_id=by.agency_id, defaults={"created_by": by}
    )
    check = AgencyCheck.objects.select_for_update().get(pk=check.pk)
    check.version += 1
    check.submitted_at = now
    check.modified_by = by
    check.save(update_fields=["version", "submitted_at", "modified_by", "modified_at"])
    # Due by the start: sent at the start itself is on time, as the reports count it.
    late = discussion.starts_at is not None and now > discussion.starts_at
    # Sent by the start of a discussion already held: the reports' tallies move (issue 13).
    held = not late and Record.objects.filter(discussion=discussion).exists()
    counted = Discussion.objects.filter(pk=discussion.pk)
    before = tally.before_change(counted) if held else None
    version = AgencyCheckVersion.objects.create(
        check_row=check,
        number=check.version,
        content=content,
        submitted_by=by,
        submitted_at=now,
        late=late,
    )
    if before is not None:
        tally.after_change(counted, before)
    check_clock_meet(check, at=now, by=by)
    if late:  # the chair is told, and asked whether it changes the plan (R004.5)
        late_check_tell_chair(check=check, version=version, discussion=discussion, now=now)
    what = "Submitted" if check.version == 1 else f"Updated (version {check.version})"
    audit_record_children(
        actor=by,
        action=Action.CREATE if check.version == 1 else Action.CHANGE,
        summary=f"{what} the agency check for {discussion.reference}"
        + (" after it started" if late else ""),
        obj=check,
        children=discussion.children.all(),
        context=context,
    )
    return version
