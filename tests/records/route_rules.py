"""Record pages: social care of the partnership reads the draft and every version; the chair
(or a manager the policy lets chair: a team manager or deputy under Riverside's procedures, so
bob but not hana) changes it; invited partners read only the versions distributed to them.

In the world: ``draft_record`` is held with its draft open (carol and erin invited) and an
action for the police; ``distributed_record`` had version 1 distributed to carol and erin,
erin asked for a correction, and version 2 is authorised but not sent. Partners are told
nothing exists (404) wherever the draft or an unsent version would show.
"""

from typing import Any

from tests.access_matrix import (
    CASELOAD,
    FORBIDDEN,
    NOT_FOUND,
    Case,
    Kwargs,
    Outcome,
    each,
    expect,
    only,
    redirect,
)

BAD_REQUEST = Outcome(400)
INVITED = ("carol", "erin")
NOT_CHAIRS = ("alice", "tom", "hana", "ivy", "admin")  # caseload who may not chair here


def _draft(**more: Any) -> Kwargs:
    """URL arguments for a page of the held record with its draft open."""
    return lambda w: {"pk": w.draft_record.discussion_id, **more}


def _sent(**more: Any) -> Kwargs:
    """URL arguments for a page of the distributed record."""
    return lambda w: {"pk": w.distributed_record.discussion_id, **more}


def _referrer_notice(world: Any) -> int:
    from convene.records.models import DistributionLog

    return DistributionLog.objects.get(
        version__record=world.distributed_record,
        version__number=1,
        kind="outcome",
        professional__isnull=True,
    ).pk


# The chair edits the open draft; other social care may not (403); nobody else knows it.
EDIT_DRAFT = only(each(("bob",)) | each(NOT_CHAIRS, FORBIDDEN))
# An authorised record needs a correction first: a 403 for everyone in social care.
EDIT_CLOSED = only(each(CASELOAD, FORBIDDEN))
SOCIAL_CARE = only(CASELOAD)
WITH_INVITED = only((*CASELOAD, *INVITED))

ROUTES = {
    "records:hold": [
        # Invited partners know the discussion: they are told why not (403), not "no such".
        Case(
            only(each(("bob",)) | each((*NOT_CHAIRS, *INVITED), FORBIDDEN)),
            label="scheduled",
            kwargs=lambda w: {"pk": w.discussion.pk},
        ),
        # Held already: the page goes on to the record, which decides for itself.
        Case(
            only(each((*CASELOAD, *INVITED), redirect("/discussions/*"))),
            label="held",
            kwargs=_draft(),
        ),
        Case(
            only({"hana": FORBIDDEN, "tom": FORBIDDEN, "lee": FORBIDDEN, "carol": FORBIDDEN}),
            label="restricted, chair dina",
            kwargs=lambda w: {"pk": w.restricted_discussion.pk},
        ),
        # nick works Northvale's caseload but may not chair; carol is invited, so knows it.
        Case(
            only({"nick": FORBIDDEN, "carol": FORBIDDEN}),
            label="another partnership's",
            kwargs=lambda w: {"pk": w.neighbour_discussion.pk},
        ),
    ],
    "records:task-list": [
        Case(SOCIAL_CARE, label="draft", kwargs=_draft()),
        Case(
            only(each(CASELOAD) | each(INVITED, redirect("/discussions/*"))),
            label="distributed",
            kwargs=_sent(),
        ),
    ],
    "records:part": [
        Case(EDIT_DRAFT, label="draft", kwargs=_draft(slug="introduction")),
        Case(EDIT_CLOSED, label="authorised", kwargs=_sent(slug="introduction")),
        Case(
            only(each(("bob",), NOT_FOUND) | each(NOT_CHAIRS, FORBIDDEN)),
            label="no such part",
            kwargs=_draft(slug="nope"),
        ),
    ],
    "records:action-add": [
        Case(EDIT_DRAFT, label="draft", kwargs=_draft()),
        Case(EDIT_CLOSED, label="authorised", kwargs=_sent()),
    ],
    "records:action": [
        Case(
            EDIT_DRAFT,
            label="the police's action in the draft",
            kwargs=lambda w: {"pk": w.draft_record.discussion_id, "key": w.draft_action_key},
        ),
        Case(
            only(each(("bob",), NOT_FOUND) | each(NOT_CHAIRS, FORBIDDEN)),
            label="no such action",
            kwargs=_draft(key="0000dead"),
        ),
    ],
    "records:action-remove": [
        Case(
            EDIT_DRAFT,
            label="the police's action in the draft",
            kwargs=lambda w: {"pk": w.draft_record.discussion_id, "key": w.draft_action_key},
        ),
    ],
    "records:check": [
        Case(SOCIAL_CARE, label="draft", kwargs=_draft()),
        Case(SOCIAL_CARE, label="authorised", kwargs=_sent()),
        # Authorising an incomplete draft: refused with what is missing (bob), or for the role.
        Case(
            only(each(("bob",), BAD_REQUEST) | each(NOT_CHAIRS, FORBIDDEN)),
            label="authorise",
            method="post",
            kwargs=_draft(),
            data=lambda w: {"action": "authorise"},
        ),
    ],
    # R002.4: the manager who may authorise records why a minimum party did not attend.
    "records:attendance-exception": [
        Case(EDIT_DRAFT, label="draft", kwargs=_draft()),
        Case(EDIT_CLOSED, label="authorised", kwargs=_sent()),
        Case(
            only(each(("bob",), BAD_REQUEST) | each(NOT_CHAIRS, FORBIDDEN)),
            label="no reason",
            method="post",
            kwargs=_draft(),
            data=lambda w: {"party": "health", "reason": ""},
        ),
    ],
    "records:versions": [
        Case(SOCIAL_CARE, label="draft, no version yet", kwargs=_draft()),
        Case(WITH_INVITED, label="distributed", kwargs=_sent()),
    ],
    "records:version": [
        Case(WITH_INVITED, label="version 1, distributed", kwargs=_sent(number=1)),
        Case(SOCIAL_CARE, label="version 2, authorised not sent", kwargs=_sent(number=2)),
        Case(expect(NOT_FOUND), label="no such version", kwargs=_draft(number=1)),
    ],
    "records:version-pdf": [
        Case(WITH_INVITED, label="version 1, distributed", kwargs=_sent(number=1)),
        Case(SOCIAL_CARE, label="version 2, authorised not sent", kwargs=_sent(number=2)),
    ],
    "records:family-summary": [
        Case(SOCIAL_CARE, label="authorised", kwargs=_sent()),
        Case(expect(NOT_FOUND), label="draft, nothing authorised", kwargs=_draft()),
    ],
    "records:distribute": [
        # The page shows who it went to, for social care; only the chair sends.
        Case(SOCIAL_CARE, label="version 2 to send", kwargs=_sent()),
        Case(
            only(each(CASELOAD, redirect("/discussions/*"))),
            label="draft, nothing to send",
            kwargs=_draft(),
        ),
        Case(
            only(each(("bob",), redirect("/discussions/*")) | each(NOT_CHAIRS, FORBIDDEN)),
            label="send",
            method="post",
            kwargs=_sent(),
        ),
    ],
    "records:confirm": [
        # Everyone who may read version 1 sees it; only those who attended get the form.
        Case(WITH_INVITED, label="distributed", kwargs=_sent()),
        Case(expect(NOT_FOUND), label="draft, nothing distributed", kwargs=_draft()),
    ],
    "records:confirmations": [
        Case(SOCIAL_CARE, label="distributed", kwargs=_sent()),
        Case(SOCIAL_CARE, label="draft", kwargs=_draft()),
    ],
    "records:resolve": [
        Case(
            only(each(("bob",)) | each((*NOT_CHAIRS, *INVITED), FORBIDDEN)),
            label="erin's correction request",
            kwargs=lambda w: {
                "pk": w.distributed_record.discussion_id,
                "confirmation_pk": w.correction.pk,
            },
        ),
        Case(
            expect(NOT_FOUND),
            label="another record's confirmation",
            kwargs=lambda w: {
                "pk": w.draft_record.discussion_id,
                "confirmation_pk": w.correction.pk,
            },
        ),
    ],
    "records:told": [
        # The chair records how the referrer was told the outcome (R002.9); invited partners,
        # who know the record, are told why not (403).
        Case(
            only(each(("bob",)) | each((*NOT_CHAIRS, *INVITED), FORBIDDEN)),
            label="the referrer's outcome notice",
            kwargs=lambda w: {
                "pk": w.distributed_record.discussion_id,
                "log_pk": _referrer_notice(w),
            },
        ),
        Case(
            expect(NOT_FOUND),
            label="another record's notice",
            kwargs=lambda w: {"pk": w.draft_record.discussion_id, "log_pk": _referrer_notice(w)},
        ),
    ],
    "records:correct": [
        Case(
            only(each(("bob",)) | each(NOT_CHAIRS, FORBIDDEN)),
            label="authorised",
            kwargs=_sent(),
        ),
    ],
}
