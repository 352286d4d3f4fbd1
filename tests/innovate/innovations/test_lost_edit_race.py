"""One person moves a part while another edits it, at the same moment, through the pages:
on PostgreSQL, threads released together by a barrier, many rounds. Afterwards every part's
row equals the fold of its log, the log is a continuous chain, and every edit and every move
that was acknowledged is there. The same for closing an innovation while its summary is
edited."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from stages import services
from stages.models import Innovation, Move, Part
from tests.factories import make_part

ROUNDS = 12


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def race(*steps):
    """Run each step in its own thread, released together; return what each returned."""
    barrier = threading.Barrier(len(steps))
    results = [None] * len(steps)

    def run(index, step):
        try:
            prepare, act = step
            prepared = prepare()
            barrier.wait(timeout=20)
            results[index] = act(prepared)
        except Exception as error:  # reported by the assertion on the results
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, step)) for n, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def seen_in(response):
    return re.search(r'name="seen" value="(\d+)"', response.content.decode()).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_move_and_an_edit_at_once_lose_neither(postgres, innovation, leader, manager):
    part = make_part(innovation, by=leader, on=datetime.date(2024, 1, 1))
    mover, editor = signed_in(leader), signed_in(manager)
    move_url = reverse("parts:move", args=[part.pk])
    edit_url = reverse("parts:edit", args=[part.pk])

    for round_ in range(1, ROUNDS + 1):
        version = Part.objects.get(pk=part.pk).version
        kind = "pause" if round_ % 2 else "resume"
        review_on = datetime.date(2025, 1, round_)
        decision = {
            "kind": kind,
            "reason": "planned_pause" if kind == "pause" else "",
            "rationale": f"Round {round_}.",
            "effective_on": "2024-06-01",
            "expected_version": version,
        }
        move, edit = race(
            (lambda: None, lambda _, d=decision: mover.post(move_url, d)),
            (
                lambda: seen_in(editor.get(edit_url)),
                lambda seen, r=review_on: editor.post(
                    edit_url,
                    {"seen": seen, "name": "North team", "kind": "team", "next_review_on": r},
                ),
            ),
        )
        assert getattr(move, "status_code", move) == 303, (round_, move)
        assert getattr(edit, "status_code", edit) == 303, (round_, edit)

    part.refresh_from_db()
    log = list(Move.objects.filter(part=part).select_related("to_stage").order_by("seq"))
    assert [move.seq for move in log] == list(range(1, ROUNDS + 2))
    assert services.disagreements(part, log) == []
    assert (part.version, part.state) == (ROUNDS + 1, "active")
    assert part.next_review_on == datetime.date(2025, 1, ROUNDS)
    reasons = list(part.history.values_list("history_change_reason", flat=True))
    assert sum(reason.startswith("Move ") for reason in reasons) == ROUNDS + 1
    assert reasons.count("Edited: next review") == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_a_close_and_an_edit_of_the_summary_at_once_lose_neither(
    postgres, innovation, leader, manager
):
    closer, editor = signed_in(leader), signed_in(manager)
    edit_url = reverse("innovations:edit", args=[innovation.pk])

    for round_ in range(1, ROUNDS + 1):
        closing = round_ % 2
        url = reverse(
            "innovations:close" if closing else "innovations:reopen", args=[innovation.pk]
        )
        close, edit = race(
            (
                lambda: None,
                lambda _, u=url: closer.post(
                    u, {"outcome": "mainstreamed", "learning": "It ran its course."}
                ),
            ),
            (
                lambda: seen_in(editor.get(edit_url)),
                lambda seen, r=round_: editor.post(
                    edit_url, {"seen": seen, "title": innovation.title, "summary": f"Round {r}."}
                ),
            ),
        )
        assert getattr(close, "status_code", close) == 303, (round_, close)
        assert getattr(edit, "status_code", edit) == 303, (round_, edit)
        current = Innovation.objects.get(pk=innovation.pk)
        assert (current.status, current.summary) == (
            "closed" if closing else "open",
            f"Round {round_}.",
        ), round_
