"""The search index follows every write through the services: a rename is found by its new
name and no longer by its old, a withdrawn reading and a voided move leave it, a removed note
goes; rebuilding it gives the same rows; on PostgreSQL the database writes each row's vector
and a GIN index serves it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.services import evidence, sessions
from attachments import services as attachments
from search.models import Entry
from search.queries import find
from stages import services
from stages.models import Innovation
from tests.attachments import samples
from tests.attachments.conftest import stored  # noqa: F401
from tests.factories import make_move, make_part

pytestmark = pytest.mark.django_db

ON = datetime.date(2024, 1, 1)


def titles(text, organisation):
    found = find(
        text,
        organisation_id=organisation.pk,
        innovations=Innovation.objects.filter(organisation=organisation),
    )
    return [(entry.kind, entry.title) for entry in found.page]


def rows():
    return sorted(
        Entry.objects.values_list(
            "kind", "object_id", "innovation_id", "part_id", "stage_id", "page_id", "title", "body"
        )
    )


def test_a_renamed_part_is_found_by_its_new_name_only(organisation, innovation, leader):
    part = make_part(innovation, by=leader, name="Eastfield hub", on=ON)
    services.update_part(part, by=leader, name="Westfield hub")
    assert titles("Eastfield", organisation) == []
    assert titles("Westfield", organisation) == [("part", "Westfield hub")]


def test_a_moved_part_sits_in_its_new_stage(organisation, innovation, leader):
    part = make_part(innovation, by=leader, name="Eastfield hub", on=ON)
    make_move(part, "advance", by=leader, on=datetime.date(2024, 2, 1))
    (entry,) = Entry.objects.filter(kind="part", object_id=part.pk)
    assert entry.stage.number == 2


def test_a_withdrawn_part_is_not_found_and_a_restored_one_is(
    organisation, innovation, leader, manager
):
    part = make_part(innovation, by=leader, name="Eastfield hub", on=ON)
    services.withdraw_part(part, by=manager, reason="Added by mistake.")
    assert titles("Eastfield", organisation) == []
    services.restore_part(part, by=manager)
    assert titles("Eastfield", organisation) == [("part", "Eastfield hub")]


def test_a_withdrawn_reading_leaves_the_index_and_a_restored_one_returns(
    organisation, innovation, leader, manager
):
    measure = evidence.define_measure(innovation, by=leader, stage=1, name="Calls answered")
    reading = evidence.record_reading(
        measure, by=leader, observed_on=ON, value=3, story="Eastfield counted twice."
    )
    assert titles("twice", organisation) == [("reading", "Calls answered, 1 January 2024")]
    evidence.withdraw_reading(reading, by=leader, reason="Counted twice.")
    assert titles("twice", organisation) == []
    evidence.restore_reading(reading, by=manager)
    assert titles("twice", organisation) == [("reading", "Calls answered, 1 January 2024")]


def test_a_voided_move_leaves_the_index_and_the_void_is_not_shown(organisation, innovation, leader):
    part = make_part(innovation, by=leader, name="North team", on=ON)
    make_move(
        part, "pause", by=leader, on=datetime.date(2024, 2, 1), rationale="Waiting for the rota."
    )
    assert titles("rota", organisation) == [("move", "Pause")]
    make_move(
        part, "void", by=leader, on=datetime.date(2024, 2, 1), rationale="Wrong rota recorded."
    )
    assert titles("rota", organisation) == []
    assert not Entry.objects.filter(kind="move", body__contains="rota").exists()


def test_a_removed_note_and_an_edited_session_are_followed(
    organisation, innovation, leader, facilitator
):
    part = make_part(innovation, by=leader, name="North team", on=ON)
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=datetime.date(2024, 3, 1),
        title="Spring reflection",
        facilitator=facilitator,
        parts=[part],
    )
    note = sessions.add_note(session, by=facilitator, text="Rota worries.", part=part)
    assert titles("rota", organisation) == [("note", "Note")]
    sessions.remove_note(note, by=facilitator)
    assert titles("rota", organisation) == []
    sessions.update_session(
        session,
        by=facilitator,
        held_on=datetime.date(2024, 3, 1),
        title="Summer reflection",
        facilitator=facilitator,
        parts=[part],
    )
    assert titles("reflection", organisation) == [("session", "Summer reflection")]


def test_closing_an_innovation_makes_what_was_learned_searchable(organisation, manager):
    innovation = Innovation.objects.create(organisation=organisation, title="Early help")
    assert titles("schools", organisation) == []
    services.close_innovation(
        innovation, by=manager, learning="Schools were the way in.", outcome="mainstreamed"
    )
    assert titles("schools", organisation) == [("learning", "What we learned: Early help")]


def test_rebuilding_gives_the_rows_the_writes_made(organisation, innovation, leader, facilitator):
    part = make_part(innovation, by=leader, name="North team", on=ON, kind="site")
    make_move(part, "pause", by=leader, on=datetime.date(2024, 2, 1), rationale="Rota.")
    make_move(part, "resume", by=leader, on=datetime.date(2024, 2, 2), rationale="Back.")
    make_move(part, "void", by=leader, on=datetime.date(2024, 2, 2), rationale="Not yet.")
    measure = evidence.define_measure(innovation, by=leader, stage=1, name="Calls", part=part)
    evidence.record_reading(measure, by=leader, observed_on=ON, value=3, story="Busy week.")
    evidence.answer_check(part, by=leader, answer="yes", evidence="Board papers.")
    evidence.record_involvement(
        part, by=leader, level="consulted", who="families", note="Families asked."
    )
    evidence.set_ethics_note(innovation, 1, by=leader, note="Whose power?")
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=datetime.date(2024, 3, 1),
        title="Spring",
        facilitator=facilitator,
        parts=[part],
        notes="First look.",
    )
    sessions.add_note(session, by=facilitator, text="Going well.", part=part)
    sessions.record_decision(session, part, by=facilitator, kind="stay", rationale="Settled.")
    sessions.add_action(session, by=facilitator, text="Book a room.", owner=leader)
    written = rows()
    assert {row[0] for row in written} == {
        "innovation",
        "part",
        "move",
        "measure",
        "reading",
        "check",
        "involvement",
        "ethics",
        "session",
        "note",
        "decision",
        "action",
    }
    Entry.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    assert rows() == written
    assert out.getvalue() == f"The search index holds {len(written)} rows.\n"


def test_postgres_writes_each_vector_and_indexes_it(postgres, organisation, innovation, leader):
    make_part(innovation, by=leader, name="Eastfield hub", on=ON)
    (vector,) = Entry.objects.filter(kind="part").values_list("vector", flat=True)
    assert "'eastfield':1A" in vector
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_vector_gin'"
        )
        assert "USING gin (vector)" in cursor.fetchone()[0]
        # The planner prefers a scan on a table this small; with scans off it takes the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM search_entry WHERE vector @@ "
            "websearch_to_tsquery('english', 'Eastfield')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "search_entry_vector_gin" in plan


def test_an_evidence_file_is_found_by_its_name_until_withdrawn(
    organisation,
    innovation,
    leader,
    stored,  # noqa: F811
):
    attachment = attachments.add_attachment(
        innovation,
        samples.upload("Eastfield board paper.pdf", samples.pdf()),
        by=leader,
        description="Agreed by the board in May.",
    )
    assert titles("board paper", organisation) == [("file", "Eastfield board paper.pdf")]
    assert titles("May", organisation) == [("file", "Eastfield board paper.pdf")]
    attachments.withdraw_attachment(attachment, by=leader, reason="The wrong paper.")
    assert titles("board paper", organisation) == []
