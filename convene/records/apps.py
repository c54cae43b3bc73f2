from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "convene.records"
    label = "records"
    verbose_name = "Strategy discussion records"

    def ready(self) -> None:
        # Records' and versions' rules in the one access layer.
        from convene.records import (
            access,  # noqa: F401
            outbox,
            signals,
        )

        # The distribution's emails' hooks in the one outbox.
        outbox.register()
        # The quality tallies follow clocks met, chairs' roles and agencies' kinds.
        signals.connect()
