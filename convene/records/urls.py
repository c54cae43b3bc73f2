from django.urls import path

from convene.records import exception_views, told_views, views

app_name = "records"

_R = "discussions/<int:pk>/record/"

urlpatterns = [
    path("discussions/<int:pk>/held/", views.hold, name="hold"),
    path(_R, views.task_list, name="task-list"),
    path(_R + "sections/<slug:slug>/", views.part_page, name="part"),
    path(_R + "actions/add/", views.action_page, name="action-add"),
    path(_R + "actions/<slug:key>/", views.action_page, name="action"),
    path(_R + "actions/<slug:key>/remove/", views.action_remove, name="action-remove"),
    path(_R + "check/", views.check, name="check"),
    path(
        _R + "attendance-exception/",
        exception_views.attendance_exception,
        name="attendance-exception",
    ),
    path(_R + "versions/", views.versions, name="versions"),
    path(_R + "versions/<int:number>/", views.version_detail, name="version"),
    path(_R + "versions/<int:number>/pdf/", views.version_pdf, name="version-pdf"),
    path(_R + "family-summary/", views.family_summary_page, name="family-summary"),
    path(_R + "distribute/", views.distribute, name="distribute"),
    path(_R + "confirm/", views.confirm, name="confirm"),
    path(_R + "confirmations/", views.confirmations, name="confirmations"),
    path(_R + "confirmations/<int:confirmation_pk>/resolve/", views.resolve, name="resolve"),
    path(_R + "correct/", views.correct, name="correct"),
    path(_R + "told/<int:log_pk>/", told_views.told, name="told"),
]
