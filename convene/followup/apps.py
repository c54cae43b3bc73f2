from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "convene.followup"
    label = "followup"
    verbose_name = "Follow-through: S47 enquiries, ICPC, actions, reviews and HRPMs"

    def ready(self) -> None:
        # The follow-through's rules in the one access layer, and who its clocks' parties are.
        from convene.followup import access, parties  # noqa: F401

        parties.register()
