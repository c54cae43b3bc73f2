from django.urls import path

from convene.agencychecks import views

app_name = "agencychecks"

urlpatterns = [
    path("discussions/<int:pk>/agency-checks/", views.board, name="board"),
    path("discussions/<int:pk>/agency-checks/ours/", views.complete, name="complete"),
]
