"""The evidence pages: measures and readings, checks, involvement and ethics notes."""

from django.urls import path

from innovate.evidence import checks, views

app_name = "evidence"

urlpatterns = [
    path("innovations/<int:pk>/measures/", views.measure_list, name="measures"),
    path("innovations/<int:pk>/measures/new/", views.measure_create, name="measure-create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/copy/", views.measure_copy, name="measure-copy"),
    path("measures/<int:pk>/readings/new/", views.reading_create, name="reading-create"),
    path("readings/<int:pk>/correct/", views.reading_correct, name="reading-correct"),
    path("readings/<int:pk>/withdraw/", views.reading_withdraw, name="reading-withdraw"),
    path("readings/<int:pk>/restore/", views.reading_restore, name="reading-restore"),
    path("innovations/<int:pk>/readings/import/", views.readings_import, name="import"),
    path(
        "innovations/<int:pk>/readings/template.csv",
        views.readings_template,
        name="import-template",
    ),
    path("parts/<int:pk>/check/", checks.part_check, name="check"),
    path("parts/<int:pk>/involvement/", checks.part_involvement, name="involvement"),
    path(
        "innovations/<int:pk>/ethics/<int:number>/",
        checks.ethics_note,
        name="ethics",
    ),
]
