"""Sending a distributed version's messages once the distribution has committed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from convene.audit.services import audit_sent
from convene.notify.email import Attachment, send_email
from convene.records.models import DistributionLog
from convene.records.notices import outcome_message, pdf_filename, record_message


@task()
def send_delivery(*, log_id: int) -> str:
    """Send one queued message and record the outcome; a message is never sent twice."""
    log = (
        DistributionLog.objects.select_related("version__record__discussion")
        .filter(pk=log_id, outcome=DistributionLog.Outcome.QUEUED)
        .first()
    )
    if log is None:
        return "not queued"
    version = log.version
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
