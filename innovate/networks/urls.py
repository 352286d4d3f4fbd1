"""The networks' URLs, included once from innovate.urls under the namespace "networks"."""

from django.urls import path

from innovate.networks import reading

app_name = "networks"

urlpatterns = [
    path("networks/<int:pk>/", reading.wheel, name="wheel"),
    path("networks/<int:pk>/durations/", reading.durations, name="durations"),
    path("networks/<int:pk>/changes/", reading.changes, name="changes"),
    path("networks/<int:pk>/fidelity/", reading.fidelity, name="fidelity"),
    path("networks/<int:pk>/models/<int:model_pk>/", reading.model, name="model"),
    path("networks/<int:pk>/export/wheel.csv", reading.export_wheel, name="export-wheel"),
    path(
        "networks/<int:pk>/export/durations.csv", reading.export_durations, name="export-durations"
    ),
    path("networks/<int:pk>/export/fidelity.csv", reading.export_fidelity, name="export-fidelity"),
    path("s/<str:token>/", reading.public_summary, name="public-summary"),
]
