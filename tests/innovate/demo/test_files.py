"""The demo shows evidence documents: real files, one withdrawn and replaced, one about a
session, each added on its day."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from attachments.models import Attachment

pytestmark = pytest.mark.django_db


def test_the_demo_has_evidence_documents_that_open():
    call_command("seed_demo", stdout=StringIO())
    files = list(Attachment.objects.select_related("innovation", "session").order_by("added_at"))
    assert [(f.original_name, f.kind, f.is_withdrawn) for f in files] == [
        ("Interim evaluation report.pdf", "PDF", False),
        ("Families reached by month.csv", "CSV file", True),
        ("Families reached by month (corrected).csv", "CSV file", False),
        ("Board paper for the session.pdf", "PDF", False),
    ]
    assert {f.innovation.title for f in files} == {"Family group conferencing"}
    assert files[3].session is not None
    assert files[3].added_at.date() == files[3].session.held_on
    assert all(f.added_at <= timezone.now() for f in files)
    with files[0].file.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "Families who held one: 29" in text
    with files[2].file.open("rb") as handle:
        assert handle.read().decode().splitlines()[-1] == "March,15,12"
