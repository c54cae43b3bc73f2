"""The people pages: the children list (the home page) and a child's page."""

from django.urls import path

from convene.people import views

app_name = "people"

urlpatterns = [
    path("", views.home, name="home"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
]
