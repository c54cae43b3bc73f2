from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "convene.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"

    def ready(self) -> None:
        # Referrals' rules in the one access layer.
        # Who may see a referral's clocks, escalations and reminders: its own selector
        # (a restricted referral: only the people named on it).
        from convene.clocks.due_columns import register_due_column
        from convene.clocks.subjects import register_subject_selector
        from convene.policy.vocab import ClockKind
        from convene.referrals import access  # noqa: F401
        from convene.referrals.models import Referral
        from convene.referrals.receipt_clocks import RECEIPT_CLOCKS
        from convene.referrals.selectors import referrals_visible_to

        register_subject_selector(Referral, referrals_visible_to, case="pk")
        # The queues' order, kept on the referral by the clock services (issue 15).
        register_due_column(Referral, "receipt_due_at", kinds=RECEIPT_CLOCKS)
        register_due_column(Referral, "convene_due_at", kinds=(ClockKind.CONVENE,))
