from django.urls import path

from convene.referrals import intake, views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.referral_list, name="list"),
    path("referrals/new/", intake.intake_start, name="new"),
    path("referrals/new/children/", intake.intake_children, name="children"),
    path("referrals/new/children/add/", intake.intake_new_child, name="new-child"),
    path("referrals/new/check/", intake.intake_check, name="check"),
    path("referrals/new/<slug:slug>/", intake.intake_step, name="step"),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/triage/", views.referral_triage_page, name="triage"),
]
