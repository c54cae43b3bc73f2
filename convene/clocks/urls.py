from django.urls import path

from convene.clocks import views

app_name = "clocks"

urlpatterns = [
    path("escalations/", views.escalation_list, name="escalation-list"),
    path("escalations/raise/", views.escalation_raise_view, name="escalation-raise"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation-detail"),
    path(
        "escalations/<int:pk>/acknowledge/",
        views.escalation_acknowledge_view,
        name="escalation-acknowledge",
    ),
    path("escalations/<int:pk>/resolve/", views.escalation_resolve_view, name="escalation-resolve"),
]
