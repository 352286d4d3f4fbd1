"""Where a network's links lead: shared by the networks' pages and the home page."""

from django.urls import NoReverseMatch, reverse


def network_home(network):
    """The network's own page: its wheel where that page exists, else its members."""
    try:
        return reverse("networks:wheel", args=[network.pk])
    except NoReverseMatch:
        return reverse("networks:members", args=[network.pk])
