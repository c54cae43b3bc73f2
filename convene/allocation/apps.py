from typing import Any

from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "convene.allocation"
    label = "allocation"
    verbose_name = "Allocation: who holds each case, and the work that follows from it"

    def ready(self) -> None:
        # The allocation rows' rule in the one access layer.
        from convene.allocation import (
            access,  # noqa: F401
            holders,
            responsible,
        )
        from convene.referrals.signals import referral_triaged

        # Referrals sit below allocation, so they announce the triage and allocation listens.
        # Reminders about a case go to the worker who holds it (clocks cannot import us).
        responsible.register()
        # Who holds each case, stored on it whoever saves an allocation or a new case.
        holders.connect()
        referral_triaged.connect(_allocate_on_triage, dispatch_uid="allocation-on-triage")


def _allocate_on_triage(
    sender: object, *, referral: Any, by: Any, now: Any, context: Any, **_: Any
) -> None:
    """Who holds the case from now on (the discussion and S47 inherit it)."""
    from convene.allocation.services import allocation_on_triage

    allocation_on_triage(referral=referral, by=by, now=now, context=context)
