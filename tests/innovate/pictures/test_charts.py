"""The measure chart as SVG: what it draws, and what it tells a screen reader."""

import re
from datetime import date
from decimal import Decimal

from innovate.pictures.charts import Point, Series, key_icon, measure_chart_svg, nice_ticks


def numeric_chart(**overrides):
    options = {
        "chart_id": "chart-7",
        "title": "Families attending: readings over time",
        "unit": "families",
        "baseline": Decimal("10"),
        "baseline_on": date(2025, 1, 1),
        "target": Decimal("20"),
        "target_on": date(2026, 12, 31),
    }
    options.update(overrides)
    north = [Point(date(2025, 3, 1), Decimal("12")), Point(date(2025, 6, 1), Decimal("15"))]
    series = [
        Series("North team", north),
        Series("South team", [Point(date(2025, 4, 1), Decimal("9.5"))]),
        Series("East team", [Point(date(2025, 5, 1), Decimal("11"))]),
    ]
    return str(measure_chart_svg(series, **options))


def test_the_chart_is_an_image_with_a_title_and_a_description():
    svg = numeric_chart()
    assert svg.startswith('<svg class="app-chart" viewBox="0 0 760 340" role="img" ')
    assert 'aria-labelledby="chart-7-title chart-7-desc"' in svg
    assert '<title id="chart-7-title">Families attending: readings over time</title>' in svg
    desc = re.search(r'<desc id="chart-7-desc">(.*?)</desc>', svg).group(1)
    assert desc.startswith("4 readings from 1 March 2025 to 1 June 2025.")
    assert "North team (circles): 2 readings, latest 15 families on 1 June 2025." in desc
    assert "South team (squares): 1 reading, latest 9.5 families on 1 April 2025." in desc
    assert "East team (triangles)" in desc
    assert "Baseline 10 families on 1 January 2025. Target 20 families by 31 December 2026." in desc
    assert "A dotted line runs straight from the baseline to the target" in desc


def test_each_series_has_its_own_marker_shape_and_line():
    svg = numeric_chart()
    assert svg.count('<circle cx="') == 2
    square = r'<rect x="[\d.]+" y="[\d.]+" width="10.2" height="10.2" class="app-chart__marker '
    assert re.search(square + 'app-chart__series--1"', svg)
    assert re.search(r'<polygon points="[^"]+" class="app-chart__marker app-chart__series--2"', svg)
    assert svg.count("<polyline") == 1
    assert 'class="app-chart__line app-chart__series--0"' in svg
    assert "<title>North team, 1 March 2025: 12 families</title>" in svg


def test_baseline_and_target_are_labelled_dashed_lines_and_the_target_date_a_vertical_one():
    svg = numeric_chart()
    assert 'class="app-chart__baseline"' in svg
    assert 'class="app-chart__target"' in svg
    assert "Baseline 10</text>" in svg
    assert "Target 20</text>" in svg
    line = re.search(
        r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)" '
        r'class="app-chart__target-date"',
        svg,
    )
    assert line.group(1) == line.group(3)
    assert float(line.group(2)) < float(line.group(4))
    assert "Target date</text>" in svg
    assert "app-chart__path" in svg


def test_the_axes_are_labelled_with_the_unit_and_the_date():
    svg = numeric_chart()
    assert ">Families</text>" in svg
    assert ">Date observed</text>" in svg
    assert ">Jan 2025</text>" in svg or ">Jan 2026</text>" in svg


def test_higher_values_are_drawn_higher():
    svg = numeric_chart()
    base = float(re.search(r'y1="([\d.]+)"[^>]*class="app-chart__baseline"', svg).group(1))
    target = float(re.search(r'y1="([\d.]+)"[^>]*class="app-chart__target"', svg).group(1))
    assert target < base


def test_a_chart_without_a_baseline_or_target_draws_no_such_lines():
    svg = numeric_chart(baseline=None, baseline_on=None, target=None, target_on=None)
    for css in ("app-chart__baseline", "app-chart__target", "app-chart__path", "Target date"):
        assert css not in svg


def test_a_chart_without_readings_says_so():
    svg = str(measure_chart_svg([], chart_id="c", title="Referrals", unit=""))
    assert "No readings yet</text>" in svg
    assert '<desc id="c-desc">No readings yet.</desc>' in svg
    assert ">Value</text>" in svg


def test_a_rated_measure_is_drawn_on_three_levels():
    series = [
        Series("Whole innovation", [Point(date(2025, 3, 1), rating="on_track")]),
        Series("North team", [
            Point(date(2025, 3, 1), rating="off_track"),
            Point(date(2025, 5, 1), rating="some_concern"),
        ]),
    ]  # fmt: skip
    svg = str(measure_chart_svg(series, chart_id="r", title="Confidence", rated=True))
    for level in ("on-track", "some-concern", "off-track"):
        assert f"app-chart__band--{level}" in svg
    for label in ("On track", "Some concern", "Off track"):
        assert f">{label}</text>" in svg
    assert ">Rating</text>" in svg
    assert "<title>North team, 1 May 2025: some concern</title>" in svg
    assert "on three levels: on track, some concern, off track." in svg
    marker = r'<title>North team, 1 (\w+) 2025: [^<]+</title><rect x="[\d.]+" y="([\d.]+)"'
    ys = {m.group(1): float(m.group(2)) for m in re.finditer(marker, svg)}
    assert ys["May"] < ys["March"]


def test_labels_of_a_baseline_and_target_close_together_do_not_overlap():
    svg = numeric_chart(baseline=Decimal("19.9"))
    ys = [
        float(y)
        for y in re.findall(r'y="([\d.]+)" class="app-chart__line-label">(?:Baseline|Target)', svg)
    ]
    assert abs(ys[0] - ys[1]) >= 15


def test_the_key_shows_the_same_shape():
    assert "<circle" in str(key_icon(0))
    assert "<rect" in str(key_icon(1))
    assert 'aria-hidden="true"' in str(key_icon(2))


def test_ticks_are_round_numbers_covering_the_range():
    assert nice_ticks(0, 20) == [0, 5, 10, 15, 20]
    assert nice_ticks(0, 23) == [0, 10, 20, 30]
    ticks = nice_ticks(9.5, 20)
    assert ticks[0] <= 9.5 and ticks[-1] >= 20


def test_names_are_escaped():
    svg = str(
        measure_chart_svg(
            [Series("<b>Team</b>", [Point(date(2025, 1, 1), Decimal(1))])],
            chart_id="e",
            title="A & B",
        )
    )
    assert "<b>" not in svg
    assert "&lt;b&gt;Team&lt;/b&gt;" in svg
    assert "A &amp; B" in svg
