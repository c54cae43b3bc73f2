from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "convene.reminders"
    label = "reminders"
    verbose_name = "Reminders, notifications and background work"

    def ready(self) -> None:
        # Notifications' and failed emails' rules in the one access layer.
        from convene.reminders import access  # noqa: F401
