"""Helpers the evidence pages' tests share."""

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
