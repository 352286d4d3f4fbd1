"""The networks' URLs, included once from innovate.urls under the namespace "networks"."""

from django.urls import path

from innovate.networks import reading, views

app_name = "networks"

urlpatterns = [
    path("networks/", views.network_list, name="list"),
    path("networks/new/", views.network_create, name="create"),
    path("networks/<int:pk>/", reading.wheel, name="wheel"),
    path(
        "networks/<int:pk>/organisations/<int:organisation_pk>/",
        reading.organisation,
        name="organisation",
    ),
    path("networks/<int:pk>/durations/", reading.durations, name="durations"),
    path("networks/<int:pk>/changes/", reading.changes, name="changes"),
    path("networks/<int:pk>/fidelity/", reading.fidelity, name="fidelity"),
    path("networks/<int:pk>/models/<int:model_pk>/", reading.model, name="model"),
    path(
        "networks/<int:pk>/models/<int:model_pk>/components/",
        views.add_component,
        name="add-component",
    ),
    path(
        "networks/<int:pk>/models/<int:model_pk>/withdraw/",
        views.withdraw_model,
        name="withdraw-model",
    ),
    path("networks/<int:pk>/export/wheel.csv", reading.export_wheel, name="export-wheel"),
    path(
        "networks/<int:pk>/export/durations.csv", reading.export_durations, name="export-durations"
    ),
    path("networks/<int:pk>/export/fidelity.csv", reading.export_fidelity, name="export-fidelity"),
    path("s/<str:token>/", reading.public_summary, name="public-summary"),
    path("networks/<int:pk>/members/", views.members, name="members"),
    path("networks/<int:pk>/members/invite/", views.invite_organisation, name="invite"),
    path(
        "networks/<int:pk>/members/<int:place_pk>/withdraw/",
        views.withdraw_invitation,
        name="withdraw-invitation",
    ),
    path("networks/invitations/<int:pk>/accept/", views.accept_invitation, name="accept"),
    path("networks/invitations/<int:pk>/decline/", views.decline_invitation, name="decline"),
    path("networks/<int:pk>/leave/", views.leave, name="leave"),
    path("networks/<int:pk>/observers/", views.observers, name="observers"),
    path("networks/<int:pk>/observers/invite/", views.invite_observer, name="invite-observer"),
    path(
        "networks/<int:pk>/observers/<int:observer_pk>/end/",
        views.end_observer,
        name="end-observer",
    ),
    path("observe/<str:token>/", views.observe, name="observe"),
    path("networks/<int:pk>/summary/", views.summary, name="summary"),
    path("networks/<int:pk>/models/new/", views.publish, name="publish"),
    path("innovations/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("innovations/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("adoptions/<int:pk>/", views.adoption, name="adoption"),
    path("adoptions/<int:pk>/end/", views.end_adoption, name="end-adoption"),
]
