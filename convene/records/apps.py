from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "convene.records"
    label = "records"
    verbose_name = "Strategy discussion records"
