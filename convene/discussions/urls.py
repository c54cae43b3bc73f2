from django.urls import path

from convene.discussions import my_views, views

app_name = "discussions"

urlpatterns = [
    path("my-work/", my_views.my_work, name="my-work"),
    path("invitations/", my_views.my_invitations, name="my-invitations"),
    path("invitations/<int:pk>/reply/", views.invitation_respond_page, name="respond"),
    path("discussions/new/<int:referral_pk>/", views.convene, name="convene"),
    path("discussions/<int:pk>/", views.discussion_detail, name="detail"),
    path("discussions/<int:pk>/calendar.ics", views.discussion_calendar, name="calendar"),
    path("discussions/<int:pk>/reschedule/", views.discussion_reschedule_page, name="reschedule"),
    path("discussions/<int:pk>/invite/", views.discussion_invite_page, name="invite"),
    path("discussions/<int:pk>/cancel/", views.discussion_cancel_page, name="cancel"),
]
