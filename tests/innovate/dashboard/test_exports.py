"""CSV files of the dashboards: their content, their names, streaming, and the neutralising of
every cell that a spreadsheet would read as a formula."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from innovate.csv import DANGEROUS_FIRST, csv_lines, safe_cell
from stages import services
from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.dashboard_journeys import build, frozen

D = datetime.date


@pytest.fixture(autouse=True)
def _clock():
    with frozen():
        yield


@pytest.fixture
def journeys(organisation, innovation, leader, manager, facilitator):
    return build(organisation, innovation, leader=leader, manager=manager, facilitator=facilitator)


def download(client, name, **params):
    response = client.get(reverse(f"dashboard:{name}"), params)
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return response, rows


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


# --- The one helper ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://example.org")', '\'=HYPERLINK("http://example.org")'),
        ("+44 1234 567890", "'+44 1234 567890"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
    ],
)
def test_a_cell_beginning_with_a_dangerous_character_is_neutralised(value, written):
    assert safe_cell(value) == written


def test_the_dangerous_first_characters_are_exactly_these():
    assert set(DANGEROUS_FIRST) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Family group conferencing", "Family group conferencing"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (-3, "'-3"),
        (True, "yes"),
        (False, "no"),
        (D(2024, 6, 30), "2024-06-30"),
    ],
)
def test_other_cells_are_written_as_they_are(value, written):
    assert safe_cell(value) == written


def test_lines_begin_with_a_byte_order_mark_and_quote_what_needs_quoting():
    lines = list(csv_lines(["Name", "Why"], [["=A1", 'Said "no",\nthen yes']]))
    assert lines[0] == "\ufeffName,Why\r\n"
    assert lines[1] == '\'=A1,"Said ""no"",\nthen yes"\r\n'


# --- The portfolio -----------------------------------------------------------------------


def test_the_portfolio_file_has_a_row_per_part(client_for, viewer, leader, journeys):
    response, rows = download(client_for(viewer), "export-portfolio")
    assert response["Content-Disposition"] == (
        'attachment; filename="northshire-portfolio-2024-06-30.csv"'
    )
    found = {row["Part"]: row for row in as_dicts(rows)}
    assert set(found) == {
        "North team",
        "South team",
        "Slow team",
        "Steady team",
        *(f"Kinship team {n}" for n in range(1, 6)),
    }
    north = found["North team"]
    assert {k: north[k] for k in rows[0]} == {
        "Innovation": "Family group conferencing",
        "Open or closed": "Open",
        "How it ended": "",
        "Tags": "edge of care, family-led",
        "Innovation lead": leader.get_full_name(),
        "Part": "North team",
        "Kind of part": "Team",
        "Stage number": "2",
        "Stage": "Designing",
        "Round": "1",
        "State": "Active",
        "Part lead": leader.get_full_name(),
        "Days in stage": "60",
        "Revisit the pause on": "",
        "Next review": "2024-06-01",
        "Last move": "Advance",
        "Last move on": "2024-05-01",
        "Reason": "",
        "Measures on track": "1",
        "Measures in use": "1",
        "Last session": "2024-05-15",
        "Looks stuck": "no",
    }
    south = found["South team"]
    assert (south["State"], south["Revisit the pause on"], south["Reason"]) == (
        "Paused",
        "2024-03-01",
        "Funding",
    )
    assert found["Slow team"]["Looks stuck"] == "yes"


def test_the_portfolio_file_keeps_the_filters_and_the_date(client_for, viewer, journeys):
    response, rows = download(
        client_for(viewer), "export-portfolio", state="paused", as_of="2024-03-01"
    )
    assert response["Content-Disposition"].endswith('-2024-03-01.csv"')
    assert [(r["Part"], r["Stage"], r["State"]) for r in as_dicts(rows)] == [
        ("North team", "Designing", "Paused"),
        ("South team", "Developing", "Paused"),
    ]


def test_an_innovation_with_no_part_has_a_row_of_its_own(client_for, viewer, organisation):
    InnovationFactory(organisation=organisation, title="Just an idea")
    _response, rows = download(client_for(viewer), "export-portfolio")
    (only,) = as_dicts(rows)
    assert (only["Innovation"], only["Part"], only["Looks stuck"]) == ("Just an idea", "", "")


@pytest.mark.parametrize("name", ["export-portfolio", "export-moves", "export-durations"])
def test_a_file_for_a_bad_date_is_refused_with_the_reason(client_for, viewer, journeys, name):
    response = client_for(viewer).get(reverse(f"dashboard:{name}"), {"as_of": "2024-02-30"})
    assert response.status_code == 422
    assert response.streaming is False
    html = response.content.decode()
    assert "As of: The as-of date must be a real date" in html
    assert "The file could not be made" in html


# --- Moves -------------------------------------------------------------------------------


def test_the_moves_file_has_every_move_with_its_reasons(client_for, viewer, journeys, leader):
    make_move(journeys["slow"], "advance", by=leader, on=D(2024, 6, 1))
    make_move(journeys["slow"], "void", by=leader, on=D(2024, 6, 2), rationale="Wrong part.")
    response, rows = download(client_for(viewer), "export-moves")
    assert response["Content-Disposition"] == (
        'attachment; filename="northshire-moves-2024-06-30.csv"'
    )
    moves = as_dicts(rows)
    # The two moves of Mentor pool, whose innovation is closed, are counted only when asked for.
    assert len(moves) == 22
    assert "Mentoring" not in {m["Innovation"] for m in moves}
    _response, every = download(client_for(viewer), "export-moves", status="all")
    assert len(as_dicts(every)) == 24
    assert [m["Effective on"] for m in moves] == sorted(m["Effective on"] for m in moves)
    pause = next(m for m in moves if m["Part"] == "South team" and m["Decision"] == "Pause")
    assert pause == {
        "Effective on": "2024-02-01",
        "Innovation": "Family group conferencing",
        "Part": "South team",
        "Move number": "2",
        "Decision": "Pause",
        "From stage": "Developing",
        "To stage": "Developing",
        "From state": "Active",
        "To state": "Paused",
        "Round": "1",
        "Reason": "Funding",
        "Why": "Agreed at the review.",
        "Evidence": "",
        "Revisit on": "2024-03-01",
        "Recorded by": pause["Recorded by"],
        "Recorded at": pause["Recorded at"],
        "Voids move number": "",
        "Voided by move number": "",
        "In words": "South team paused in Developing: funding, to revisit on 1 March 2024",
    }
    assert pause["Recorded at"].startswith("2024-06-30T")
    advanced = next(m for m in moves if m["Part"] == "Slow team" and m["Decision"] == "Advance")
    void = next(m for m in moves if m["Decision"] == "Void a mistaken move")
    assert (advanced["Voided by move number"], void["Voids move number"]) == ("3", "2")
    assert void["Why"] == "Wrong part."


def test_the_moves_file_between_two_dates(client_for, viewer, journeys):
    response, rows = download(
        client_for(viewer), "export-moves", after="2024-03-01", as_of="2024-04-01"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="northshire-moves-after-2024-03-01-to-2024-04-01.csv"'
    )
    assert [(m["Part"], m["Decision"]) for m in as_dicts(rows)] == [
        ("North team", "Resume"),
        ("North team", "Rewind"),
        ("Mentor pool", "Stop"),
    ]


def test_the_moves_file_refuses_dates_the_wrong_way_round(client_for, viewer, journeys):
    response = client_for(viewer).get(
        reverse("dashboard:export-moves"), {"after": "2024-04-01", "as_of": "2024-03-01"}
    )
    assert response.status_code == 422
    assert (
        "After the end of: The first date must be before the second." in response.content.decode()
    )


# --- Durations ---------------------------------------------------------------------------


def test_the_durations_file_has_a_row_per_part(client_for, viewer, journeys):
    response, rows = download(client_for(viewer), "export-durations")
    assert response["Content-Disposition"] == (
        'attachment; filename="northshire-durations-2024-06-30.csv"'
    )
    found = {row["Part"]: row for row in as_dicts(rows)}
    north = found["North team"]
    assert (
        north["1. Mobilising: active days"],
        north["1. Mobilising: visits"],
        north["2. Designing: active days"],
        north["2. Designing: paused days"],
        north["3. Developing: active days"],
        north["3. Developing: visits"],
        north["Rewinds"],
        north["Pauses"],
    ) == ("61", "2", "106", "14", "", "0", "1", "1")
    assert found["South team"]["Paused days in all"] == "150"
    assert len(found) == 9  # the parts of open innovations
    _response, rows = download(client_for(viewer), "export-durations", status="all")
    found = {row["Part"]: row for row in as_dicts(rows)}
    assert found["Mentor pool"]["Stopped days"] == "90"
    assert len(found) == 10


# --- Formula injection through real data -------------------------------------------------


def test_names_and_words_that_look_like_formulas_are_neutralised_in_every_file(
    client_for, viewer, organisation, leader
):
    innovation = InnovationFactory(organisation=organisation, title='=HYPERLINK("http://x")')
    services.update_innovation(innovation, by=leader, tags=["@risk"])
    part = make_part(innovation, by=leader, name="+SUM(1,2)", on=D(2024, 1, 1))
    make_move(
        part,
        "pause",
        by=leader,
        on=D(2024, 2, 1),
        rationale="-1+1 was the sum",
        evidence="\tSee the board paper",
    )
    make_move(part, "resume", by=leader, on=D(2024, 3, 1), evidence="\rcmd|' /C calc'!A0")
    client = client_for(viewer)

    _response, rows = download(client, "export-portfolio")
    (row,) = as_dicts(rows)
    assert (row["Innovation"], row["Tags"], row["Part"]) == (
        '\'=HYPERLINK("http://x")',
        "'@risk",
        "'+SUM(1,2)",
    )

    _response, rows = download(client, "export-moves")
    pause = next(m for m in as_dicts(rows) if m["Decision"] == "Pause")
    resume = next(m for m in as_dicts(rows) if m["Decision"] == "Resume")
    assert pause["Innovation"] == '\'=HYPERLINK("http://x")'
    assert pause["Part"] == "'+SUM(1,2)"
    assert pause["Why"] == "'-1+1 was the sum"
    assert pause["Evidence"] == "'\tSee the board paper"
    assert resume["Evidence"] == "'\rcmd|' /C calc'!A0"
    assert pause["In words"].startswith("'+SUM(1,2) paused in Mobilising")

    _response, rows = download(client, "export-durations")
    (row,) = as_dicts(rows)
    assert (row["Innovation"], row["Part"]) == ('\'=HYPERLINK("http://x")', "'+SUM(1,2)")
    for every in rows:
        for cell in every:
            assert not cell.startswith(DANGEROUS_FIRST), cell
