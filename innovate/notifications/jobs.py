"""The scheduled jobs django-q2 runs: each hands the domain's sender the one access core, so
an email tells a person only of the innovations they may see."""

from innovate.access import visible_innovations
from innovate.dashboard.portfolio import attention_items, portfolio
from notifications import sending


def daily_reminders():
    """The daily reminder job; returns the number of emails sent."""
    return sending.send_reminders(seen=visible_innovations)


def _attention(organisation, on, innovations):
    found = portfolio(organisation, on, today=on, innovations=innovations)
    return attention_items(found.alerts)


def weekly_digest():
    """The weekly digest job; returns the number of emails sent."""
    return sending.send_digests(seen=visible_innovations, attention=_attention)


def session_invitations(session_id, person_ids, method):
    """Send a session's invitation, update or cancellation to the people named."""
    return sending.send_invitations(session_id, person_ids, method, seen=visible_innovations)
