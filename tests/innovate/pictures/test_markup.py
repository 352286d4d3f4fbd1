"""The pictures' markup comes from templates under templates/svg/: each picture is well-formed
SVG, an image with its title and description, names are escaped, and the stages are named as
their rows say."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from innovate.pictures.charts import Point, Series, key_icon, measure_chart_svg
from innovate.pictures.dashboard import aggregate_wheel_svg, flow_bars_svg, median_bars_svg
from innovate.pictures.timeline import timeline_svg
from innovate.pictures.wheel import Marker, label_lines, wheel_svg
from stages.models import Stage

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>&"x"'
ESCAPED = "&lt;script&gt;&amp;&quot;x&quot;"
START = date(2024, 1, 1)


def day(n):
    return START + timedelta(days=n)


def markers():
    return [
        Marker(1, NASTY, 2, "active", 2),
        Marker(2, "South team", 2, "paused", 1),
        Marker(3, "East team", 4, "stopped", 1),
    ]


def lanes():
    segments = [
        {"start": day(0), "end": day(40), "stage": 1, "state": "active"},
        {"start": day(40), "end": day(90), "stage": 2, "state": "paused"},
        {"start": day(90), "end": day(91), "stage": 2, "state": "stopped"},
    ]
    events = [
        (day(60), "rewind", f"{NASTY} rewound to Mobilising", False),
        (day(70), "advance", f"{NASTY} advanced, voided", True),
        (day(90), "stop", f"{NASTY} stopped", False),
    ]
    return [(NASTY, segments, events)]


def counts():
    return {n: {"active": n, "paused": n % 2, "stopped": n // 6} for n in range(1, 7)}


def medians():
    return {n: SimpleNamespace(days=None if n == 6 else 10 * n, visits=n) for n in range(1, 7)}


def pictures():
    flow = [(date(2024, 1, 31), counts()), (date(2024, 2, 29), counts())]
    series = [Series(NASTY, [Point(day(0), Decimal(1)), Point(day(50), Decimal(4))])]
    return {
        "wheel": wheel_svg(markers(), title=f"Wheel {NASTY}", rewind=(2, 1, f"Rewind {NASTY}")),
        "timeline": timeline_svg(lanes(), start=START, end=day(120), title=f"Journey {NASTY}"),
        "chart": measure_chart_svg(series, chart_id="c", title="Chart", target=Decimal(5)),
        "portfolio wheel": aggregate_wheel_svg(counts(), title="Portfolio"),
        "median bars": median_bars_svg(medians(), title="Medians"),
        "flow bars": flow_bars_svg(flow, title="Flow"),
    }


@pytest.mark.parametrize(
    "name", ["wheel", "timeline", "chart", "portfolio wheel", "median bars", "flow bars"]
)
def test_each_picture_is_well_formed_svg_with_a_title_and_a_description(name):
    svg = str(pictures()[name])
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    named = (root.get("aria-labelledby", "") + " " + root.get("aria-describedby", "")).split()
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert named == [title.get("id"), desc.get("id")]
    assert title.text and desc.text
    # One line, as the pages and their tests expect: no whitespace between elements.
    assert "\n" not in svg and not re.search(r">\s+<", svg)


def test_the_key_icon_is_decoration_drawn_with_the_series_marker():
    # Inside a page's HTML, so without a namespace of its own.
    icon = ET.fromstring(str(key_icon(3)))
    assert icon.get("aria-hidden") == "true"
    assert [child.tag for child in icon] == ["line", "polygon"]
    assert "app-chart__series--3" in icon[1].get("class")


def test_names_on_the_wheel_are_escaped():
    svg = str(pictures()["wheel"])
    assert "<script>" not in svg
    assert f"<title>1. {ESCAPED}: active in Designing, round 2</title>" in svg
    assert f'<desc id="wheel-desc">1. {ESCAPED}: active in Designing; ' in svg
    assert f'<title id="wheel-title">Wheel {ESCAPED}</title>' in svg
    assert f"<title>Rewind {ESCAPED}</title>" in svg


def test_names_on_the_timeline_are_escaped():
    svg = str(pictures()["timeline"])
    assert "<script>" not in svg
    assert f">{ESCAPED}</tspan></text>" in svg
    assert f"<title>{ESCAPED}: paused in Designing, 10 Feb 2024 to 31 Mar 2024</title>" in svg
    assert f"<title>{ESCAPED} rewound to Mobilising</title>" in svg
    assert f'<g class="app-timeline__voided"><title>{ESCAPED} advanced, voided</title>' in svg
    assert f'<title id="timeline-title">Journey {ESCAPED}</title>' in svg


def test_the_wheel_draws_each_state_with_its_own_shape():
    root = ET.fromstring(str(pictures()["wheel"]))
    groups = root.findall(f"{SVG}g[@class='app-marker-group']")
    shapes = [(g[1].tag.removeprefix(SVG), g[1].get("class")) for g in groups]
    assert shapes == [
        ("circle", "app-marker app-marker--active"),
        ("rect", "app-marker app-marker--paused"),
        ("polygon", "app-marker app-marker--stopped"),
    ]
    badges = [t.text for g in groups for t in g.findall(f"{SVG}text[@class='app-marker__cycle']")]
    assert badges == ["R2"]


def test_the_timeline_draws_a_bar_per_span_and_a_mark_per_rewind_stop_and_void():
    root = ET.fromstring(str(pictures()["timeline"]))
    classes = [e.get("class") for e in root if e.tag != f"{SVG}defs"][2:]
    assert classes == [
        "app-timeline__tick",
        "app-timeline__year",
        "app-timeline__name",
        "app-stage-1 app-timeline__bar",
        "app-timeline__badge",
        "app-timeline__number",
        "app-stage-2 app-timeline__bar",
        "app-timeline__paused",
        "app-timeline__badge",
        "app-timeline__number",
        "app-timeline__stopped",
        "app-timeline__rewind",
        "app-timeline__voided",
        "app-timeline__stop",
    ]
    # Each bar carries its stage's number, not only its colour.
    numbers = [t.text for t in root.findall(f"{SVG}text[@class='app-timeline__number']")]
    assert numbers == ["1", "2"]


def test_a_stage_renamed_in_its_row_is_renamed_in_every_picture():
    stage = Stage.objects.get(number=2)
    stage.name = "Co-designing"
    stage.save()
    drawn = pictures()
    for name in ("wheel", "timeline", "portfolio wheel", "median bars", "flow bars"):
        svg = str(drawn[name])
        assert "Co-designing" in svg, name
        assert re.search(r"\bDesigning\b", svg) is None, name
    assert ">2. Co-designing</text>" in str(drawn["wheel"])
    assert ">2. Co-designing</text>" in str(drawn["median bars"])


@pytest.mark.parametrize(
    ("stage", "name", "lines"),
    [
        (6, "System Change", ["6. System", "Change"]),
        (2, "Designing", ["2. Designing"]),
        (3, "Developing something very long", ["3. Developing", "something very long"]),
        (1, "Go", ["1. Go"]),
    ],
)
def test_a_long_name_of_several_words_takes_two_lines_on_the_portfolio_wheel(stage, name, lines):
    assert label_lines(stage, name) == lines


def test_the_portfolio_wheel_draws_system_change_on_two_lines_within_its_segment():
    counts = {stage: {"active": 1, "paused": 0, "stopped": 0} for stage in range(1, 7)}
    svg = ET.fromstring(aggregate_wheel_svg(counts, title="Today"))
    labels = [
        [span.text for span in text.iter("{http://www.w3.org/2000/svg}tspan")] or [text.text]
        for text in svg.iter("{http://www.w3.org/2000/svg}text")
        if text.get("class") == "app-wheel__label"
    ]
    assert ["6. System", "Change"] in labels
    assert ["1. Mobilising"] in labels
