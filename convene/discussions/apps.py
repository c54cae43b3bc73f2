from typing import Any

from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "convene.discussions"
    label = "discussions"
    verbose_name = "Strategy discussions and meetings"

    def ready(self) -> None:
        # Registers the invitation rule with the one access layer.
        from convene.clocks.due_columns import register_due_column
        from convene.clocks.parties import register_responsible
        from convene.clocks.subjects import register_subject_selector
        from convene.discussions import (
            access,  # noqa: F401
            outbox,
        )
        from convene.discussions.models import Discussion
        from convene.discussions.selectors import discussions_visible_to
        from convene.policy.vocab import ClockKind

        # Who may see a discussion's clocks, escalations and reminders: its own selector.
        register_subject_selector(Discussion, discussions_visible_to, case="referral")
        # My work's queues' order, kept on the discussion by the clock services (issue 15).
        register_due_column(Discussion, "outcome_due_at", kinds=(ClockKind.OUTCOME_NOTIFIED,))
        register_due_column(Discussion, "icpc_due_at", kinds=(ClockKind.ICPC,))
        # The chair answers for the discussion's timescales, with whoever holds the case.
        register_responsible(Discussion, "chair", _chair, many=_chairs)
        # Invitations' and referrer notices' hooks in the one outbox.
        outbox.register()


def _chair(discussion: Any) -> Any:
    from convene.clocks.parties import PartyMembers

    chair = discussion.chair
    return PartyMembers(professionals=(chair,)) if chair is not None and chair.is_active else None


def _chairs(discussions: Any) -> Any:
    """``_chair`` for a batch of discussions: their chairs in one query."""
    from django.db.models import prefetch_related_objects

    from convene.clocks.parties import subject_key

    prefetch_related_objects(list(discussions), "chair")
    return {subject_key(discussion): _chair(discussion) for discussion in discussions}
