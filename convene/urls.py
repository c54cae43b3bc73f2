from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from convene.people import views as people_views

admin.site.site_header = "Convene administration"
admin.site.site_title = "Convene administration"

urlpatterns = [
    path("", people_views.home, name="home"),
    path("children/<int:pk>/", people_views.child_detail, name="child-detail"),
    path("", include("convene.referrals.urls")),
    path("", include("convene.discussions.urls")),
    path("", include("convene.records.urls")),
    path("", include("convene.followup.urls")),
    path(
        "sign-in/",
        login_not_required(auth_views.LoginView.as_view(template_name="registration/login.html")),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("convene.clocks.urls")),
    path("", include("convene.reminders.urls")),
    path("admin/", admin.site.urls),
]
