from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "convene.reminders"
    label = "reminders"
    verbose_name = "Reminders, notifications and background work"
