"""stages.clock: the time the write path records, set for a block by recording_at."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from stages import clock, services
from stages.models import MoveKind, Part
from tests.factories import InnovationFactory, UserFactory, make_part

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def test_writes_inside_recording_at_carry_its_time_in_their_rows_and_history():
    by = UserFactory()
    innovation = InnovationFactory()
    then = datetime(2025, 3, 4, 10, 15, tzinfo=LONDON)
    with clock.recording_at(then):
        assert clock.localdate() == date(2025, 3, 4)
        part = make_part(innovation, by=by, on=date(2025, 3, 4))
    later = datetime(2025, 6, 9, 14, 0, tzinfo=LONDON)
    with clock.recording_at(later):
        services.move_part(part, kind=MoveKind.ADVANCE, by=by, effective_on=date(2025, 6, 9))

    start, advance = part.moves.order_by("seq")
    assert (start.recorded_at, advance.recorded_at) == (then, later)
    part = Part.objects.get(pk=part.pk)
    assert part.created_at == then
    assert [row.history_date for row in part.history.order_by("history_id")] == [then, later]


def test_outside_recording_at_the_real_time_is_recorded():
    by = UserFactory()
    with clock.recording_at(datetime(2025, 3, 4, 10, 15, tzinfo=LONDON)):
        pass
    before = timezone.now()
    part = make_part(InnovationFactory(), by=by, on=date(2025, 3, 4))
    assert part.moves.get().recorded_at >= before
    assert part.history.get().history_date >= before
    assert clock.localdate() == timezone.localdate()


def test_the_services_today_is_the_recording_day():
    """A move cannot take effect after the day it is recorded."""
    by = UserFactory()
    recorded = clock.recording_at(datetime(2025, 3, 4, 10, 15, tzinfo=LONDON))
    with recorded, pytest.raises(services.MoveRefused):
        make_part(InnovationFactory(), by=by, on=date(2025, 3, 5))


def test_recording_at_refuses_the_future_and_a_naive_time():
    with (
        pytest.raises(ValueError, match="future"),
        clock.recording_at(timezone.now() + timedelta(minutes=5)),
    ):
        pass
    with pytest.raises(ValueError, match="aware"), clock.recording_at(datetime(2025, 3, 4, 10, 15)):
        pass
