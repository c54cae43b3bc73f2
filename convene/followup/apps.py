from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "convene.followup"
    label = "followup"
    verbose_name = "Follow-through: S47 enquiries, ICPC, actions, reviews and HRPMs"

    def ready(self) -> None:
        from convene.followup import parties

        parties.register()
