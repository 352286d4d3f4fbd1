"""URLs of signing in with a work account, two-step sign-in, sign-in history and the
organisation's sign-in settings."""

from django.urls import path

from innovate.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/work-account/", views.work_account, name="work-account"),
    path("account/two-step/", views.two_step, name="two-step"),
    path("account/two-step/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/two-step/turn-off/", views.turn_off_two_step, name="turn-off-two-step"),
    path("account/sign-ins/", views.sign_ins, name="sign-ins"),
    path("organisation/settings/", views.organisation_settings, name="organisation-settings"),
    path("organisation/sign-ins/", views.organisation_sign_ins, name="organisation-sign-ins"),
]
