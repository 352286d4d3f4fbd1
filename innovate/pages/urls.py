"""The pages that belong to no area: home, health, the framework and its glossary, the
notices, choosing an organisation, signing in and out."""

from django.urls import include, path

from innovate.accounts.views import sign_out
from innovate.pages import views

notice_urls = (
    [
        path("accessibility/", views.accessibility, name="accessibility"),
        path("privacy/", views.privacy, name="privacy"),
        path("cookies/", views.cookies, name="cookies"),
    ],
    "notices",
)

urlpatterns = [
    path("", include(notice_urls)),
    path("session/keepalive", views.keepalive, name="keepalive"),
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("framework/", views.framework, name="framework"),
    path("glossary/", views.glossary, name="glossary"),
    path("organisation/", views.switch_organisation, name="switch-organisation"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", sign_out, name="logout"),
]
