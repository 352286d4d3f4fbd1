"""A file's type is read from its content, never from the name or type the browser sends."""

import io

import pytest

from attachments.detect import Refused, detect
from tests.attachments import samples


@pytest.mark.parametrize(("name", "content", "kind", "content_type"), samples.ALLOWED)
def test_each_allowed_type_is_recognised_by_its_content(name, content, kind, content_type):
    found = detect(io.BytesIO(content))
    assert (found.kind, found.content_type) == (kind, content_type)


@pytest.mark.parametrize(("name", "content", "kind", "content_type"), samples.ALLOWED)
def test_the_name_makes_no_difference(name, content, kind, content_type):
    """The same content under any name is the same type: detect never sees the name."""
    assert detect(io.BytesIO(content)).kind == kind


@pytest.mark.parametrize(("name", "content", "sent_as", "message"), samples.REFUSED)
def test_refused_content_says_what_it_is(name, content, sent_as, message):
    with pytest.raises(Refused) as refusal:
        detect(io.BytesIO(content))
    assert str(refusal.value).replace("The file", "The chosen file", 1).startswith(message)


def test_an_empty_file_is_refused():
    with pytest.raises(Refused, match="The file is empty."):
        detect(io.BytesIO(b""))


def test_a_compound_file_of_another_kind_is_refused():
    with pytest.raises(Refused, match="Office 97–2003 file of a kind that cannot be attached"):
        detect(io.BytesIO(samples.compound("Contents")))


def test_a_truncated_compound_file_is_refused_as_damaged():
    with pytest.raises(Refused, match="damaged Office 97–2003 document"):
        detect(io.BytesIO(samples.compound("WordDocument")[:600]))


def test_detect_leaves_the_file_at_its_start():
    handle = io.BytesIO(samples.ALLOWED[1][1])
    detect(handle)
    assert handle.tell() == 0
