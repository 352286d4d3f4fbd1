"""Reflection sessions, under /sessions/."""

from django.urls import path

from innovate.views import sessions

app_name = "sessions"

urlpatterns = [
    path("innovation/<int:pk>/", sessions.session_list, name="list"),
    path("innovation/<int:pk>/new/", sessions.session_plan, name="plan"),
    path("<int:pk>/", sessions.session_detail, name="detail"),
    path("<int:pk>/edit/", sessions.session_edit, name="edit"),
    path("<int:pk>/attendees/", sessions.attendee_add, name="add-attendee"),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/remove/",
        sessions.attendee_remove,
        name="remove-attendee",
    ),
    path("<int:pk>/agenda/", sessions.agenda, name="agenda"),
    path("<int:pk>/run/", sessions.run, name="run"),
    path("<int:pk>/run/<int:part_pk>/", sessions.run_part, name="run-part"),
    path("<int:pk>/run/<int:part_pk>/notes/", sessions.note_add, name="add-note"),
    path("<int:pk>/run/<int:part_pk>/check/", sessions.check_answer, name="answer-check"),
    path("<int:pk>/run/<int:part_pk>/decision/", sessions.decide, name="decide"),
    path("<int:pk>/notes/<int:note_pk>/remove/", sessions.note_remove, name="remove-note"),
    path("<int:pk>/apply/", sessions.apply, name="apply"),
    path("<int:pk>/actions/", sessions.action_add, name="add-action"),
    path("<int:pk>/actions.csv", sessions.actions_csv, name="actions-csv"),
    path("<int:pk>/summary/", sessions.summary, name="summary"),
    path("actions/<int:pk>/done/", sessions.action_complete, name="complete-action"),
    path("actions/<int:pk>/reopen/", sessions.action_reopen, name="reopen-action"),
]
