"""CSV files people open in a spreadsheet. A cell that begins with =, +, -, @, a tab or a carriage
return would be read as a formula (CSV or formula injection), so it is neutralised with a
leading apostrophe, which spreadsheets show as text and do not evaluate. Rows are written one
at a time, so a file streams in constant memory."""

import csv
import datetime

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a file as UTF-8 only when it begins with a byte order mark.
BOM = "\ufeff"


def safe_cell(value):
    """The value as text for a CSV cell, neutralised when it could start a formula (a negative
    number too: every cell is judged by its text). Dates are ISO 8601, booleans yes or no and
    None an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, datetime.datetime | datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


class _Line:
    """A file-like object that hands back what is written to it."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """The CSV text line by line: the byte order mark with the header, then each row, every
    cell through `safe_cell`."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
