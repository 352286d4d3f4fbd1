"""URLs of the People pages, the invitation link and the password reset."""

from django.urls import path

from innovate.views import people

app_name = "people"

urlpatterns = [
    path("people/", people.people_list, name="list"),
    path("people/invite/", people.invite, name="invite"),
    path("people/<int:pk>/role/", people.change_role, name="role"),
    path("people/<int:pk>/deactivate/", people.deactivate, name="deactivate"),
    path("people/<int:pk>/reactivate/", people.reactivate, name="reactivate"),
    path("people/invitations/<int:pk>/resend/", people.resend, name="resend"),
    path("people/invitations/<int:pk>/revoke/", people.revoke, name="revoke"),
    path("invitations/<str:token>/", people.accept, name="accept"),
    path("password-reset/", people.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        people.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/done/",
        people.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        people.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
]
