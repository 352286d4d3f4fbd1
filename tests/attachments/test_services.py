"""Adding and withdrawing evidence documents through the one write path."""

import hashlib
import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments.services import evidence, sessions
from attachments import services
from attachments.models import Attachment
from stages.models import Move, Organisation
from tests.attachments import samples
from tests.factories import InnovationFactory, make_part

MB = 1024 * 1024


def refusal(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.mark.parametrize(("name", "content", "kind", "content_type"), samples.ALLOWED)
def test_each_allowed_type_is_stored_with_what_was_found(
    stored, innovation, leader, name, content, kind, content_type
):
    # The browser's type is never believed: every sample is sent as something else.
    upload = samples.upload(name, content, "application/x-anything")
    attachment = services.add_attachment(innovation, upload, by=leader)
    attachment.refresh_from_db()
    assert (attachment.original_name, attachment.kind, attachment.content_type) == (
        name,
        kind,
        content_type,
    )
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.file.name.startswith(f"attachments/{innovation.organisation_id}/")
    assert name not in attachment.file.name
    assert [path.read_bytes() for path in stored()] == [content]
    (record,) = attachment.history.all()
    assert (record.history_user, record.history_change_reason) == (leader, "File added")


@pytest.mark.parametrize(("name", "content", "sent_as", "message"), samples.REFUSED)
def test_refused_content_is_named_at_the_file_field_and_nothing_is_stored(
    stored, innovation, leader, name, content, sent_as, message
):
    errors = refusal(
        lambda: services.add_attachment(
            innovation, samples.upload(name, content, sent_as), by=leader
        )
    )
    assert errors["file"][0].startswith(message)
    assert errors["file"][0].endswith(
        "Attach a PDF, Word, Excel, PowerPoint or OpenDocument file, a CSV file, or a PNG or "
        "JPEG picture."
    )
    assert (Attachment.objects.count(), stored()) == (0, [])


def test_no_file_an_empty_file_and_one_over_the_limit_are_refused(stored, innovation, leader):
    big = samples.upload("big.pdf", b"%PDF-" + bytes(20 * MB - 4))
    cases = [
        (None, "Choose a file to attach."),
        (samples.upload("empty.pdf", b""), "The chosen file is empty: choose a file with content."),
        (big, "The chosen file is larger than 20 MB, the most a file may be."),
    ]
    for upload, message in cases:
        assert refusal(lambda u=upload: services.add_attachment(innovation, u, by=leader)) == {
            "file": [message]
        }
    assert (Attachment.objects.count(), stored()) == (0, [])


def test_a_file_of_exactly_the_limit_is_taken(stored, innovation, leader, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    content = samples.pdf().ljust(1000, b" ")
    services.add_attachment(innovation, samples.upload("a.pdf", content), by=leader)
    assert refusal(
        lambda: services.add_attachment(
            innovation, samples.upload("b.pdf", content + b" "), by=leader
        )
    ) == {"file": ["The chosen file is larger than 1 KB, the most a file may be."]}


def test_the_quota_counts_the_organisations_files_in_use(
    stored, settings, organisation, innovation, leader, other_organisation, outsider
):
    settings.ATTACHMENT_QUOTA_BYTES = 2 * MB
    content = b"%PDF-" + bytes(MB - 5)
    first = services.add_attachment(innovation, samples.upload("one.pdf", content), by=leader)
    # Another innovation of the same organisation shares its quota.
    second_innovation = InnovationFactory(organisation=organisation, title="Second")
    services.add_attachment(second_innovation, samples.upload("two.pdf", content), by=leader)
    errors = refusal(
        lambda: services.add_attachment(
            innovation, samples.upload("three.pdf", samples.pdf()), by=leader
        )
    )
    assert errors == {
        "file": [
            "The chosen file (1 KB) would take your organisation's files over its 2 MB: 2 MB "
            "is in use. Withdraw files no longer needed, or ask the service's administrators "
            "for more room."
        ]
    }
    assert (Attachment.objects.count(), len(stored())) == (2, 2)
    # Another organisation has its own.
    theirs = InnovationFactory(organisation=other_organisation, title="Theirs")
    services.add_attachment(theirs, samples.upload("theirs.pdf", content), by=outsider)
    # Withdrawing a file gives its room back.
    services.withdraw_attachment(first, by=leader, reason="Replaced by a newer version.")
    services.add_attachment(innovation, samples.upload("three.pdf", samples.pdf()), by=leader)
    assert Attachment.objects.current().filter(organisation=organisation).count() == 2


def test_withdrawing_keeps_the_file_and_records_who_and_why(stored, innovation, leader, manager):
    attachment = services.add_attachment(
        innovation, samples.upload("report.pdf", samples.pdf()), by=leader
    )
    assert refusal(lambda: services.withdraw_attachment(attachment, by=manager, reason=" ")) == {
        "reason": ["Say why the file is withdrawn."]
    }
    services.withdraw_attachment(attachment, by=manager, reason="Attached to the wrong innovation.")
    attachment.refresh_from_db()
    assert (attachment.withdrawn_by, attachment.withdrawn_reason) == (
        manager,
        "Attached to the wrong innovation.",
    )
    assert len(stored()) == 1
    assert refusal(
        lambda: services.withdraw_attachment(attachment, by=manager, reason="Again")
    ) == {"reason": ["This file is already withdrawn."]}
    assert [
        (r.history_user.username, r.history_change_reason, r.withdrawn_reason)
        for r in attachment.history.order_by("history_id")
    ] == [
        ("leader", "File added", ""),
        ("manager", "File withdrawn", "Attached to the wrong innovation."),
    ]


def test_a_file_is_attached_to_a_move_a_reading_a_check_answer_or_a_session(
    stored, innovation, leader, facilitator
):
    part = make_part(innovation, by=leader, on=date(2024, 1, 1))
    move = Move.objects.get(part=part)
    measure = evidence.define_measure(innovation, by=leader, stage=1, name="Families reached")
    reading = evidence.record_reading(measure, by=leader, observed_on=date(2024, 3, 1), value=3)
    check = evidence.answer_check(part, by=leader, answer="yes", evidence="Seen in March.")
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=date(2024, 3, 1),
        title="Spring",
        facilitator=facilitator,
        parts=[part],
    )
    for target in (move, reading, check, session):
        attachment = services.add_attachment(
            innovation, samples.upload("a.pdf", samples.pdf()), by=leader, target=target
        )
        assert attachment.target[1] == target.pk
    assert [a.target[0] for a in Attachment.objects.order_by("id")] == [
        "move",
        "reading",
        "check",
        "session",
    ]
    other = InnovationFactory(organisation=innovation.organisation, title="Other")
    with pytest.raises(ValueError, match="another innovation"):
        services.add_attachment(
            other, samples.upload("a.pdf", samples.pdf()), by=leader, target=move
        )


def test_names_are_kept_to_the_file_itself():
    assert services.clean_name("C:\\Users\\lee\\report.pdf") == "report.pdf"
    assert services.clean_name("../../etc/passwd") == "passwd"
    assert services.clean_name("evil\u202egpj.exe") == "evilgpj.exe"
    assert services.clean_name("line\nbreak.pdf") == "linebreak.pdf"
    assert services.clean_name("...") == "file"
    long = services.clean_name("a" * 300 + ".pdf")
    assert (len(long), long[-4:]) == (255, ".pdf")


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_both_overrun_the_quota(
    postgres, stored, settings, innovation, leader, manager
):
    settings.ATTACHMENT_QUOTA_BYTES = MB
    content = b"%PDF-" + bytes(600 * 1024)
    barrier = threading.Barrier(2)
    outcomes = {}

    def upload(who):
        try:
            barrier.wait(timeout=10)
            services.add_attachment(innovation, samples.upload(f"{who}.pdf", content), by=who)
            outcomes[who.username] = "stored"
        except Exception as error:
            outcomes[who.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(who,)) for who in (leader, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["ValidationError", "str"]
    assert Attachment.objects.count() == 1
    assert len(stored()) == 1
    assert Organisation.objects.get(pk=innovation.organisation_id).version >= 1


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (1, "1 KB"),
        (1024, "1 KB"),
        (1025, "2 KB"),
        (MB, "1 MB"),
        (MB * 3 // 2, "1.5 MB"),
        (20 * MB, "20 MB"),
        (200 * MB, "200 MB"),
    ],
)
def test_sizes_in_words(size, words):
    assert services.size_words(size) == words
