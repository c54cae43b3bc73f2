from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "convene.discussions"
    label = "discussions"
    verbose_name = "Strategy discussions and meetings"

    def ready(self) -> None:
        # Registers the invitation rule with the one access layer.
        from convene.discussions import access  # noqa: F401
