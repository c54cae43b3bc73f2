from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "convene.core"
    label = "core"

    def ready(self) -> None:
        from convene.core import govuk_components

        govuk_components.install()
