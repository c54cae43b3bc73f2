from django.urls import path

from convene.followup.actions import views as actions
from convene.followup.conferences import views as icpc
from convene.followup.enquiries import views as s47
from convene.followup.hrpm import views as hrpm
from convene.followup.reviews import views as reviews

app_name = "followup"

urlpatterns = [
    path("s47/", s47.s47_list, name="s47-list"),
    path("s47/<int:pk>/", s47.s47_detail, name="s47"),
    path("s47/<int:pk>/visit/", s47.s47_visit, name="s47-visit"),
    path("s47/<int:pk>/outcome/", s47.s47_outcome, name="s47-outcome"),
    path("s47/<int:pk>/core-group/", s47.core_group_review, name="core-group"),
    path("s47/<int:pk>/core-group/oversight/", s47.core_group_oversight, name="oversight"),
    path("s47/<int:pk>/care-plan/", s47.care_plan_review, name="care-plan"),
    path("s47/<int:pk>/hrpm-decision/", s47.hrpm_decision, name="hrpm-decision"),
    path("s47/<int:pk>/close/", s47.s47_close, name="s47-close"),
    path("icpc/", icpc.icpc_list, name="icpc-list"),
    path("icpc/<int:pk>/", icpc.icpc_detail, name="icpc"),
    path("icpc/<int:pk>/confirm/", icpc.icpc_confirm, name="icpc-confirm"),
    path("icpc/<int:pk>/date/", icpc.icpc_date, name="icpc-date"),
    path("icpc/<int:pk>/held/", icpc.icpc_held, name="icpc-held"),
    path("icpc/<int:pk>/outcome/", icpc.icpc_outcome, name="icpc-outcome"),
    path("my-actions/", actions.my_actions, name="my-actions"),
    path("actions/", actions.actions_list, name="actions"),
    path("actions/<int:pk>/", actions.action_page, name="action"),
    path("hrpm-actions/<int:pk>/", actions.hrpm_action_page, name="hrpm-action"),
    path("discussions/<int:pk>/review/", reviews.review_request, name="review"),
    path("discussions/<int:pk>/reconvene/", reviews.reconvene, name="reconvene"),
    path("hrpm/", hrpm.hrpm_list, name="hrpm-list"),
    path("children/<int:child_pk>/hrpm/new/", hrpm.hrpm_create, name="hrpm-new"),
    path("hrpm/<int:pk>/", hrpm.hrpm_detail, name="hrpm"),
    path("hrpm/<int:pk>/meetings/new/", hrpm.hrpm_meeting, name="hrpm-meeting"),
    path(
        "hrpm/<int:pk>/meetings/<int:number>/actions/new/",
        hrpm.hrpm_action_add,
        name="hrpm-action-add",
    ),
    path("hrpm/<int:pk>/end/", hrpm.hrpm_end, name="hrpm-end"),
]
