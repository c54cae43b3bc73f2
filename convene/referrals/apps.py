from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "convene.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"

    def ready(self) -> None:
        # Referrals' rules in the one access layer.
        from convene.referrals import access  # noqa: F401
