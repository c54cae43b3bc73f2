from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "convene.discussions"
    label = "discussions"
    verbose_name = "Strategy discussions and meetings"

    def ready(self) -> None:
        # Registers the invitation rule with the one access layer.
        from convene.clocks.subjects import register_subject_selector
        from convene.discussions import (
            access,  # noqa: F401
            outbox,
        )
        from convene.discussions.models import Discussion
        from convene.discussions.selectors import discussions_visible_to

        # Who may see a discussion's clocks, escalations and reminders: its own selector.
        register_subject_selector(Discussion, discussions_visible_to)
        # Invitations' and referrer notices' hooks in the one outbox.
        outbox.register()
