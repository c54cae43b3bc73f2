"""The synthetic-partnership generator (bench/generate.py) at N=50, so it cannot silently rot.

It copies template cases through the models' metadata: a field added to a
model, or a service that changes what it writes, shows up here as a failed
copy, a broken audit chain or a page that no longer renders.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from bench.partnership.run import generate_partnership
from convene.audit.models import AuditEntry
from convene.audit.selectors import audit_chain_verify
from convene.clocks.models import Clock, ClockTally, Escalation
from convene.discussions.models import Discussion, Invitation
from convene.followup.hrpm.models import Hrpm
from convene.people.models import Professional
from convene.referrals.models import Referral
from tests.allocation.test_holders import _from_history, _stored

pytestmark = pytest.mark.django_db(transaction=True)

# bench/ is not part of the app: the lead runs it, and this test keeps it working.


def _generate():
    # Two writer processes on PostgreSQL (SQLite writes in-process, one writer).
    return generate_partnership(discussions=50, seed=7, children=300, log=lambda _: None, writers=2)


def _table_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def test_generator_makes_a_partnership_every_page_renders_on(client, monkeypatch):
    """One run (templates through the services take most of the time), every check on it.

    Chunks of 4 cases, so on PostgreSQL both writer processes write rows (writer 0 also
    every audit entry) and the result must still be one valid partnership."""
    monkeypatch.setattr("bench.partnership.run.CHUNK_CASES", 4)
    report = _generate()
    _check_counts(report)
    _check_audit_chain(report)
    _check_old_cases_lean(report)
    _check_old_cases_light(report)
    _check_old_cases_closed(report)
    _check_old_referral_page(client, report)
    _check_copied_values()
    _check_action_partnerships()
    _check_case_keys(report)
    _check_stored_deadlines()
    _check_stored_holders()
    for username in ("bob", "carol", "ivy"):
        _check_pages(client, username)


def _check_stored_holders():
    """Each copied case holds whom its copied allocations say (``allocation.holders``): the
    templates' ``held_by`` is copied with the same people as their allocations."""
    stored = _stored()
    assert stored == _from_history()
    assert any(holder for held in stored.values() for holder in held.values())


def _check_counts(report):
    assert report.discussions >= 50
    copied = report.rows
    # Every copied table holds at least what the report says it copied (plus the templates).
    for table, rows in copied.items():
        assert _table_count(table) >= rows, table
    assert copied["discussions_discussion"] == report.discussions
    assert copied["referrals_referral"] == report.cases
    for table in (
        "discussions_invitation",
        "records_record",
        "records_recordversion",
        "records_recordsectionentry",
        "clocks_clock",
        "clocks_escalation",
        "reminders_delivery",
        "audit_auditentry",
    ):
        assert copied.get(table, 0) > 0, table
    # Referrals in every state, clocks met, breached and open.
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "awaiting_triage",
        "triaged",
        "convening",
        "closed",
    }
    assert {"met", "breached", "pending"} <= set(Clock.objects.values_list("state", flat=True))
    # The copies went round the services: the reports' tallies were recounted (issue 13).
    assert ClockTally.objects.aggregate(n=Sum("started"))["n"] == Clock.objects.count()
    # Nothing is due at once: no running clock is due, or to be reminded (48 hours before), yet.
    soon = timezone.now() + timedelta(days=2)
    assert not Clock.objects.filter(state="pending", due_at__lt=soon).exists()


def _check_audit_chain(report):
    verification = audit_chain_verify()
    assert verification.intact, verification.problem
    assert verification.entries >= report.rows["audit_auditentry"]


def _check_pages(client, username):
    person = Professional.objects.get(username=username)
    client.force_login(person)
    # "My work" is social care's page; partners and the auditor get a 403 there by design.
    mine = ("/my-work/",) if username == "bob" else ()
    for path in ("/", *mine, "/invitations/", "/escalations/", "/notifications/"):
        response = client.get(path)
        assert response.status_code == 200, (username, path)
    invited = Invitation.objects.filter(professional=person).order_by("-pk").first()
    chaired = Discussion.objects.filter(chair=person).order_by("-pk").first()
    for discussion in filter(None, [invited and invited.discussion, chaired]):
        response = client.get(f"/discussions/{discussion.pk}/")
        assert response.status_code == 200, (username, discussion.pk)


def _check_old_cases_lean(report):
    """Old copies leave out what no page reads; cases still open keep all of it."""
    from convene.records.models import SectionHistory
    from convene.reminders.models import Delivery

    old = timezone.now() - timedelta(days=60)  # open copies began under 45 days ago
    first = report.first_ids
    history = SectionHistory.objects.filter(pk__gte=first["records_sectionhistory"])
    assert history.exists()
    assert not history.filter(changed_at__lt=old).exists()
    clock_kinds = ("overdue", "escalation_raised")
    emails = Delivery.objects.filter(kind__in=clock_kinds, channel="email")
    assert emails.filter(pk__lt=first["reminders_delivery"]).exists()  # the templates have them
    copied = Delivery.objects.filter(pk__gte=first["reminders_delivery"], kind__in=clock_kinds)
    assert copied.filter(channel="in_app", decided_at__lt=old).exists()
    assert not copied.filter(channel="email", decided_at__lt=old).exists()
    emailed = AuditEntry.objects.filter(
        action="export", summary__startswith="Emailed ", object_type="clocks.clock"
    )
    assert emailed.filter(pk__lt=first["audit_auditentry"]).exists()
    entries = AuditEntry.objects.filter(pk__gte=first["audit_auditentry"], at__lt=old)
    assert entries.filter(action="change").exists()
    assert not entries.filter(
        action="export",
        summary__startswith="Emailed ",
        object_type__in=("clocks.clock", "clocks.escalation"),
    ).exists()
    # An old case's record keeps its authorisation and confirmations, not each section save.
    saves = {"action": "change", "object_type": "records.record", "summary__startswith": "Saved ‘"}
    assert AuditEntry.objects.filter(pk__lt=first["audit_auditentry"], **saves).exists()
    assert entries.filter(object_type="records.recordversion").exists()
    assert not entries.filter(**saves).exists()


def _check_old_cases_light(report):
    """Old copies carry the placeholder PDF, a short explanation and short email bodies;
    the templates and open copies keep the real ones (issue 15: a million must fit on disk).
    The record's integrity check (R-style pdf_sha256) still holds for the placeholder."""
    from bench.partnership.lean import EMAIL_BODY_CHARS, placeholder_pdf
    from convene.records.models import RecordVersion
    from convene.reminders.models import Delivery

    old = timezone.now() - timedelta(days=60)
    recent = timezone.now() - timedelta(days=40)
    first = report.first_ids
    placeholder = placeholder_pdf()
    assert placeholder.startswith(b"%PDF")
    assert len(placeholder) < 2_000
    versions = RecordVersion.objects.filter(pk__gte=first["records_recordversion"])
    old_versions = versions.filter(authorised_at__lt=old)
    assert old_versions.exists()
    for version in old_versions[:20]:
        assert version.pdf_bytes == placeholder
        assert version.intact()
    templates = RecordVersion.objects.filter(pk__lt=first["records_recordversion"])
    assert templates.exists()
    assert all(len(v.pdf_bytes) > 5 * len(placeholder) for v in templates)
    new_versions = versions.filter(authorised_at__gt=recent)
    assert all(v.pdf_bytes != placeholder and v.intact() for v in new_versions)

    referrals = Referral.objects.filter(pk__gte=first["referrals_referral"])
    old_referrals = referrals.filter(received_at__lt=old).exclude(explanation=None)
    full = Referral.objects.filter(pk__lt=first["referrals_referral"]).exclude(explanation=None)
    assert old_referrals.exists()
    assert full.exists()
    longest_rules = max(len(r.explanation["rules"]) for r in full)
    for referral in old_referrals[:20]:
        short = referral.explanation
        assert set(short) == set(full.first().explanation)  # same structure
        fired = {short["recommendation"]["rule_id"]} | {a["rule_id"] for a in short["advice"]}
        kept = {r["rule_id"] for r in short["rules"]}
        assert fired - {None} <= kept
        assert len(short["rules"]) < longest_rules
        assert short["sections"] == {}
        assert short["attendance"] == []
    # An open copy's explanation is its template's, whole (JSON is copied as it is).
    originals = [r.explanation for r in full]
    open_copies = referrals.filter(received_at__gt=recent).exclude(explanation=None)
    assert open_copies.exists()
    assert all(r.explanation in originals for r in open_copies[:20])

    emails = Delivery.objects.filter(pk__gte=first["reminders_delivery"], channel="email")
    old_emails = emails.filter(decided_at__lt=old)
    assert old_emails.exists()
    assert all(len(d.body) <= EMAIL_BODY_CHARS for d in old_emails[:50])
    assert not old_emails.exclude(attachments=[]).exists()
    notices = Delivery.objects.filter(pk__gte=first["reminders_delivery"], channel="in_app")
    assert notices.filter(decided_at__lt=old).exists()
    assert all("\n" not in d.body for d in notices.filter(decided_at__lt=old)[:50])
    template_emails = Delivery.objects.filter(pk__lt=first["reminders_delivery"], channel="email")
    assert any(len(d.body) > EMAIL_BODY_CHARS for d in template_emails)
    assert template_emails.exclude(attachments=[]).exists()  # the invitations' calendar files


def _check_old_cases_closed(report):
    """An old copy's work was closed (actions done, escalations resolved, HRPMs ended), as a
    partnership closes its cases; the open ones keep theirs. Before, every copied action
    stayed open and every escalation raised, whatever the case's age."""
    from convene.records.models import Action

    old = timezone.now() - timedelta(days=60)  # open copies began under 45 days ago
    first = report.first_ids
    copied = Escalation.objects.filter(pk__gte=first["clocks_escalation"])
    old_escalations = copied.filter(raised_at__lt=old)
    assert old_escalations.count() > 10
    assert old_escalations.exclude(state="resolved").count() <= old_escalations.count() // 10
    actions = Action.objects.filter(pk__gte=first["records_action"])
    old_actions = actions.filter(created_at__lt=old)
    assert old_actions.filter(status="done").count() > 10
    assert old_actions.filter(status="open").count() <= old_actions.count() // 10
    assert actions.filter(created_at__gte=old, status="open").exists()
    assert (
        not Hrpm.objects.filter(pk__gte=first["followup_hrpm"], state="active")
        .filter(created_at__lt=old)
        .count()
        > Hrpm.objects.filter(pk__gte=first["followup_hrpm"]).count() // 10
    )


def test_colleague_pools_follow_a_county():
    """A role has as many people as a large county has (scaled down for small runs): a
    notice addressed to heads of service goes to a handful, not to 300."""
    from bench.partnership.run import county_pool

    at_million = {name: county_pool(name, 1_000_000) for name in ("alice", "bob", "hana", "ivy")}
    assert at_million == {"alice": 300, "bob": 40, "hana": 6, "ivy": 4}
    assert county_pool("hana", 5_000) == 1  # no colleagues in a small run
    assert county_pool("alice", 5_000) == 2


def _check_old_referral_page(client, report):
    """An old referral's page renders its short explanation: the rules that fired only."""
    old = timezone.now() - timedelta(days=60)
    referral = (
        Referral.objects.filter(pk__gte=report.first_ids["referrals_referral"], received_at__lt=old)
        .exclude(explanation=None)
        .order_by("pk")
        .first()
    )
    client.force_login(Professional.objects.get(username="ivy"))
    response = client.get(f"/referrals/{referral.pk}/")
    assert response.status_code == 200
    rules = len(referral.explanation["rules"])
    assert f"Every rule applied ({rules})" in response.content.decode()


def _check_copied_values():
    """Values survive the copy (binary COPY on PostgreSQL): JSON, bytes, UUIDs, times."""
    from convene.records.models import RecordSectionEntry, RecordVersion
    from convene.reminders.models import Delivery

    entry = RecordSectionEntry.objects.exclude(content={}).order_by("-pk").first()
    assert isinstance(entry.content, dict)
    assert entry.content
    version = RecordVersion.objects.order_by("-pk").first()
    assert bytes(version.pdf).startswith(b"%PDF")
    delivery = Delivery.objects.order_by("-pk").first()
    assert delivery.key.version == 4
    assert delivery.decided_at.tzinfo is not None


def _check_action_partnerships():
    """A copied action keeps its template's partnership, as its copied discussion (its
    HRPM) does: the Actions list asks the action's own (``convene.records.owning``)."""
    from django.db.models import F

    from convene.followup.models import HrpmAction
    from convene.records.models import Action

    assert Action.objects.count() > 0
    assert not Action.objects.exclude(partnership=F("record__discussion__partnership")).exists()
    assert not HrpmAction.objects.exclude(partnership=F("meeting__hrpm__partnership")).exists()


# Each stored deadline column (convene.clocks.due_columns) and the clock kinds it follows.
STORED_DEADLINES = {
    Referral: {"receipt_due_at": ("convene", "triage"), "convene_due_at": ("convene",)},
    Discussion: {"outcome_due_at": ("outcome_notified",), "icpc_due_at": ("icpc",)},
    Hrpm: {"hrpm_due_at": ("hrpm",)},
}


def _check_stored_deadlines():
    """The copies meet an old case's clocks and move a young one's on around the services:
    after the run (its ``rebuild-summary``) every row's stored deadline is its soonest open
    clock's again, worked out here in Python, and none is left due after its clock was met."""
    from django.contrib.contenttypes.models import ContentType

    soonest: dict[tuple[int, int, str], object] = {}
    for type_id, subject_id, kind, due in Clock.objects.filter(
        state__in=("pending", "breached")
    ).values_list("subject_type_id", "subject_id", "kind", "due_at"):
        key = (type_id, subject_id, kind)
        soonest[key] = min(due, soonest.get(key, due))
    cleared = 0
    for model, columns in STORED_DEADLINES.items():
        type_id = ContentType.objects.get_for_model(model).pk
        for row in model.objects.values("pk", *columns):
            for field, kinds in columns.items():
                dues = [
                    soonest[k]
                    for k in ((type_id, row["pk"], kind) for kind in kinds)
                    if k in soonest
                ]
                assert row[field] == min(dues, default=None), (model.__name__, row["pk"], field)
                cleared += row[field] is None
    assert cleared  # some rows hold no deadline: their clocks were met


def _check_case_keys(report):
    """A copy's case key is its own case's (offset like any foreign key), not the template's:
    what the backfill works out from each row's subject is what the generator wrote."""
    import importlib

    from django.apps import apps

    written = {
        model: dict(model.objects.values_list("pk", "case_referral"))
        for model in (Clock, Escalation)
    }
    first_clock = report.first_ids["clocks_clock"]
    copied = [key for pk, key in written[Clock].items() if pk >= first_clock and key]
    assert len(set(copied)) > report.cases // 2  # most copies' clocks hang from a case
    Clock.objects.update(case_referral=None)
    Escalation.objects.update(case_referral=None)
    importlib.import_module("convene.clocks.migrations.0010_case_key").case_keys_fill(apps)
    for model, keys in written.items():
        assert dict(model.objects.values_list("pk", "case_referral")) == keys, model.__name__
