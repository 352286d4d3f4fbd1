"""Admin for platform staff, for support. Nothing here is deleted: measures are retired, and
readings, checks and involvement records are kept as the team's evidence."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import (
    Action,
    Check,
    Decision,
    EthicsNote,
    Involvement,
    Measure,
    Reading,
    ReflectionSession,
    SessionPart,
)


class KeptAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Measure)
class MeasureAdmin(KeptAdmin):
    list_display = ["name", "innovation", "stage", "part", "scale", "is_active"]
    list_filter = ["is_active", "scale", "stage", "organisation"]
    search_fields = ["name", "innovation__title"]
    list_select_related = ["innovation", "stage", "part"]
    raw_id_fields = ["innovation", "part"]
    readonly_fields = ["organisation", "created_at"]


@admin.register(Reading)
class ReadingAdmin(KeptAdmin):
    list_display = ["measure", "part", "observed_on", "value", "rating", "recorded_by"]
    list_filter = ["rating", "organisation"]
    search_fields = ["measure__name", "story"]
    list_select_related = ["measure", "part", "recorded_by"]
    raw_id_fields = ["measure", "part", "recorded_by"]
    readonly_fields = ["organisation", "recorded_at"]


@admin.register(Check)
class CheckAdmin(KeptAdmin):
    list_display = ["part", "stage", "answer", "answered_on", "answered_by"]
    list_filter = ["answer", "stage", "organisation"]
    search_fields = ["part__name", "evidence"]
    list_select_related = ["part", "stage", "answered_by"]
    raw_id_fields = ["part", "answered_by"]
    readonly_fields = ["organisation", "recorded_at"]


@admin.register(Involvement)
class InvolvementAdmin(KeptAdmin):
    list_display = ["part", "stage", "who", "level", "recorded_on", "recorded_by"]
    list_filter = ["level", "who", "stage", "organisation"]
    search_fields = ["part__name", "note"]
    list_select_related = ["part", "stage", "recorded_by"]
    raw_id_fields = ["part", "recorded_by"]
    readonly_fields = ["organisation", "recorded_at"]


@admin.register(EthicsNote)
class EthicsNoteAdmin(KeptAdmin):
    list_display = ["innovation", "stage", "updated_by", "updated_at"]
    list_filter = ["stage", "organisation"]
    search_fields = ["innovation__title", "note"]
    list_select_related = ["innovation", "stage", "updated_by"]
    raw_id_fields = ["innovation", "updated_by"]
    readonly_fields = ["organisation", "updated_at"]


class SessionPartInline(admin.TabularInline):
    model = SessionPart
    extra = 0
    raw_id_fields = ["part"]
    readonly_fields = ["organisation"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReflectionSession)
class ReflectionSessionAdmin(KeptAdmin):
    list_display = ["title", "innovation", "held_on", "facilitator", "status"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "innovation__title"]
    list_select_related = ["innovation", "facilitator"]
    raw_id_fields = ["innovation", "facilitator", "created_by"]
    readonly_fields = ["organisation", "created_at"]
    inlines = [SessionPartInline]


@admin.register(Decision)
class DecisionAdmin(KeptAdmin):
    list_display = ["part", "kind", "status", "decided_on", "session"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["part__name", "rationale", "session__title"]
    list_select_related = ["part", "session"]
    raw_id_fields = ["session", "part", "move", "recorded_by"]
    readonly_fields = ["organisation", "part_version", "decided_on", "move", "recorded_at"]


@admin.register(Action)
class ActionAdmin(KeptAdmin):
    list_display = ["text", "owner", "due_on", "done", "session"]
    list_filter = ["done", "organisation"]
    search_fields = ["text", "session__title"]
    list_select_related = ["owner", "session"]
    raw_id_fields = ["session", "owner", "created_by"]
    readonly_fields = ["organisation", "created_at"]
