"""Sign-in pages: password, then authenticator code (or first-time set-up)."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from convene.accounts import oidc, signin
from convene.accounts.forms import CodeForm
from convene.accounts.qr import qr_svg
from convene.people.models import Professional

_MESSAGES = {
    signin.CodeCheck.WRONG: "The code is not correct. Enter the code your app shows now",
    signin.CodeCheck.THROTTLED: "Too many wrong codes. Wait a few seconds, then enter "
    "the code your app shows now",
}


class SignInView(LoginView):
    """Step one: username and password (with lock-out, through the Axes backend)."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = list(oidc.providers().values())
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        if settings.CONVENE_DEMO_SKIP_2FA:
            return super().form_valid(form)
        user = form.get_user()
        assert isinstance(user, Professional)
        signin.sign_in_begin(
            request=self.request,
            user=user,
            backend=user.backend,  # type: ignore[attr-defined]  # set by authenticate()
            next_url=self.get_success_url(),
        )
        if signin.totp_device_confirmed(user=user) is None:
            return redirect("accounts:sign-in-set-up")
        return redirect("accounts:sign-in-code")


def locked_out(
    request: HttpRequest,
    original_response: HttpResponseBase | None = None,
    credentials: dict[str, str] | None = None,
) -> HttpResponse:
    """The GOV.UK "locked out" page (django-axes calls this: AXES_LOCKOUT_CALLABLE)."""
    signin.sign_in_abandon(request=request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def _locked_out(request: HttpRequest, user: Professional) -> HttpResponseBase | None:
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return locked_out(request, None, credentials)
    return None


def _check_code(
    request: HttpRequest, form: CodeForm, pending: signin.Pending, device: TOTPDevice
) -> HttpResponseBase | None:
    """Sign in on a right code; otherwise put the reason on the form and count the failure."""
    locked = _locked_out(request, pending.user)
    if locked is not None:
        return locked
    if not form.is_valid():
        return None
    result = signin.totp_check(device=device, code=form.cleaned_data["code"])
    if result is signin.CodeCheck.ACCEPTED:
        signin.sign_in_complete(request=request, pending=pending, device=device)
        return redirect(pending.next_url)
    form.add_error("code", _MESSAGES[result])
    signin.sign_in_code_failed(
        request=request, user=pending.user, reason="wrong authenticator code"
    )
    return None


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponseBase:
    """Step two: the 6-digit code from the person's authenticator app."""
    pending = signin.sign_in_pending(request=request)
    if pending is None:
        return redirect("accounts:login")
    device = signin.totp_device_confirmed(user=pending.user)
    if device is None:
        return redirect("accounts:sign-in-set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        response = _check_code(request, form, pending, device)
        if response is not None:
            return response
    return render(request, "registration/two_factor_code.html", {"form": form})


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in_set_up(request: HttpRequest) -> HttpResponseBase:
    """First sign-in: add Convene to an authenticator app, then prove it with a code."""
    pending = signin.sign_in_pending(request=request)
    if pending is None:
        return redirect("accounts:login")
    if signin.totp_device_confirmed(user=pending.user) is not None:
        return redirect("accounts:sign-in-code")
    form = CodeForm(request.POST or None)
    device = None
    if request.method == "POST":
        # Only the secret this session was shown can be confirmed; if another visit has
        # replaced it since, the person is shown a new one and asked again.
        device = signin.totp_device_set_up_current(request=request, user=pending.user)
        if device is not None:
            response = _check_code(request, form, pending, device)
            if response is not None:
                return response
        else:
            form.is_valid()
            form.add_error(
                "code",
                "This set-up has expired: add the new code below to your authenticator app "
                "and enter the 6-digit code it shows",
            )
    if device is None:
        device = signin.totp_device_set_up_start(request=request, user=pending.user)
    return render(
        request,
        "registration/two_factor_set_up.html",
        {
            "form": form,
            "qr_code": qr_svg(
                device.config_url,
                label="QR code to add Convene to your authenticator app",
            ),
            "secret": signin.totp_secret_text(device=device),
        },
    )


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponseBase:
    """The admin's own login form is replaced: everyone signs in through both steps.

    Django's admin sends signed-in people who are not staff here too; they get a
    plain refusal rather than a second sign-in form.
    """
    if request.user.is_authenticated:
        raise PermissionDenied("The administration pages are for partnership administrators")
    return redirect_to_login(request.GET.get("next") or "/admin/")
