from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """Procedures as code: policy packs, their loader and the pure rule engine. No models."""

    name = "convene.policy"
    label = "policy"
    verbose_name = "Procedure policy"
