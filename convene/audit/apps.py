from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "convene.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Sign-in, failed sign-in and sign-out are infrastructure events raised by
        # django.contrib.auth; listening to its signals is the only hook it offers.
        from convene.audit import signals  # noqa: F401
