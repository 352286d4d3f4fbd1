"""The API token pages, under the namespace "tokens"; the API itself is innovate.api.api."""

from django.urls import path

from innovate.api import views

app_name = "tokens"

urlpatterns = [
    path("people/api-tokens/", views.token_list, name="list"),
    path("people/api-tokens/new/", views.create_token, name="create"),
    path("people/api-tokens/<int:pk>/revoke/", views.revoke_token, name="revoke"),
]
