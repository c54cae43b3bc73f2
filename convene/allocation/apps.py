from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "convene.allocation"
    label = "allocation"
    verbose_name = "Allocation: who holds each case, and the work that follows from it"

    def ready(self) -> None:
        # The allocation rows' rule in the one access layer.
        from convene.allocation import access  # noqa: F401
