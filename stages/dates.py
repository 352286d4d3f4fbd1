"""The dates the product records: one range, one wording, for moves, evidence, sessions and
every date a form takes.

Nothing in children's social care innovation is recorded before 1990; the far bound keeps a
mistyped year (20255) out of the database and out of every chart's scale."""

from datetime import date

from django.core.exceptions import ValidationError

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def date_problem(on, what="date", *, today=None):
    """What is wrong with `on` as the `what` ("date observed"), or None. With `today`, a date
    after it is refused too: the thing has already happened."""
    if today is not None and on > today:
        return f"The {what} cannot be in the future."
    if on < EARLIEST:
        return f"The {what} must be on or after {EARLIEST:%-d %B %Y}."
    if on > LATEST:
        return f"The {what} must be on or before {LATEST:%-d %B %Y}."
    return None


def check_date(on, field, what="date", *, today=None):
    """`on`, or a ValidationError at `field` naming the `what` when it is missing or out of
    range (see `date_problem`)."""
    if not isinstance(on, date):
        raise ValidationError({field: f"Enter the {what}."})
    problem = date_problem(on, what, today=today)
    if problem:
        raise ValidationError({field: problem})
    return on
