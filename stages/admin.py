"""Admin for platform staff: support and the stages' text. Moves can be read, never changed."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from stages.models import Innovation, Invitation, Membership, Move, Organisation, Part, Stage
from stages.services import POSITION_FIELDS


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "version"]
    search_fields = ["name"]
    readonly_fields = ["version"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "criterion", "key_question"]
    ordering = ["number"]
    readonly_fields = ["number", "slug"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Innovation)
class InnovationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "status"]
    list_filter = ["status", "organisation"]
    search_fields = ["title"]
    raw_id_fields = ["lead"]

    def get_queryset(self, request):
        # Withdrawn innovations too: support sees every row.
        return Innovation.all_objects.all()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Part)
class PartAdmin(SimpleHistoryAdmin):
    list_display = ["name", "innovation", "stage", "state", "cycle", "version"]
    list_filter = ["state", "stage", "organisation"]
    search_fields = ["name", "innovation__title"]
    raw_id_fields = ["lead", "innovation"]
    # The position changes only through moves.
    readonly_fields = ["organisation", "innovation", *POSITION_FIELDS]

    def get_queryset(self, request):
        return Part.all_objects.all()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Move)
class MoveAdmin(admin.ModelAdmin):
    list_display = ["part", "seq", "kind", "to_stage", "to_state", "effective_on", "recorded_by"]
    list_filter = ["kind", "organisation"]
    search_fields = ["part__name", "rationale"]
    list_select_related = ["part", "to_stage", "recorded_by"]

    def get_queryset(self, request):
        return Move.all_objects.all()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    """Read only: managers invite and revoke from the People page, through the write path."""

    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
