from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from convene.accounts import views

urlpatterns = [
    path("sign-in/", login_not_required(views.SignInView.as_view()), name="login"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up/", views.sign_in_set_up, name="sign-in-set-up"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]
