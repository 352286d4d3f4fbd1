"""Helpers the evidence pages' tests share."""

import re

from assessments.models import Check, EthicsNote, Involvement, Measure, Reading
from tests.innovate.helpers import row_counts


def evidence_counts():
    """The rows a rejected request on an evidence page must not add to: the evidence, its
    history, and the innovations, parts and moves."""
    counts = row_counts()
    for model in (Measure, Reading, Check, Involvement, EthicsNote):
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


def error_at(response, field, message):
    """The message shown at the field and in the error summary, on a 422 page."""
    html = response.content.decode()
    assert response.status_code == 422, response.status_code
    assert "There is a problem" in html
    assert re.search(rf'id="id_{field}[-_]error"', html), f"no error at {field}"
    assert html.count(message) >= 2, f"{message!r} not both in the summary and at {field}"
    return html
