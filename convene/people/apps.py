from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "convene.people"
    label = "people"
    verbose_name = "People and partnerships"

    def ready(self) -> None:
        # Children and their families' rules in the one access layer.
        from convene.people import access  # noqa: F401
