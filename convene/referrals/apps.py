from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "convene.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"
