from django.urls import path

from convene.reporting import views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/overrides/", views.overrides, name="overrides"),
    path("reports/quality/", views.quality, name="quality"),
    path("reports/drift/", views.drift, name="drift"),
    path("reports/download/<slug:key>.<slug:fmt>", views.download, name="download"),
]
