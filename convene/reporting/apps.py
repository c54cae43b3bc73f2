from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "convene.reporting"
    label = "reporting"
    verbose_name = "Reports"
