from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "convene.notify"
    label = "notify"
    verbose_name = "Email and calendar invitations"
