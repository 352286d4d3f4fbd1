"""The innovations and their parts: the list, each innovation's page, its timeline and
history, and the part pages (edit, move, void) under their own namespace."""

from django.urls import path

from innovate.innovations import journey, parts, team, views, withdrawals

app_name = "innovations"

urlpatterns = [
    path("", views.innovation_list, name="list"),
    path("new/", views.innovation_create, name="create"),
    path("withdrawn/", withdrawals.withdrawn_list, name="withdrawn"),
    path("<int:pk>/", views.innovation_detail, name="detail"),
    path("<int:pk>/edit/", views.innovation_edit, name="edit"),
    path("<int:pk>/close/", views.innovation_close, name="close"),
    path("<int:pk>/reopen/", views.innovation_reopen, name="reopen"),
    path("<int:pk>/withdraw/", withdrawals.innovation_withdraw, name="withdraw"),
    path("<int:pk>/restore/", withdrawals.innovation_restore, name="restore"),
    path("<int:pk>/timeline/", journey.timeline, name="timeline"),
    path("<int:pk>/history/", journey.history, name="history"),
    path("<int:pk>/team/", team.team, name="team"),
    path("<int:pk>/team/<int:place_pk>/remove/", team.remove_place, name="remove-place"),
    path("<int:pk>/parts/new/", parts.part_create, name="add-part"),
    path("<int:pk>/parts/many/", parts.part_bulk_create, name="add-parts"),
]

part_urls = (
    [
        path("<int:pk>/edit/", parts.part_edit, name="edit"),
        path("<int:pk>/move/", parts.part_move, name="move"),
        path("<int:pk>/void/", parts.part_void, name="void"),
        path("<int:pk>/withdraw/", withdrawals.part_withdraw, name="withdraw"),
        path("<int:pk>/restore/", withdrawals.part_restore, name="restore"),
    ],
    "parts",
)
