from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "convene.people"
    label = "people"
    verbose_name = "People and partnerships"
