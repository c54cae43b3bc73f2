"""Sending a distributed version's messages once the distribution has committed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from convene.audit.services import audit_sent
from convene.core.access import AccessAction, can
from convene.notify.email import Attachment, send_email
from convene.records.models import DistributionLog
from convene.records.notices import outcome_message, pdf_filename, record_message


def _may_receive(log: DistributionLog) -> bool:
    """An email carries what it is about: a professional gets it only if the pages would show
    it to them now (the record's version; for an outcome notice, the discussion), so a closed
    account or a lost invitation stops it. The referrer, addressed by email rather than as an
    account, gets the outcome notice only (family-safe when outside the partnership, R003.5)."""
    if log.professional is None:
        return log.kind == DistributionLog.Kind.OUTCOME
    if log.kind == DistributionLog.Kind.RECORD:
        return can(user=log.professional, action=AccessAction.VIEW, obj=log.version)
    return can(user=log.professional, action=AccessAction.VIEW, obj=log.version.record.discussion)


@task()
def send_delivery(*, log_id: int) -> str:
    """Send one queued message and record the outcome; a message is never sent twice."""
    log = (
        DistributionLog.objects.select_related("version__record__discussion", "professional")
        .filter(pk=log_id, outcome=DistributionLog.Outcome.QUEUED)
        .first()
    )
    if log is None:
        return "not queued"
    version = log.version
    if not _may_receive(log):
        DistributionLog.objects.filter(pk=log.pk, outcome=DistributionLog.Outcome.QUEUED).update(
            outcome=DistributionLog.Outcome.NOT_ALLOWED
        )
        return "not allowed"
    snapshot = version.snapshot
    attachments: list[Attachment] = []
    if log.kind == DistributionLog.Kind.RECORD:
        message = record_message(
            snapshot, discussion_id=version.record.discussion_id, name=log.recipient
        )
        attachments.append(
            Attachment(
                filename=pdf_filename(snapshot),
                content=version.pdf_bytes,
                mimetype="application/pdf",
            )
        )
    else:
        message = outcome_message(snapshot, name=log.recipient, family_safe=log.family_safe)
    try:
        send_email(
            to=log.email, subject=message.subject, body=message.body, attachments=attachments
        )
    except Exception as error:
        DistributionLog.objects.filter(pk=log.pk).update(
            outcome=DistributionLog.Outcome.FAILED, detail=str(error)[:300]
        )
        return "failed"
    with transaction.atomic():
        sent = DistributionLog.objects.filter(
            pk=log.pk, outcome=DistributionLog.Outcome.QUEUED
        ).update(outcome=DistributionLog.Outcome.SENT, sent_at=timezone.now())
        if sent:
            what = (
                "the record" if log.kind == DistributionLog.Kind.RECORD else "the outcome"
            ) + f" (version {version.number}, {version.record.discussion.reference})"
            audit_sent(
                obj=version,
                children=version.record.discussion.children.all(),
                what=what,
                to_name=log.recipient,
                to_email=log.email,
            )
    return "sent"
