"""Typing a date into the GOV.UK date input: the day, month and year boxes of the group that
the date's legend names."""


def date_group(page, legend):
    return page.get_by_role("group", name=legend, exact=True)


def fill_date(page, legend, day):
    """Type `day` (a date) into the three boxes, as a person does: day first."""
    group = date_group(page, legend)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))
