"""The URLs of every area, each under its own namespace."""

from allauth.socialaccount.providers.openid_connect import views as oidc
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from innovate.accounts import views as accounts
from innovate.api.api import api
from innovate.innovations.urls import part_urls

urlpatterns = [
    path("", include("innovate.pages.urls")),
    path("innovations/", include("innovate.innovations.urls", namespace="innovations")),
    path("parts/", include(part_urls)),
    path("sessions/", include("innovate.sessions.urls", namespace="sessions")),
    path("search/", include("innovate.search.urls", namespace="search")),
    path("", include("innovate.evidence.urls", namespace="evidence")),
    path("", include("innovate.files.urls", namespace="files")),
    path("", include("innovate.people.urls", namespace="people")),
    path("", include("innovate.dashboard.urls", namespace="dashboard")),
    path("", include("innovate.networks.urls", namespace="networks")),
    path("", include("innovate.accounts.urls", namespace="accounts")),
    path("", include("innovate.notifications.urls", namespace="notifications")),
    path("", include("innovate.api.urls", namespace="tokens")),
    path("api/", api.urls),
    # Named as allauth names them: its sign-in steps send the person here.
    path("login/two-step/", accounts.two_step_code, name="mfa_authenticate"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    path("admin/", admin.site.urls),
]

if settings.BENCH:
    from innovate import bench

    urlpatterns.append(path("bench/bare", bench.bare))

handler400 = "innovate.pages.views.bad_request"
handler403 = "innovate.pages.views.permission_denied"
handler404 = "innovate.pages.views.page_not_found"
handler500 = "innovate.pages.views.server_error"
