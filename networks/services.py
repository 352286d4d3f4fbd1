"""The one write path for networks. Every change runs in a transaction, locks the row it
changes (select_for_update) and writes only the fields it changes, recording who did it in
the history. Every change to what a network's pages show bumps the network's version, so no
cached network page outlives it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from networks.models import Network, NetworkMember
from stages import clock
from stages.services import save_with_history


def bump_network(network_id):
    """Mark the network's pages as changed, so every cached page of it is rebuilt."""
    Network.objects.filter(pk=network_id).update(version=F("version") + 1)


@transaction.atomic
def create_network(*, owner, name, description="", by):
    """A new network owned by `owner`, which is its first member."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter the network's name"})
    if Network.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A network called {name} already exists"})
    network = Network(
        owner=owner, name=name, description=(description or "").strip(), created_by=by
    )
    network._history_user = by
    network._change_reason = "Created"
    try:
        with transaction.atomic():
            network.save()
    except IntegrityError:
        raise ValidationError({"name": f"A network called {name} already exists"}) from None
    now = clock.now()
    member = NetworkMember(
        network=network,
        organisation=owner,
        invited_by=by,
        invited_at=now,
        joined_by=by,
        joined_at=now,
    )
    save_with_history(member, by=by, reason="Owner of the network")
    return network
