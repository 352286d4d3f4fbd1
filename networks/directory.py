"""Reads of who belongs where: the networks an organisation is in, the invitations waiting
for it, the members and observers of one network. (What a network may see of the
organisations' innovations is read in networks.queries.)"""

from django.db.models import Prefetch

from networks.models import (
    Adoption,
    Component,
    Fidelity,
    Network,
    NetworkMember,
    Observer,
    SharedModel,
    Sharing,
)


def networks_of(organisation_ids):
    """[(network, NetworkMember)] of the organisations' current places, by network name. One
    query."""
    places = (
        NetworkMember.objects.current()
        .filter(organisation_id__in=list(organisation_ids))
        .select_related("network__owner", "organisation")
        .order_by("network__name", "organisation__name")
    )
    return [(place.network, place) for place in places]


def invitations_for(organisation_ids):
    """The open invitations of the organisations to networks, oldest first. One query."""
    return list(
        NetworkMember.objects.pending()
        .filter(organisation_id__in=list(organisation_ids))
        .select_related("network__owner", "organisation", "invited_by")
        .order_by("invited_at", "pk")
    )


def all_networks():
    """Every network with its owner, by name (for platform administrators). One query."""
    return list(Network.objects.select_related("owner").order_by("name"))


def places_in(network):
    """Every place in the network, current or not, with who did what. One query."""
    return list(
        NetworkMember.objects.filter(network=network)
        .select_related("organisation", "invited_by", "joined_by", "left_by", "declined_by")
        .order_by("organisation__name", "-invited_at", "-pk")
    )


def observers_of(network):
    """Every observer of the network and every invitation, newest first. One query."""
    return list(
        Observer.objects.filter(network=network)
        .select_related("user", "invited_by", "ended_by")
        .order_by("-invited_at", "-pk")
    )


def sharings_of(innovation):
    """{network id: Sharing} of the innovation, with who set each. One query."""
    return {
        s.network_id: s
        for s in Sharing.objects.filter(innovation=innovation).select_related("set_by", "network")
    }


def shared_lines(innovation):
    """The innovation's sharings above "nothing" with networks its organisation is a current
    member of, by network name, with who set each. One query."""
    current = NetworkMember.objects.current().filter(organisation_id=innovation.organisation_id)
    return list(
        Sharing.objects.filter(innovation=innovation, network__in=current.values("network_id"))
        .exclude(level="nothing")
        .select_related("network", "set_by")
        .order_by("network__name")
    )


def models_to_adopt(innovation):
    """The published models of the networks the innovation's organisation is a current member
    of that it may adopt: not its own, not one it already adopts. A lazy queryset."""
    current = NetworkMember.objects.current().filter(organisation_id=innovation.organisation_id)
    adopted = Adoption.objects.current().filter(innovation=innovation).values("model_id")
    return (
        SharedModel.objects.published()
        .filter(network__in=current.values("network_id"))
        .exclude(innovation=innovation)
        .exclude(pk__in=adopted)
        .select_related("network", "organisation")
        .order_by("network__name", "name")
    )


def components_of(model):
    """The model's components, core components first, in the order they were named. One
    query."""
    return list(Component.objects.filter(model=model).order_by("kind", "position", "pk"))


def adoptions_of(innovation):
    """The innovation's current adoptions, with their models and networks. One query."""
    return list(
        Adoption.objects.current()
        .filter(innovation=innovation)
        .select_related("model__network")
        .order_by("model__name")
    )


def adoption_components(adoption):
    """The adoption's model's components (core first, each core one with this adoption's
    fidelity as `fidelity`, or None). Two queries."""
    fidelities = Fidelity.objects.filter(adoption=adoption).select_related("recorded_by")
    components = list(
        Component.objects.filter(model_id=adoption.model_id)
        .prefetch_related(Prefetch("fidelities", queryset=fidelities, to_attr="found"))
        .order_by("kind", "position", "pk")
    )
    for component in components:
        component.fidelity = component.found[0] if component.found else None
    return components


def fidelity_history(adoption):
    """Every answer recorded for the adoption, newest first, with who. One query."""
    return list(
        Fidelity.history.filter(adoption_id=adoption.pk)
        .select_related("history_user", "component")
        .order_by("-history_date", "-history_id")
    )
