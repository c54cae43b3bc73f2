from django.urls import path

from convene.returns import views

app_name = "returns"

urlpatterns = [path("returns/", views.index, name="index")]
