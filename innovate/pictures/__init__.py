"""The pictures' geometry: each module computes coordinates, paths, labels, titles and
descriptions as plain data, and a template under templates/svg/ draws the markup."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def render_svg(template, context):
    """The picture drawn by `template` (under templates/svg/) from `context`. The templates
    keep their markup readable on many lines inside {% spaceless %}; the picture is one line."""
    return mark_safe(render_to_string(f"svg/{template}", context).strip())


def spread(wanted, size, low, high):
    """Places for labels `size` apart, each as near as it can be to where it is `wanted` (a
    sorted list), all between `low` and `high`; None when `high` - `low` cannot hold them."""
    if not wanted:
        return []
    if (len(wanted) - 1) * size > high - low:
        return None
    places = []
    for want in wanted:
        place = max(want, low)
        if places:
            place = max(place, places[-1] + size)
        places.append(place)
    # Pushed past the end: back from the end, as far as the labels before allow.
    for index in range(len(places) - 1, -1, -1):
        limit = high if index == len(places) - 1 else places[index + 1] - size
        places[index] = min(places[index], limit)
    return places


def label_rows(wanted, size, low, high):
    """[(row, place)] for labels wanted at `wanted` (sorted): in as few rows as hold them
    `size` apart between `low` and `high`, the labels taking the rows in turn."""
    rows = 1
    while True:
        placed = [None] * len(wanted)
        for row in range(rows):
            mine = list(range(row, len(wanted), rows))
            places = spread([wanted[i] for i in mine], size, low, high)
            if places is None:
                break
            for i, place in zip(mine, places, strict=True):
                placed[i] = (row, place)
        else:
            return placed
        rows += 1
