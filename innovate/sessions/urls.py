"""Reflection sessions, under /sessions/."""

from django.urls import path

from innovate.sessions import views

app_name = "sessions"

urlpatterns = [
    path("innovation/<int:pk>/", views.session_list, name="list"),
    path("innovation/<int:pk>/new/", views.session_plan, name="plan"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/attendees/", views.attendee_add, name="add-attendee"),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/remove/",
        views.attendee_remove,
        name="remove-attendee",
    ),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/calendar.ics", views.calendar_file, name="calendar"),
    path("<int:pk>/run/", views.run, name="run"),
    path("<int:pk>/run/<int:part_pk>/", views.run_part, name="run-part"),
    path("<int:pk>/run/<int:part_pk>/notes/", views.note_add, name="add-note"),
    path("<int:pk>/run/<int:part_pk>/check/", views.check_answer, name="answer-check"),
    path("<int:pk>/run/<int:part_pk>/decision/", views.decide, name="decide"),
    path("<int:pk>/notes/<int:note_pk>/remove/", views.note_remove, name="remove-note"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/actions/", views.action_add, name="add-action"),
    path("<int:pk>/actions.csv", views.actions_csv, name="actions-csv"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/summary.pdf", views.summary_pdf, name="summary-pdf"),
    path("actions/<int:pk>/done/", views.action_complete, name="complete-action"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="reopen-action"),
]
