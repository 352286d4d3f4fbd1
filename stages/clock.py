"""The time the write path records.

Every timestamp an organisation's data carries (when a move, reading, check, session, decision
or action was recorded, when a row was created, and the date of each history row) comes from
`now()`, and the services' "today" from `localdate()`. Both are the real time, except inside
`recording_at(when)`, which records the writes made in the block at `when`: the demo tells its
story that way, each step written through the same services people use, at the time the step
happened. The setting is a context variable, so it reaches only the code running inside the
block, never another thread or request, and it may never be in the future."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_recording_at = ContextVar("recording_at", default=None)


def now():
    """The time to record: the real time, or the one `recording_at` set."""
    return _recording_at.get() or timezone.now()


def localdate():
    """Today in the site's time zone (Europe/London), as `now()` sees it."""
    return timezone.localdate(now())


@contextmanager
def recording_at(when):
    """Record every write made inside the block at `when`, an aware datetime not after the
    real time."""
    if timezone.is_naive(when):
        raise ValueError("recording_at needs an aware datetime.")
    if when > timezone.now():
        raise ValueError(f"{when:%Y-%m-%d %H:%M} is in the future: nothing is recorded there.")
    token = _recording_at.set(when)
    try:
        yield
    finally:
        _recording_at.reset(token)


def date_history(sender, history_instance, **kwargs):
    """Date a history row at the recording time `recording_at` set; otherwise
    django-simple-history's own date (the real time) stands. Connected to
    `pre_create_historical_record` for every model."""
    when = _recording_at.get()
    if when is not None:
        history_instance.history_date = when
