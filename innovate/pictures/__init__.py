"""The pictures' geometry: each module computes coordinates, paths, labels, titles and
descriptions as plain data, and a template under templates/svg/ draws the markup."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def render_svg(template, context):
    """The picture drawn by `template` (under templates/svg/) from `context`. The templates
    keep their markup readable on many lines inside {% spaceless %}; the picture is one line."""
    return mark_safe(render_to_string(f"svg/{template}", context).strip())
