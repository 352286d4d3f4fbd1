"""Calendar invitations leave through the worker's queue once the change that caused them is
committed, so a slow or failing mail server never holds up the page (and a failed send is
retried, then recorded)."""

from django.db import transaction
from django_q.tasks import async_task

from assessments.models import Attendee


def invited(session):
    """The ids of the people invited to the session by name."""
    return list(
        Attendee.objects.filter(session=session, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def send_later(session, person_ids, method):
    """Queue the invitation (REQUEST) or cancellation (CANCEL) for these people."""
    person_ids = [pk for pk in person_ids if pk]
    if not person_ids:
        return
    transaction.on_commit(
        lambda: async_task(
            "innovate.notifications.jobs.session_invitations",
            session.pk,
            person_ids,
            method,
        )
    )
