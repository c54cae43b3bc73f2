"""Who has submitted, and what each agency said, for a discussion: two queries, any size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.urls import reverse

from convene.agencychecks.models import AgencyCheck, AgencyCheckVersion
from convene.agencychecks.questions import answered
from convene.clocks.models import Clock
from convene.core.access import among
from convene.core.dates import govuk_datetime
from convene.core.errors import Conflict, NotAllowed, ServiceError
from convene.core.selector_memo import remembered_per_person
from convene.discussions.models import Discussion, Invitation
from convene.discussions.selectors import discussions_visible_to
from convene.people.models import Agency, Professional
from convene.people.vocab import AgencyKind
from convene.policy.vocab import ClockKind
from convene.records.history_sources import HistoryEntry


@dataclass(frozen=True)
class AgencyColumn:
    agency: Agency
    latest: AgencyCheckVersion | None  # None: not received
    # The check's clock (the newest: a moved meeting waives the old one), if it has one.
    clock: Clock | None = None
    # Sent, but held back from this reader until the meeting starts (``holding``).
    held: bool = False
    # The versions before ``latest``, newest first: the agency's own earlier words stay
    # readable after an update (never a held one's).
    earlier: tuple[AgencyCheckVersion, ...] = ()

    @property
    def received(self) -> bool:
        return self.latest is not None

    def overdue(self, now: datetime) -> bool:
        """Not received and past its due time: shown late on the board."""
        return (
            self.latest is None
            and not self.held
            and self.clock is not None
            and now > self.clock.due_at
        )


@remembered_per_person
def agency_checks_visible_to(*, user: Professional) -> QuerySet[AgencyCheck]:
    """The checks of the discussions ``user`` may see: whoever may see a discussion reads what
    its agencies sent for it (a restricted referral's only those named on it and invited)."""
    return AgencyCheck.objects.filter(among(discussions_visible_to(user=user), "discussion"))


def expected_agencies(*, discussion: Discussion) -> list[Agency]:
    """The agencies invited, social care aside (its information is the record's own)."""
    invited = Invitation.objects.filter(discussion=discussion).values("professional__agency")
    return list(
        Agency.objects.filter(pk__in=invited).exclude(kind=AgencyKind.SOCIAL_CARE).order_by("name")
    )


def checks_board(*, discussion: Discussion, only_agency: int | None = None) -> list[AgencyColumn]:
    """Each invited agency with its newest submission, or "not received"; with
    ``only_agency`` (checks held back until the start), the others' are held.

    The caller has already found ``discussion`` through ``discussions_visible_to``: whoever
    may see the discussion sees what its agencies shared for it.
    """
    # Every version in one read, newest first: each agency's first is its latest.
    versions: dict[int, list[AgencyCheckVersion]] = {}
    for version in (
        AgencyCheckVersion.objects.filter(
            check_row__discussion=discussion, number__lte=F("check_row__version")
        )
        .select_related("check_row", "submitted_by")
        .order_by("-number")
    ):
        versions.setdefault(version.check_row.agency_id, []).append(version)
    clocks = {
        clock.agency_id: clock
        for clock in Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(AgencyCheck),
            subject_id__in=AgencyCheck.objects.filter(discussion=discussion).values("pk"),
            kind=ClockKind.AGENCY_CHECK,
        )
        .annotate(
            agency_id=Subquery(
                AgencyCheck.objects.filter(pk=OuterRef("subject_id")).values("agency")[:1]
            )
        )
        .order_by("started_at", "pk")
    }
    held = {
        agency_id for agency_id in versions if only_agency is not None and agency_id != only_agency
    }
    shown = {agency_id: found for agency_id, found in versions.items() if agency_id not in held}
    return [
        AgencyColumn(
            agency=agency,
            latest=shown[agency.pk][0] if agency.pk in shown else None,
            clock=clocks.get(agency.pk),
            held=agency.pk in held,
            earlier=tuple(shown.get(agency.pk, [])[1:]),
        )
        for agency in expected_agencies(discussion=discussion)
    ]


def agency_invitees(*, check: AgencyCheck) -> QuerySet[Professional]:
    """The check's agency's people invited to its discussion: who answers for sending it."""
    return Professional.objects.filter(
        is_active=True,
        agency=check.agency_id,
        pk__in=Invitation.objects.filter(discussion=check.discussion_id).values("professional"),
    ).order_by("pk")


def agency_invitees_many(*, checks: Sequence[AgencyCheck]) -> dict[int, list[Professional]]:
    """:func:`agency_invitees` of each check (by primary key), in one query for them all."""
    invited = (
        Professional.objects.filter(
            is_active=True,
            agency__in={check.agency_id for check in checks},
            invitations__discussion__in={check.discussion_id for check in checks},
        )
        .annotate(invited_to=F("invitations__discussion"))
        .order_by("pk")
    )
    found: dict[tuple[int, int | None], list[Professional]] = defaultdict(list)
    for person in invited:
        found[(person.invited_to, person.agency_id)].append(person)
    return {
        check.pk: list(found.get((check.discussion_id, check.agency_id), [])) for check in checks
    }


def completion_refusal(*, user: Professional, discussion: Discussion) -> ServiceError | None:
    """Why ``user`` may not complete their agency's check for ``discussion``, or None: the one
    rule the pages, the API, the access layer and ``services.agency_check_submit`` ask."""
    invited = Invitation.objects.filter(discussion=discussion, professional=user.pk).exists()
    if not user.is_active or user.agency is None or not invited:
        return NotAllowed("Only the people invited from an agency complete its check")
    if user.agency.kind == AgencyKind.SOCIAL_CARE:
        return NotAllowed("Social care's own information goes in the record, not an agency check")
    if discussion.state == Discussion.State.CANCELLED:
        return Conflict("This discussion was cancelled, so its agency checks are closed")
    return None


def may_complete(*, user: Professional, discussion: Discussion) -> bool:
    return completion_refusal(user=user, discussion=discussion) is None


def own_latest(*, user: Professional, discussion: Discussion) -> AgencyCheckVersion | None:
    return (
        AgencyCheckVersion.objects.filter(
            check_row__discussion=discussion, check_row__agency=user.agency_id
        )
        .order_by("-number")
        .first()
    )


def checks_to_send(*, user: Professional, now: datetime) -> QuerySet[Invitation]:
    """``user``'s invitations to discussions still to come whose agency has sent no check:
    one query, for "My work"."""
    if user.agency is None or user.agency.kind == AgencyKind.SOCIAL_CARE:
        return Invitation.objects.none()
    sent = AgencyCheck.objects.filter(
        discussion=OuterRef("discussion"), agency=user.agency_id, version__gte=1
    )
    return (
        Invitation.objects.filter(
            professional=user.pk,
            discussion__state=Discussion.State.SCHEDULED,
            discussion__starts_at__gte=now,
        )
        .exclude(Exists(sent))
        .select_related("discussion")
        .order_by("discussion__starts_at", "pk")
    )


@dataclass(frozen=True)
class ExpectedCheck:
    """One invited agency of one discussion, and whether its check came by the start."""

    discussion_id: int
    agency_id: int
    agency_name: str
    agency_kind: str
    on_time: bool


def expected_checks(*, discussions: QuerySet[Discussion]) -> QuerySet[Any]:
    """The invitations to ``discussions`` of a partner agency (social care aside), each
    annotated ``on_time``: its agency sent a check at or before the meeting's start (a check
    due by the start and sent at it is on time, as a clock met at its due time is; an update
    after the start keeps the first on time). For counting in the database (the reports);
    two people of one agency invited are two rows with the same answer."""
    on_time = AgencyCheckVersion.objects.filter(
        check_row__discussion=OuterRef("discussion"),
        check_row__agency=OuterRef("professional__agency"),
        submitted_at__lte=OuterRef("discussion__starts_at"),
    )
    return (
        Invitation.objects.filter(discussion__in=discussions, professional__agency__isnull=False)
        .exclude(professional__agency__kind=AgencyKind.SOCIAL_CARE)
        .annotate(on_time=Exists(on_time))
    )


def checks_on_time(*, discussions: QuerySet[Discussion]) -> list[ExpectedCheck]:
    """Each agency invited to ``discussions`` (social care aside) and whether it sent a check
    by the meeting's start (``expected_checks``), one row per discussion and agency. One
    query, any number of discussions."""
    rows = (
        expected_checks(discussions=discussions)
        .values(
            "discussion_id",
            "professional__agency_id",
            "professional__agency__name",
            "professional__agency__kind",
            "on_time",
        )
        .order_by("discussion_id", "professional__agency__name")
        .distinct()
    )
    return [
        ExpectedCheck(
            discussion_id=row["discussion_id"],
            agency_id=row["professional__agency_id"],
            agency_name=row["professional__agency__name"],
            agency_kind=row["professional__agency__kind"],
            on_time=row["on_time"],
        )
        for row in rows
    ]


def record_contributions(*, discussion: Discussion) -> list[dict[str, str | bool]]:
    """Each agency's newest check as the record's "information shared" item, attributed and
    time-stamped; the chair edits the record, never the agency's own submission."""
    items: list[dict[str, str | bool]] = []
    for column in checks_board(discussion=discussion):
        if column.latest is None:
            continue
        content = column.latest.content
        role = content.get("completed_by_role", "")
        sent = govuk_datetime(column.latest.submitted_at)
        items.append(
            {
                "agency": column.agency.name,
                "shared_by": f"{column.latest.submitted_by}{f' ({role})' if role else ''}, "
                f"agency check sent {sent}"[:200],
                "information": "\n\n".join(
                    f"{question}: {answer}" for question, answer in answered(content)
                ),
                "not_for_family": bool(content.get("not_for_family")),
            }
        )
    return items


def check_versions(*, discussion: Discussion) -> list[AgencyCheckVersion]:
    """Every version every agency sent for ``discussion``, oldest first (one query)."""
    return list(
        AgencyCheckVersion.objects.filter(check_row__discussion=discussion)
        .select_related("check_row__agency", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def check_history(*, discussion: Discussion) -> list[HistoryEntry]:
    """Each check sent, and each update, listed with the record's versions (issue 16)."""
    board = reverse("agencychecks:board", args=[discussion.pk])
    entries = []
    for version in check_versions(discussion=discussion):
        sent = "sent" if version.number == 1 else f"updated (version {version.number})"
        late = ", after the meeting started" if version.late else ""
        what = f"{version.check_row.agency.name}: agency check {sent} by {version.submitted_by}"
        entries.append(HistoryEntry(at=version.submitted_at, what=what + late, link=board))
    return entries
