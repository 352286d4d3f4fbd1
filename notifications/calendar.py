"""A reflection session as an iCalendar event (icalendar): the same UID for every update and
cancellation, and a sequence that rises with each change, so calendars replace what they
hold. Times are Europe/London, with the zone's definition included."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from stages import clock

LONDON = ZoneInfo("Europe/London")
PRODUCT = "-//Innovate//Reflection sessions//EN"


def uid(session):
    host = urlsplit(settings.SITE_URL).hostname or "innovate"
    return f"reflection-session-{session.pk}@{host}"


def _person(user, role="REQ-PARTICIPANT"):
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.get_username())
    if role:
        address.params["role"] = vText(role)
    return address


def event_calendar(session, *, method="PUBLISH", attendees=()):
    """The .ics file's bytes for `session` (facilitator and innovation selected). `method`:
    PUBLISH for a download, REQUEST for an invitation or its update, CANCEL when the session
    is cancelled for the attendees named."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid(session))
    event.add("sequence", session.calendar_sequence)
    event.add("dtstamp", clock.now())
    event.add("summary", f"{session.title} ({session.innovation.title})")
    if session.starts_at:
        start = datetime.combine(session.held_on, session.starts_at, tzinfo=LONDON)
        end = (
            datetime.combine(session.held_on, session.ends_at, tzinfo=LONDON)
            if session.ends_at
            else start + timedelta(hours=1)
        )
        event.add("dtstart", start)
        event.add("dtend", end)
    else:
        event.add("dtstart", session.held_on)
        event.add("dtend", session.held_on + timedelta(days=1))
    if session.place or session.online_link:
        event.add("location", session.where())
    agenda = f"{settings.SITE_URL}{reverse('sessions:agenda', args=[session.pk])}"
    event.add("url", session.online_link or agenda)
    description = f"Reflection session on {session.innovation.title}. The agenda: {agenda}"
    if session.online_link:
        description += f"\nJoin online: {session.online_link}"
    event.add("description", description)
    event.add("organizer", _person(session.facilitator, role=None))
    for person in attendees:
        event.add("attendee", _person(person))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(event)
    if session.starts_at:
        calendar.add_missing_timezones()
    return calendar.to_ical()
