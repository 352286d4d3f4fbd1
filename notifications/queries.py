"""Reads of the sent-log."""

from notifications.models import Delivery, DeliveryStatus

FAILED_SHOWN = 100


def failed_deliveries(organisation):
    """([the latest FAILED_SHOWN failed items, newest first, person selected], how many
    failed in all). Two queries."""
    failed = Delivery.objects.filter(organisation=organisation, status=DeliveryStatus.FAILED)
    rows = list(failed.select_related("user").order_by("-created_at", "-pk")[:FAILED_SHOWN])
    return rows, failed.count()
