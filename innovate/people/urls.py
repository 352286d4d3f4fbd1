"""URLs of the People pages, the invitation link and the password reset."""

from django.urls import path

from innovate.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.people_list, name="list"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invite-guest/", views.invite_guest, name="invite-guest"),
    path("people/<int:pk>/role/", views.change_role, name="role"),
    path("people/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("people/<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("people/invitations/<int:pk>/resend/", views.resend, name="resend"),
    path("people/invitations/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("invitations/<str:token>/", views.accept, name="accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
]
