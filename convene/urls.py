from django.contrib import admin
from django.urls import include, path

from convene.accounts import views as accounts_views
from convene.core import health

admin.site.site_header = "Convene administration"
admin.site.site_title = "Convene administration"

handler400 = "convene.core.error_pages.bad_request"
handler500 = "convene.core.error_pages.server_error"

urlpatterns = [
    path("", include("convene.people.urls")),
    path("", include("convene.referrals.urls")),
    path("", include("convene.discussions.urls")),
    path("", include("convene.records.urls")),
    path("", include("convene.followup.urls")),
    path("", include("convene.allocation.urls")),
    path("", include("convene.agencychecks.urls")),
    path("", include("convene.clocks.urls")),
    path("", include("convene.reminders.urls")),
    path("", include("convene.accounts.urls")),
    path("", include("convene.api.urls")),
    path("", include("convene.reporting.urls")),
    path("", include("convene.returns.urls")),
    # The admin signs in through Convene's own two-step sign-in, never its own form.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    # For load balancers and monitoring: no sign-in, no data (convene/core/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
