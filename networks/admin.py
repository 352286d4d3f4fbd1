"""Admin for platform staff. Platform administrators are granted here; networks may be
created here too (through the same service as the product's page, so the owner becomes a
member). Nothing of a network is deleted: leaving, ending and withdrawing are dates."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from networks import services
from networks.models import (
    Adoption,
    Component,
    Fidelity,
    Network,
    NetworkMember,
    Observer,
    PlatformAdministrator,
    SharedModel,
    Sharing,
)


class KeptAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlatformAdministrator)
class PlatformAdministratorAdmin(SimpleHistoryAdmin):
    """Granting the role is adding a row; taking it away is deleting it (the history keeps
    who had it, and when)."""

    list_display = ["user", "granted_by", "granted_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Network)
class NetworkAdmin(KeptAdmin):
    list_display = ["name", "owner", "summary_state", "created_at"]
    search_fields = ["name"]
    autocomplete_fields = ["owner"]
    fields = ["name", "description", "owner"]

    def get_readonly_fields(self, request, obj=None):
        return ["owner"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.create_network(
            owner=obj.owner, name=obj.name, description=obj.description, by=request.user
        )
        obj.pk = created.pk


@admin.register(NetworkMember)
class NetworkMemberAdmin(KeptAdmin):
    list_display = ["network", "organisation", "invited_at", "joined_at", "left_at"]
    list_filter = ["network"]
    list_select_related = ["network", "organisation"]
    readonly_fields = [f.name for f in NetworkMember._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Observer)
class ObserverAdmin(KeptAdmin):
    list_display = ["email", "name", "network", "accepted_at", "ended_at"]
    list_filter = ["network"]
    search_fields = ["email", "name"]
    readonly_fields = [f.name for f in Observer._meta.fields if f.name != "token_hash"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False


@admin.register(Sharing)
class SharingAdmin(KeptAdmin):
    list_display = ["innovation", "network", "level", "set_by", "set_at"]
    list_filter = ["level", "network"]
    list_select_related = ["innovation", "network", "set_by"]
    readonly_fields = [f.name for f in Sharing._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SharedModel)
class SharedModelAdmin(KeptAdmin):
    list_display = ["name", "network", "organisation", "published_at", "withdrawn_at"]
    list_filter = ["network"]
    search_fields = ["name"]
    raw_id_fields = ["innovation", "published_by", "withdrawn_by"]
    readonly_fields = ["organisation"]


@admin.register(Component)
class ComponentAdmin(KeptAdmin):
    list_display = ["name", "model", "kind", "position"]
    list_filter = ["kind"]


@admin.register(Adoption)
class AdoptionAdmin(KeptAdmin):
    list_display = ["innovation", "model", "organisation", "linked_at", "ended_at"]
    raw_id_fields = ["innovation", "linked_by", "ended_by"]
    readonly_fields = ["organisation"]


@admin.register(Fidelity)
class FidelityAdmin(KeptAdmin):
    list_display = ["adoption", "component", "state", "recorded_by", "recorded_at"]
    list_filter = ["state"]
    raw_id_fields = ["recorded_by"]
