"""Sending: claim each item in the sent-log, then send one email per person, with retries.

An item is claimed by inserting its Delivery row (unique on person, kind, item and day) in a
transaction of its own: a second worker running the same job at the same moment waits for
the first's insert and then finds the row taken, so it leaves the item out. An email is tried
NOTIFY_SEND_TRIES times, waiting NOTIFY_RETRY_SECONDS and then twice as long each time; if
every try fails its items are recorded as failed, which managers see."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from notifications import rules, tokens
from notifications.models import Delivery, DeliveryStatus, Frequency, Kind
from notifications.services import frequencies
from stages import clock
from stages.models import Membership, Role

logger = logging.getLogger(__name__)

MONDAY = 0


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def recipients():
    """The active memberships of enabled accounts with an email address: a deactivated person
    receives nothing. (A guest whose access has ended sees no innovation, so is told
    nothing.)"""
    return (
        Membership.objects.active()
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("organisation_id", "user_id")
    )


def wanted(items, chosen, today):
    """The items the person asked for today: a kind that is off never; a weekly kind on
    Mondays only."""
    return [
        item
        for item in items
        if chosen[item.kind] == Frequency.DAILY
        or (chosen[item.kind] == Frequency.WEEKLY and today.weekday() == MONDAY)
    ]


STALE_AFTER = timedelta(hours=1)


def settle_stale():
    """Items claimed over an hour ago and still not sent: the worker stopped between claiming
    and sending. They are recorded as failed, so managers see them, never silently lost."""
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, created_at__lt=clock.now() - STALE_AFTER
    ).update(
        status=DeliveryStatus.FAILED,
        error="The worker stopped before this email was sent.",
    )


def send_reminders(today=None, *, seen):
    """The daily reminder to each person of what fell due for them; nothing when there is
    nothing to say. Returns the number of emails sent."""
    today = today or clock.localdate()
    settle_stale()
    sent = 0
    for membership in recipients():
        items = rules.due_items(membership, today, seen=seen)
        if not items:
            continue
        items = wanted(items, frequencies(membership.user, membership.organisation), today)
        if not items:
            continue
        sent += deliver(
            membership,
            items,
            subject=lambda claimed, membership=membership: _reminders_subject(
                len(claimed), membership.organisation
            ),
            template="email/reminders",
            context={"today": today},
        )
    return sent


def _reminders_subject(count, organisation):
    return f"{count} reminder{'' if count == 1 else 's'} from Innovate for {organisation.name}"


def sections(items):
    """The items under their kinds' headings, in the order given."""
    found = {}
    for item in items:
        found.setdefault(item.label, []).append(item)
    return found


def claim(membership, items):
    """The items this run may send: those whose Delivery row it inserted. One transaction
    for the person's items (a savepoint each): a second worker inserting the same first item
    waits for this one to commit, then finds every item taken, so a person's items are never
    split between two emails."""
    claimed = []
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    row = Delivery.objects.create(
                        user_id=membership.user_id,
                        organisation_id=membership.organisation_id,
                        kind=item.kind,
                        item=item.key,
                        day=item.day,
                        subject=item.text[:300],
                    )
            except IntegrityError:
                continue
            claimed.append((item, row.pk))
    return claimed


def deliver(membership, items, *, subject, template, context, attachments=()):
    """Claim the items, then send them in one email to the membership's person; 1 when an
    email went, 0 when every item was already sent or the sending failed. The email tells
    only of the items this run claimed: one sent earlier is never repeated beside a new one.
    `subject` may be a function of those items."""
    claimed = claim(membership, items)
    if not claimed:
        return 0
    ids = [pk for _, pk in claimed]
    kinds = sorted({item.kind for item, _ in claimed})
    fresh = [item for item, _ in claimed]
    message = build(
        membership.user,
        kinds,
        subject=subject(fresh) if callable(subject) else subject,
        template=template,
        context={
            **context,
            "items": fresh,
            "sections": sections(fresh),
            "organisation": membership.organisation,
        },
        attachments=attachments,
    )
    return send(message, ids)


def build(user, kinds, *, subject, template, context, attachments=()):
    """The email in plain text and HTML, with its one-click unsubscribe link."""
    unsubscribe = absolute(reverse("notifications:unsubscribe", args=[tokens.make(user, kinds)]))
    context = {
        **context,
        "person": user,
        "name": user.get_full_name() or user.get_username(),
        "site": settings.SITE_URL,
        "unsubscribe": unsubscribe,
        "preferences": absolute(reverse("notifications:preferences")),
        "subject": subject,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


def send(message, ids):
    """Send with retries; record the items sent or failed. 1 when sent."""
    tries = max(1, settings.NOTIFY_SEND_TRIES)
    error = None
    for attempt in range(tries):
        if attempt:
            time.sleep(settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1))
        try:
            message.send()
        # Anything the mail backend raises counts as a failed try: the items are recorded
        # as failed rather than left half-sent.
        except Exception as failure:  # noqa: BLE001
            error = failure
            logger.warning("An email to %s failed (try %s): %s", message.to, attempt + 1, failure)
            continue
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENT, attempts=attempt + 1, sent_at=clock.now()
        )
        return 1
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.FAILED, attempts=tries, error=str(error)[:300]
    )
    logger.error("An email to %s failed after %s tries: %s", message.to, tries, error)
    return 0


def send_digests(today=None, *, seen, attention):
    """The weekly digest to each manager who has not turned it off, at most once a week
    (its item is dated the week's Monday); nothing when the week holds nothing to say."""
    from notifications import digest as digests

    today = today or clock.localdate()
    monday = today - timedelta(days=today.weekday())
    sent = 0
    for membership in recipients():
        if not membership.may(Role.MANAGER) or membership.is_guest:
            continue
        chosen = frequencies(membership.user, membership.organisation)
        if chosen[Kind.DIGEST] == Frequency.OFF:
            continue
        digest = digests.build(
            membership.organisation, today, innovations=seen(membership), attention=attention
        )
        if not digest:
            continue
        item = digests.digest_item(membership.organisation, monday)
        sent += deliver(
            membership,
            [item],
            subject=f"Innovate: the week at {membership.organisation.name}",
            template="email/digest",
            context={"digest": digest},
        )
    return sent


def send_invitations(session_id, person_ids, method, *, seen):
    """The session's calendar invitation (REQUEST: new or updated; CANCEL) to each person who
    may see its innovation and has not turned invitations off, once per version of the
    session. Returns the number of emails sent."""
    from assessments.models import ReflectionSession
    from notifications.calendar import event_calendar

    session = (
        ReflectionSession.objects.select_related("innovation", "facilitator", "organisation")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return 0
    today = clock.localdate()
    sent = 0
    for membership in recipients().filter(
        organisation_id=session.organisation_id, user_id__in=person_ids
    ):
        if not seen(membership).filter(pk=session.innovation_id).exists():
            continue
        chosen = frequencies(membership.user, membership.organisation)
        if chosen[Kind.INVITATION] == Frequency.OFF:
            continue
        cancelled = method == "CANCEL"
        # An update only to someone already invited: a person first invited after the
        # session changed receives a plain invitation.
        told = Delivery.objects.filter(
            user_id=membership.user_id,
            kind=Kind.INVITATION,
            item__startswith=f"session:{session.pk}:",
            item__endswith=":request",
            status=DeliveryStatus.SENT,
        ).exists()
        words = "Cancelled" if cancelled else ("Updated" if told else "")
        text = f"{session.title} ({session.innovation.title}): {session.when()}"
        item = rules.Item(
            Kind.INVITATION,
            f"session:{session.pk}:{session.calendar_sequence}:{method.lower()}",
            today,
            text,
            reverse("sessions:detail", args=[session.pk]),
        )
        ics = event_calendar(session, method=method, attendees=[membership.user])
        subject = f"{words + ': ' if words else 'Invitation: '}{session.title} on {session.when()}"
        sent += deliver(
            membership,
            [item],
            subject=subject,
            template="email/invitation",
            context={"session": session, "cancelled": cancelled, "updated": bool(words)},
            attachments=[("invitation.ics", ics, f"text/calendar; method={method}")],
        )
    return sent
