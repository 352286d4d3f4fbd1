"""Search, under /search/."""

from django.urls import path

from innovate.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
]
