from typing import Any

from django.apps import AppConfig


class AgencyChecksConfig(AppConfig):
    name = "convene.agencychecks"
    label = "agencychecks"
    verbose_name = "Agency checks: each agency's information before the meeting"

    def ready(self) -> None:
        from convene.agencychecks import (
            access,  # noqa: F401 - registers the access rules
            outbox,
            signals,
        )
        from convene.agencychecks.convening import on_notices_decided
        from convene.agencychecks.models import AgencyCheck
        from convene.agencychecks.selectors import agency_checks_visible_to
        from convene.clocks.parties import register_responsible
        from convene.clocks.subjects import register_subject_selector
        from convene.discussions.signals import discussion_notices_decided
        from convene.records.history_sources import register_history_source
        from convene.records.prefill import register_contribution_source

        # Records sit below agency checks, so they ask for the checks through a registered source.
        register_contribution_source("agency checks", _contributions)
        register_history_source("agency checks", _history)
        # A check's clock: opened when the discussion is arranged, reminded to the agency's
        # invitees, told only to those who may see the discussion (convening.py).
        discussion_notices_decided.connect(on_notices_decided, dispatch_uid="agency_checks_open")
        register_subject_selector(
            AgencyCheck, agency_checks_visible_to, case="discussion__referral"
        )
        register_responsible(AgencyCheck, "invitees", _invitees, many=_invitees_many)
        outbox.register()
        # The reports' tallies follow records written and people's and agencies' changes.
        signals.connect()


def _contributions(discussion: Any) -> list[dict[str, str | bool]]:
    from convene.agencychecks.selectors import record_contributions

    return record_contributions(discussion=discussion)


def _history(discussion: Any) -> list[Any]:
    from convene.agencychecks.selectors import check_history

    return check_history(discussion=discussion)


def _invitees(check: Any) -> Any:
    from convene.agencychecks.selectors import agency_invitees
    from convene.clocks.parties import PartyMembers

    return PartyMembers(professionals=tuple(agency_invitees(check=check)))


def _invitees_many(checks: Any) -> Any:
    """``_invitees`` of a sweep's batch of checks, in one query."""
    from convene.agencychecks.selectors import agency_invitees_many
    from convene.clocks.parties import PartyMembers, subject_key

    found = agency_invitees_many(checks=checks)
    return {
        subject_key(check): PartyMembers(professionals=tuple(found[check.pk])) for check in checks
    }
