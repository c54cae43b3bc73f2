from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "convene.clocks"
    label = "clocks"
    verbose_name = "Clocks and timescales"
