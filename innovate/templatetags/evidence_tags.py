from django import template
from django.utils.html import format_html

from assessments.status import NO_DATA, NO_RECENT_DATA, NO_TARGET, OFF_TRACK, ON_TRACK, SOME_CONCERN

register = template.Library()

# Off track is a warning, never an alarm: no red.
STATUS_CLASSES = {
    ON_TRACK: "govuk-tag--green",
    SOME_CONCERN: "govuk-tag--yellow",
    OFF_TRACK: "govuk-tag--orange",
    NO_RECENT_DATA: "govuk-tag--grey",
    NO_DATA: "govuk-tag--grey",
    NO_TARGET: "govuk-tag--grey",
}
ANSWER_CLASSES = {
    "yes": "govuk-tag--green",
    "partly": "govuk-tag--yellow",
    "no": "govuk-tag--orange",
    "unknown": "govuk-tag--grey",
}


@register.simple_tag
def status_tag(status):
    """A measure's status (a MeasureStatus) as a GOV.UK tag."""
    return format_html(
        '<strong class="govuk-tag app-status-tag {}">{}</strong>',
        STATUS_CLASSES.get(status.code, "govuk-tag--grey"),
        status.label,
    )


@register.simple_tag
def answer_tag(check):
    """A check's answer as a GOV.UK tag; at a stage whose key question the framework does not
    state, a check is a reflection on the prompts, not an answer. Reads `check.stage`."""
    if not check.stage.key_question:
        return format_html(
            '<strong class="govuk-tag app-status-tag govuk-tag--grey">{}</strong>', "Reflection"
        )
    return format_html(
        '<strong class="govuk-tag app-status-tag {}">{}</strong>',
        ANSWER_CLASSES.get(check.answer, "govuk-tag--grey"),
        check.get_answer_display(),
    )


@register.filter
def shown_with_unit(reading, unit):
    """A reading's value with the measure's unit, or its rating."""
    if reading is None:
        return ""
    if reading.rating:
        return reading.get_rating_display()
    return f"{reading.shown} {unit}".strip()
