"""What a network's pages compute from rows already read, with no query of their own: time in
each stage pooled across the member organisations (the median and the spread of completed
stays), the small-number suppression of the views meant for observers, and the anonymised
labels of the public summary ("Organisation A, B, …")."""

import statistics
from collections import defaultdict
from typing import NamedTuple

STAGES = range(1, 7)

# A count under this that would single out an organisation's part is not shown to observers.
SMALLEST_SHOWN = 3
FEWER = f"fewer than {SMALLEST_SHOWN}"


def suppressed(count):
    """Whether `count` is one an observer may not see: 1 or 2. Nought singles out no part."""
    return count is not None and 0 < count < SMALLEST_SHOWN


def shown(count, *, observer):
    """A count as a page shows it: "fewer than 3" in place of 1 or 2 for an observer, the
    number otherwise."""
    if observer and suppressed(count):
        return FEWER
    return count


class Spread(NamedTuple):
    """The time spent active in a stage over its completed stays: how many stays, the median
    and the middle half (lower and upper quartile), in days; None where there is none."""

    stays: int
    median: float | None
    lower: float | None
    upper: float | None


def spread(days):
    """Spread of a list of days. The quartiles are the inclusive method's (a single stay is its
    own median and quartiles)."""
    days = sorted(days)
    if not days:
        return Spread(0, None, None, None)
    if len(days) == 1:
        return Spread(1, days[0], days[0], days[0])
    lower, median, upper = statistics.quantiles(days, n=4, method="inclusive")
    return Spread(len(days), statistics.median(days), lower, upper)


def completed_stays(times_by_part):
    """{part id: {stage: [active days of each completed stay]}} from {part id: PartTimes}
    (stages.queries.fold_spans). A stay still under way has not ended and is left out, as on
    the organisation's own time-in-stage page."""
    result = {}
    for part_id, times in times_by_part.items():
        stays = defaultdict(list)
        for visit in times.visits:
            if not visit.open:
                stays[visit.stage].append(visit.active_days)
        result[part_id] = stays
    return result


class Pooled(NamedTuple):
    network: dict  # {stage: Spread}
    organisations: dict  # {organisation id: {stage: Spread}}


def pool(times_by_part, organisation_of):
    """The network's Spread per stage over every part's completed stays, and each
    organisation's own beside it. `organisation_of`: {part id: organisation id}."""
    everyone = defaultdict(list)
    by_organisation = defaultdict(lambda: defaultdict(list))
    for part_id, stays in completed_stays(times_by_part).items():
        organisation = organisation_of[part_id]
        for stage, days in stays.items():
            everyone[stage].extend(days)
            by_organisation[organisation][stage].extend(days)
    return Pooled(
        {stage: spread(everyone[stage]) for stage in STAGES},
        {
            organisation: {stage: spread(stays[stage]) for stage in STAGES}
            for organisation, stays in by_organisation.items()
        },
    )


def letters(index):
    """0 → "A", 25 → "Z", 26 → "AA", as spreadsheet columns are named."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def anonymous_labels(organisation_ids):
    """{organisation id: "Organisation A"}, lettered in the order of the ids (the order they
    were created in), so that a label says nothing of a name and stays the same from one
    reading to the next while the members stay the same."""
    return {
        organisation_id: f"Organisation {letters(index)}"
        for index, organisation_id in enumerate(sorted(set(organisation_ids)))
    }
