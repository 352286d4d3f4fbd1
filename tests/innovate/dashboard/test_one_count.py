"""Every page counts the same: for random journeys (parts started, advanced, paused, resumed,
stopped), innovations closed before or after the date read, parts and innovations withdrawn as
created by mistake, and each choice of innovations,
the portfolio, compare two dates, time in each stage, flow over time, the board report, My work
and each CSV count the same parts, and that number is the test's own count of the parts started
by the date whose innovation the choice takes in, neither withdrawn nor of a withdrawn
innovation."""

import contextlib
import csv
import datetime
import io
import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from stages import services
from stages.models import Innovation, Move, MoveKind, Part, Role
from stages.rules import MoveRefused
from tests.factories import InnovationFactory, MembershipFactory, OrganisationFactory, make_move
from tests.innovate.dashboard_journeys import TODAY, frozen

D = datetime.date
START = D(2024, 1, 1)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COUNTED = re.compile(r"Counted: ([a-z ]+innovations); (\d+) parts?\.")
WORDS = {
    "open": "open innovations",
    "closed": "closed innovations",
    "all": "open and closed innovations",
}

steps = st.lists(
    st.tuples(st.sampled_from(["advance", "pause", "resume", "stop"]), st.integers(1, 40)),
    max_size=4,
)
# Each part and each innovation may be withdrawn (True) once its journey is written.
parts = st.lists(st.tuples(st.integers(0, 170), steps, st.booleans()), max_size=3)
innovations = st.lists(
    st.tuples(parts, st.one_of(st.none(), st.integers(30, 181)), st.booleans()),
    min_size=1,
    max_size=3,
)


def expected(organisation, on, status):
    """The test's own count: parts whose start move is dated by `on`, of innovations that
    were open (or closed) at the end of that day, leaving out withdrawn parts and the parts of
    withdrawn innovations. Every row is read, withdrawn or not, and the rule applied here."""
    started = {
        m.part_id
        for m in Move.all_objects.filter(organisation=organisation, kind=MoveKind.START)
        if m.effective_on <= on
    }
    count = 0
    for part in Part.all_objects.filter(organisation=organisation).select_related("innovation"):
        innovation = part.innovation
        if part.withdrawn_at is not None or innovation.withdrawn_at is not None:
            continue
        closed = innovation.is_closed and innovation.closed_on <= on
        taken = status == "all" or (status == "closed") == closed
        count += part.pk in started and taken
    return count


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def csv_rows(response):
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw, newline="")))


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class EveryPageCountsTheSame(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = OrganisationFactory(slug="northshire-counts")
        cls.leader = MembershipFactory(organisation=cls.organisation, role=Role.LEADER).user
        cls.viewer = MembershipFactory(organisation=cls.organisation, role=Role.VIEWER).user

    def build(self, drawn):
        """Innovations and parts through the write path; a step the rules refuse is skipped,
        as a leader's refused move would be."""
        for i, (journeys, closed_after, withdrawn) in enumerate(drawn):
            innovation = InnovationFactory(organisation=self.organisation, title=f"Idea {i}")
            mistakes = []
            for j, (start_after, moves, mistake) in enumerate(journeys):
                on = START + datetime.timedelta(days=start_after)
                part = services.start_part(
                    innovation,
                    by=self.leader,
                    name=f"Part {i}.{j}",
                    effective_on=on,
                    lead=self.leader,
                )
                for kind, days in moves:
                    on += datetime.timedelta(days=days)
                    if on > TODAY:
                        break
                    extra = (
                        {"review_on": on + datetime.timedelta(days=30)} if kind == "pause" else {}
                    )
                    try:
                        make_move(part, kind, by=self.leader, on=on, **extra)
                    except (MoveRefused, ValidationError):
                        continue
                if mistake:
                    mistakes.append(part)
            if closed_after is not None:
                with contextlib.suppress(MoveRefused, ValidationError):
                    services.close_innovation(
                        innovation,
                        by=self.leader,
                        learning="Learned.",
                        outcome="other",
                        closed_on=START + datetime.timedelta(days=closed_after),
                    )
            for part in mistakes:
                services.withdraw_part(part, by=self.leader, reason="Created by mistake.")
            if withdrawn:
                services.withdraw_innovation(innovation, by=self.leader, reason="Entered twice.")

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        drawn=innovations,
        on=st.sampled_from([TODAY, D(2024, 3, 15), D(2024, 5, 1)]),
        status=st.sampled_from(["open", "closed", "all"]),
    )
    def test_every_page_picture_report_and_file_counts_the_same_parts(self, drawn, on, status):
        cache.clear()  # rolled-back examples reuse ids and versions
        with frozen():
            self.build(drawn)
            want = expected(self.organisation, on, status)
            client = Client()
            client.force_login(self.viewer)
            params = {"as_of": on.isoformat(), "status": status}

            def counted(name, **more):
                response = client.get(reverse(f"dashboard:{name}"), {**params, **more})
                assert response.status_code == 200, name
                found = COUNTED.findall(text(response))
                assert found, name
                return found

            pages = {
                "portfolio": counted("portfolio"),
                "durations": counted("durations"),
                "flow": counted("flow", months="6"),
                "compare": counted("compare", to=on.isoformat()),
                "report": counted("report"),
            }
            for name, found in pages.items():
                assert found == [(WORDS[status], str(want))], (name, found, want)

            portfolio = csv_rows(client.get(reverse("dashboard:export-portfolio"), params))
            assert len([row for row in portfolio if row["Part"]]) == want
            durations = csv_rows(client.get(reverse("dashboard:export-durations"), params))
            assert len(durations) == want
            moves = csv_rows(client.get(reverse("dashboard:export-moves"), params))
            assert len({(row["Innovation"], row["Part"]) for row in moves}) == want

            if on == TODAY and status == "open":
                mine = Client()
                mine.force_login(self.leader)
                response = mine.get(reverse("dashboard:my-work"))
                assert len(response.context["parts"]) == want
            every = Innovation.all_objects.filter(organisation=self.organisation)
            assert every.count() == len(drawn)
            current = Innovation.objects.filter(organisation=self.organisation)
            assert current.count() == sum(1 for *_rest, withdrawn in drawn if not withdrawn)


def test_the_pages_count_open_innovations_unless_asked(client_for, viewer, organisation, leader):
    """The default, and the words that say what is counted."""
    with frozen():
        kept = InnovationFactory(organisation=organisation, title="Kept")
        services.start_part(kept, by=leader, name="Kept team", effective_on=START)
        ended = InnovationFactory(organisation=organisation, title="Ended")
        services.start_part(ended, by=leader, name="Ended team", effective_on=START)
        services.close_innovation(
            ended, by=leader, learning="Learned.", outcome="other", closed_on=D(2024, 5, 1)
        )
        client = client_for(viewer)
        for name in ("portfolio", "durations", "flow", "compare", "report"):
            page = text(client.get(reverse(f"dashboard:{name}")))
            assert "Counted: open innovations; 1 part." in page, name
            assert "Ended team" not in page, name
            every = text(client.get(reverse(f"dashboard:{name}"), {"status": "all"}))
            assert "Counted: open and closed innovations; 2 parts." in every, name
        everything = client.get(reverse("dashboard:portfolio"), {"status": "all"})
        assert "Ended team stopped" in text(everything)
        assert 'href="/dashboard/export/moves.csv?status=all"' in everything.content.decode()
