import datetime

from stages import services
from stages.models import Move
from tests.factories import make_part


def test_a_part_starts_and_advances(innovation, leader):
    part = make_part(innovation, by=leader)
    services.move_part(part, kind="advance", by=leader, effective_on=datetime.date(2024, 2, 1))
    part.refresh_from_db()
    assert part.stage.number == 2
    assert Move.objects.filter(part=part).count() == 2
