"""The evidence pages: measures and readings, checks, involvement and ethics notes."""

from django.urls import path

from innovate.views import evidence, evidence_parts

app_name = "evidence"

urlpatterns = [
    path("innovations/<int:pk>/measures/", evidence.measure_list, name="measures"),
    path("innovations/<int:pk>/measures/new/", evidence.measure_create, name="measure-create"),
    path("measures/<int:pk>/", evidence.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", evidence.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/copy/", evidence.measure_copy, name="measure-copy"),
    path("measures/<int:pk>/readings/new/", evidence.reading_create, name="reading-create"),
    path("innovations/<int:pk>/readings/import/", evidence.readings_import, name="import"),
    path(
        "innovations/<int:pk>/readings/template.csv",
        evidence.readings_template,
        name="import-template",
    ),
    path("parts/<int:pk>/check/", evidence_parts.part_check, name="check"),
    path("parts/<int:pk>/involvement/", evidence_parts.part_involvement, name="involvement"),
    path(
        "innovations/<int:pk>/ethics/<int:number>/",
        evidence_parts.ethics_note,
        name="ethics",
    ),
]
