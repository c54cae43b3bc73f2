from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "convene.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"

    def ready(self) -> None:
        # Referrals' rules in the one access layer.
        # Who may see a referral's clocks, escalations and reminders: its own selector
        # (a restricted referral: only the people named on it).
        from convene.clocks.subjects import register_subject_selector
        from convene.referrals import access  # noqa: F401
        from convene.referrals.models import Referral
        from convene.referrals.selectors import referrals_visible_to

        register_subject_selector(Referral, referrals_visible_to, case="pk")
