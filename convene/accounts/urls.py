from django.contrib.auth.decorators import login_not_required
from django.urls import path

from convene.accounts import oidc_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", login_not_required(views.SignInView.as_view()), name="login"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up/", views.sign_in_set_up, name="sign-in-set-up"),
    path(
        "sign-in/oidc/<slug:provider>/",
        login_not_required(oidc_views.ProviderSignInView.as_view()),
        name="oidc-sign-in",
    ),
    path(
        "sign-in/oidc-callback/",
        login_not_required(oidc_views.ProviderCallbackView.as_view()),
        name="oidc-callback",
    ),
    path("sign-out/", oidc_views.SignOutView.as_view(), name="logout"),
]
