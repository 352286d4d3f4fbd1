from django.urls import path

from innovate.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.preferences, name="preferences"),
    path("notifications/organisation/", views.organisation_defaults, name="organisation"),
    path("notifications/failed/", views.failed, name="failed"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
