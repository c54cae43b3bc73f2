from typing import Any

from django.apps import AppConfig


class AgencyChecksConfig(AppConfig):
    name = "convene.agencychecks"
    label = "agencychecks"
    verbose_name = "Agency checks: each agency's information before the meeting"

    def ready(self) -> None:
        from convene.agencychecks import access  # noqa: F401 - registers the access rules
        from convene.records.prefill import register_contribution_source

        # Records sit below agency checks, so they ask for the checks through a registered source.
        register_contribution_source("agency checks", _contributions)


def _contributions(discussion: Any) -> list[dict[str, str | bool]]:
    from convene.agencychecks.selectors import record_contributions

    return record_contributions(discussion=discussion)
