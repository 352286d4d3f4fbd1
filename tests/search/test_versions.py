"""Every write the search index follows moves the organisation's version on, in the same
transaction: the search page keeps its results under that version (as the dashboards keep
theirs), so a result is never shown after the write that changed it. Each step below is one
write through a service; while it runs, every row it puts in the index or takes out is
recorded, and the organisation of each must have a newer version afterwards. The steps
between them write every kind of row there is."""

import datetime

import pytest

from assessments.services import evidence, sessions
from attachments import services as attachments
from search import indexing
from search.models import Kind
from stages import services, teams
from stages.models import Innovation, Organisation
from tests.attachments import samples
from tests.attachments.conftest import stored  # noqa: F401
from tests.factories import make_move, make_part

pytestmark = pytest.mark.django_db

ON = datetime.date(2024, 1, 1)


class Recorder:
    """Wraps the index's writers: the kinds written and their organisations, step by step."""

    def __init__(self, monkeypatch):
        self.kinds = set()
        self.organisations = set()
        for name in ("index", "unindex"):
            monkeypatch.setattr(indexing, name, self._wrap(getattr(indexing, name)))

    def _wrap(self, write):
        def recorded(record):
            for kind, fields in indexing.DESCRIBERS[record._meta.label][0](record):
                self.kinds.add(kind)
                if fields and "organisation_id" in fields:
                    self.organisations.add(fields["organisation_id"])
            self.organisations.add(getattr(record, "organisation_id", None))
            return write(record)

        return recorded

    def step(self, write):
        """Run one write; assert it moved on the version of every organisation it indexed."""
        self.organisations.clear()
        before = dict(Organisation.objects.values_list("pk", "version"))
        result = write()
        after = dict(Organisation.objects.values_list("pk", "version"))
        self.organisations.discard(None)
        assert self.organisations, "the step wrote nothing to the index"
        for organisation_id in self.organisations:
            assert after[organisation_id] > before[organisation_id], (
                f"a write to the index left organisation {organisation_id}'s version as it was"
            )
        return result


def test_every_write_the_index_follows_moves_the_organisations_version_on(
    monkeypatch,
    organisation,
    leader,
    facilitator,
    manager,
    stored,  # noqa: F811
):
    recorder = Recorder(monkeypatch)
    step = recorder.step
    innovation = step(
        lambda: services.create_innovation(organisation, by=manager, title="Family hubs")
    )
    step(lambda: services.update_innovation(innovation, by=manager, summary="Hubs for all."))
    part = step(lambda: make_part(innovation, by=leader, name="Eastfield hub", on=ON))
    step(lambda: services.update_part(part, by=leader, name="Westfield hub"))
    step(lambda: make_move(part, "pause", by=leader, on=ON, rationale="Waiting for the rota."))
    step(lambda: make_move(part, "void", by=leader, on=ON, rationale="Recorded by mistake."))
    step(lambda: services.withdraw_part(part, by=manager, reason="Added by mistake."))
    step(lambda: services.restore_part(part, by=manager))
    measure = step(
        lambda: evidence.define_measure(innovation, by=leader, stage=1, name="Calls answered")
    )
    step(lambda: evidence.update_measure(measure, by=leader, name="Calls answered in a day"))
    reading = step(
        lambda: evidence.record_reading(
            measure, by=leader, observed_on=ON, value=3, story="Counted at Eastfield."
        )
    )
    step(lambda: evidence.withdraw_reading(reading, by=leader, reason="Counted twice."))
    step(lambda: evidence.restore_reading(reading, by=manager))
    step(lambda: evidence.answer_check(part, by=leader, answer="yes", evidence="Board papers."))
    step(
        lambda: evidence.record_involvement(
            part, by=leader, level="co_designing", who="young_people", note="They chose it."
        )
    )
    step(lambda: evidence.set_ethics_note(innovation, 1, by=leader, note="Whose power?"))
    session = step(
        lambda: sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=datetime.date(2024, 3, 1),
            title="Spring reflection",
            facilitator=facilitator,
            parts=[part],
        )
    )
    note = step(lambda: sessions.add_note(session, by=facilitator, text="Rota worries."))
    step(lambda: sessions.remove_note(note, by=facilitator))
    step(
        lambda: sessions.record_decision(
            session, part, by=facilitator, kind="stay", rationale="Settling in."
        )
    )
    action = step(
        lambda: sessions.add_action(session, by=facilitator, text="Book a room.", owner=leader)
    )
    step(lambda: sessions.complete_action(action, by=leader))
    attachment = step(
        lambda: attachments.add_attachment(
            innovation, samples.upload("Board paper.pdf", samples.pdf()), by=leader
        )
    )
    step(lambda: attachments.withdraw_attachment(attachment, by=leader, reason="Wrong paper."))
    step(
        lambda: teams.set_team(
            innovation, by=manager, lead=leader, contributors=[], restricted=True
        )
    )
    step(
        lambda: services.close_innovation(
            Innovation.objects.get(pk=innovation.pk),
            by=manager,
            learning="Schools were the way in.",
            outcome="mainstreamed",
        )
    )
    step(lambda: services.withdraw_innovation(innovation, by=manager, reason="A duplicate."))
    assert recorder.kinds == set(Kind), "every kind of row is written by one of the steps"
