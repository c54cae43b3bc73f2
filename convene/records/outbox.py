"""A distribution's emails (the record with its PDF, the outcome notices), through the one outbox.

:func:`distribution_decide` runs in the distribution's transaction: each queued
:class:`DistributionLog` gets one email delivery, its message composed from the
version's frozen snapshot and its PDF named (not copied: the version stores it,
so every attempt attaches the same bytes). The worker sends it with retries; the
hooks below keep the log in step (sent, failed, not allowed), audit what left,
and settle the "outcome notified" clock once everyone has been told
(convene.records.told, R002.9).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from convene.audit.services import audit_sent
from convene.core.access import AccessAction, can
from convene.records.models import DistributionLog, RecordVersion
from convene.records.notices import outcome_message, pdf_filename, record_message
from convene.records.told import outcome_clock_settle
from convene.reminders.models import Delivery
from convene.reminders.outbox import (
    EmailKind,
    attachment_rebuilt,
    email_decide,
    email_kind_register,
    loader_register,
)

__all__ = ["distribution_decide", "register"]

PREFIX = "distribution"
PDF_LOADER = "records.version_pdf"


def _may_receive(log: DistributionLog) -> bool:
    """An email carries what it is about: a professional gets it only if the pages would show
    it to them now (the record's version; for an outcome notice, the discussion), so a closed
    account or a lost invitation stops it. The referrer and added agencies, addressed by email
    rather than as an account, get the outcome notice only (family-safe when outside the
    partnership, R003.5)."""
    if log.professional is None:
        return log.kind == DistributionLog.Kind.OUTCOME
    if log.kind == DistributionLog.Kind.RECORD:
        return can(user=log.professional, action=AccessAction.VIEW, obj=log.version)
    return can(user=log.professional, action=AccessAction.VIEW, obj=log.version.record.discussion)


def distribution_decide(
    *, logs: Iterable[DistributionLog], version: RecordVersion, now: datetime
) -> None:
    """Decide the email of each queued log, in the distribution's transaction."""
    discussion = version.record.discussion
    snapshot = version.snapshot
    for log in logs:
        if log.outcome != DistributionLog.Outcome.QUEUED:
            continue
        attachments = []
        if log.kind == DistributionLog.Kind.RECORD:
            message = record_message(snapshot, discussion_id=discussion.pk, name=log.recipient)
            attachments.append(
                attachment_rebuilt(
                    filename=pdf_filename(snapshot),
                    mimetype="application/pdf",
                    loader=PDF_LOADER,
                    ref=version.pk,
                )
            )
        else:
            message = outcome_message(snapshot, name=log.recipient, family_safe=log.family_safe)
        email_decide(
            partnership=discussion.partnership,
            source=log,
            kind=f"{PREFIX}.{log.kind}",
            recipient_key=f"log:{log.pk}",
            recipient=log.professional,
            recipient_agency=log.agency,
            to_address=log.email,
            subject=message.subject,
            body=message.body,
            attachments=attachments,
            now=now,
        )


def _log(delivery: Delivery) -> DistributionLog:
    return DistributionLog.objects.select_related(
        "version__record__discussion", "professional"
    ).get(pk=delivery.source_id)


def _withdraw_reason(delivery: Delivery) -> str:
    log = _log(delivery)
    if log.outcome == DistributionLog.Outcome.TOLD:
        return "They were told another way"
    if not _may_receive(log):
        return "They may no longer see what it carries"
    return ""


def _withdrawn(delivery: Delivery, now: datetime) -> None:
    log = _log(delivery)
    if log.outcome in (DistributionLog.Outcome.QUEUED, DistributionLog.Outcome.FAILED):
        DistributionLog.objects.filter(pk=log.pk).update(
            outcome=DistributionLog.Outcome.NOT_ALLOWED, detail=""
        )


def _sent(delivery: Delivery, now: datetime) -> None:
    log = _log(delivery)
    moved = DistributionLog.objects.filter(
        pk=log.pk,
        outcome__in=[DistributionLog.Outcome.QUEUED, DistributionLog.Outcome.FAILED],
    ).update(outcome=DistributionLog.Outcome.SENT, sent_at=now, detail="")
    if not moved:
        return
    version = log.version
    discussion = version.record.discussion
    what = "the record" if log.kind == DistributionLog.Kind.RECORD else "the outcome"
    audit_sent(
        obj=version,
        children=discussion.children.all(),
        what=f"{what} (version {version.number}, {discussion.reference})",
        to_name=log.recipient,
        to_email=log.email,
    )
    if log.kind == DistributionLog.Kind.OUTCOME:
        outcome_clock_settle(discussion=discussion, by=None)


def _failed(delivery: Delivery, now: datetime) -> None:
    DistributionLog.objects.filter(
        pk=delivery.source_id, outcome=DistributionLog.Outcome.QUEUED
    ).update(outcome=DistributionLog.Outcome.FAILED, detail=delivery.last_error[:300])


def _pdf(version_id: int) -> bytes:
    return RecordVersion.objects.get(pk=version_id).pdf_bytes


def register() -> None:
    loader_register(PDF_LOADER, _pdf)
    email_kind_register(
        PREFIX,
        EmailKind(
            on_sent=_sent,
            withdraw_reason=_withdraw_reason,
            on_failed=_failed,
            on_withdrawn=_withdrawn,
            description="A distributed record or outcome notice",
        ),
    )
