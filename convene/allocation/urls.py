from django.urls import path

from convene.allocation import child_pages, views

app_name = "allocation"

urlpatterns = [
    path("referrals/<int:pk>/allocation/", views.referral_allocation, name="referral"),
    path("discussions/<int:pk>/allocation/", views.discussion_allocation, name="discussion"),
    path("s47/<int:pk>/allocation/", views.s47_allocation, name="s47"),
    path("children/<int:pk>/looked/", child_pages.looked, name="looked"),
    path("work/", views.my_work, name="my-work"),
]
