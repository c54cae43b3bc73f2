from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "convene.returns"
    label = "returns"
    verbose_name = "Statutory returns: the CIN census and Ofsted's Annex A"
