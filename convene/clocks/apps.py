from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "convene.clocks"
    label = "clocks"
    verbose_name = "Clocks and timescales"

    def ready(self) -> None:
        # Clocks' and escalations' rules in the one access layer.
        from convene.clocks import access  # noqa: F401
        from convene.clocks.notice_sources import register

        # The outbox asks clocks who may still read its notices (it never imports clocks).
        register()
