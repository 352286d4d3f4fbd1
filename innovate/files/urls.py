"""Evidence documents: files attached to an innovation, a move, a reading, a check answer or a
session; the download, withdrawing and the history."""

from django.urls import path

from innovate.files import views

app_name = "files"

urlpatterns = [
    path("innovations/<int:pk>/files/", views.file_list, name="list"),
    path("innovations/<int:pk>/files/history/", views.history, name="history"),
    path("moves/<int:pk>/files/", views.move_files, name="move"),
    path("readings/<int:pk>/files/", views.reading_files, name="reading"),
    path("checks/<int:pk>/files/", views.check_files, name="check"),
    path("sessions/<int:pk>/files/", views.session_files, name="session"),
    path("files/<int:pk>/", views.download, name="download"),
    path("files/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
