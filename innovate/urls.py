from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from innovate.views import core, framework, innovations, journey, notices, parts

innovation_urls = (
    [
        path("", innovations.innovation_list, name="list"),
        path("new/", innovations.innovation_create, name="create"),
        path("<int:pk>/", innovations.innovation_detail, name="detail"),
        path("<int:pk>/edit/", innovations.innovation_edit, name="edit"),
        path("<int:pk>/close/", innovations.innovation_close, name="close"),
        path("<int:pk>/reopen/", innovations.innovation_reopen, name="reopen"),
        path("<int:pk>/timeline/", journey.timeline, name="timeline"),
        path("<int:pk>/history/", journey.history, name="history"),
        path("<int:pk>/parts/new/", parts.part_create, name="add-part"),
        path("<int:pk>/parts/many/", parts.part_bulk_create, name="add-parts"),
    ],
    "innovations",
)

part_urls = (
    [
        path("<int:pk>/edit/", parts.part_edit, name="edit"),
        path("<int:pk>/move/", parts.part_move, name="move"),
        path("<int:pk>/void/", parts.part_void, name="void"),
    ],
    "parts",
)

notice_urls = (
    [
        path("accessibility/", notices.accessibility, name="accessibility"),
        path("privacy/", notices.privacy, name="privacy"),
        path("cookies/", notices.cookies, name="cookies"),
    ],
    "notices",
)

urlpatterns = [
    path("", include(notice_urls)),
    path("session/keepalive", notices.keepalive, name="keepalive"),
    path("", core.home, name="home"),
    path("health", core.health, name="health"),
    path("framework/", framework.framework, name="framework"),
    path("organisation/", core.switch_organisation, name="switch-organisation"),
    path("innovations/", include(innovation_urls)),
    path("parts/", include(part_urls)),
    path("sessions/", include("innovate.session_urls", namespace="sessions")),
    path("", include("innovate.evidence_urls", namespace="evidence")),
    path("", include("innovate.people_urls", namespace="people")),
    path("", include("innovate.dashboard_urls", namespace="dashboard")),
    path(
        "login/",
        core.LoginView.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

if settings.BENCH:
    from innovate import bench

    urlpatterns.append(path("bench/bare", bench.bare))

handler400 = "innovate.views.core.bad_request"
handler403 = "innovate.views.core.permission_denied"
handler404 = "innovate.views.core.page_not_found"
handler500 = "innovate.views.core.server_error"
