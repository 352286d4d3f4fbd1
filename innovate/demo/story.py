"""The demo's steps in the order they happened.

Each loader adds its steps to a `Story`, each on the day it happened; `run()` then writes them
in date order, every step through the same services people use, with the services' clock set to
the step's time (`stages.clock.recording_at`). So every timestamp the services record (when a
move, reading, check, session, decision or action was recorded, when a row was created) and
every history row carries the day of its step, and each step sees the organisation as it stood
that day: a session's decision is recorded against the part's position on the session's day,
not its position today. Nothing is written first and re-dated afterwards (the moves table is
append-only), and nothing is dated after the real time."""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from functools import partial
from itertools import groupby

from django.utils import timezone

from stages import clock

# A working day: the first step of a day at twenty past nine, the others a few minutes apart,
# all of them before half past four.
DAY_STARTS = time(9, 20)
DAY_LENGTH = timedelta(hours=7, minutes=10)
STEP = timedelta(minutes=7)


def _moment(day, at=DAY_STARTS):
    return timezone.make_aware(datetime.combine(day, at))


@contextmanager
def recorded_on(day, at=DAY_STARTS):
    """Write the block's rows as recorded on `day` at `at`, or at the present moment when that
    is later than now (a step dated today, before the working day has begun)."""
    with clock.recording_at(min(_moment(day, at), timezone.now())):
        yield


class Story:
    """Dated steps, run in the order they happened. Steps of the same day run in the order
    they were added, so a step may use what an earlier step of the same day made."""

    def __init__(self):
        self._steps = []

    def on(self, day, step, *args, **kwargs):
        """Do `step(*args, **kwargs)` on `day` (a date, not after today)."""
        self._steps.append((day, len(self._steps), partial(step, *args, **kwargs)))

    def run(self):
        """Run every step, each under the clock set to its day and time of day."""
        steps = sorted(self._steps, key=lambda s: (s[0], s[1]))
        self._steps = []
        for day, group in groupby(steps, key=lambda s: s[0]):
            group = list(group)
            gap = min(STEP, DAY_LENGTH / len(group))
            at = _moment(day)
            for _day, _n, step in group:
                with clock.recording_at(min(at, timezone.now())):
                    step()
                at += gap
