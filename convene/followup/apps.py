from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "convene.followup"
    label = "followup"
    verbose_name = "Follow-through: S47 enquiries, ICPC, actions, reviews and HRPMs"

    def ready(self) -> None:
        # The follow-through's rules in the one access layer, and who its clocks' parties are.
        from convene.followup import access, parties  # noqa: F401

        parties.register()

        # My work's HRPMs in the order of their monthly clock, kept on the series (issue 15).
        from convene.clocks.due_columns import register_due_column
        from convene.followup.models import Hrpm
        from convene.policy.vocab import ClockKind

        register_due_column(Hrpm, "hrpm_due_at", kinds=(ClockKind.HRPM,))

        # Records sit below the follow-through: an authorised S47 decision starts its
        # enquiries through the hook records calls on authorisation (issue 18).
        from convene.followup.enquiries.services import s47_enquiries_start_on_authorisation
        from convene.records.on_authorise import register_authorised_hook

        register_authorised_hook("s47 enquiries", s47_enquiries_start_on_authorisation)
