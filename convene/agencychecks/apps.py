from django.apps import AppConfig


class AgencyChecksConfig(AppConfig):
    name = "convene.agencychecks"
    label = "agencychecks"
    verbose_name = "Agency checks: each agency's information before the meeting"
