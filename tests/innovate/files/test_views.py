"""The pages of evidence documents: attaching a file (each type the product takes, and each it
refuses), the download, withdrawing, the history, and who may do what."""

import datetime

import pytest
from django.urls import reverse

from assessments.services import evidence, sessions
from attachments import services
from attachments.models import Attachment
from stages.models import Move
from tests.attachments import samples
from tests.factories import InnovationFactory, make_part

MB = 1024 * 1024
ALLOWED_WORDS = (
    "Attach a PDF, Word, Excel, PowerPoint or OpenDocument file, a CSV file, or a PNG or JPEG "
    "picture."
)


def attach(client, url, name, content, content_type="application/octet-stream", **data):
    return client.post(url, {"file": samples.upload(name, content, content_type), **data})


@pytest.fixture
def files_url(innovation):
    return reverse("files:list", args=[innovation.pk])


@pytest.mark.parametrize(("name", "content", "kind", "content_type"), samples.ALLOWED)
def test_a_leader_attaches_each_allowed_type(
    stored, client_for, leader, innovation, files_url, name, content, kind, content_type
):
    client = client_for(leader)
    response = attach(client, files_url, name, content, description="Board paper")
    assert response.status_code == 303
    assert response["Location"] == files_url
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.content_type, attachment.description) == (
        kind,
        content_type,
        "Board paper",
    )
    page = client.get(files_url).content.decode()
    assert f"{name} attached." in page
    assert f'href="{reverse("files:download", args=[attachment.pk])}"' in page
    assert kind in page


@pytest.mark.parametrize(("name", "content", "sent_as", "message"), samples.REFUSED)
def test_refused_files_are_answered_422_at_the_field_with_nothing_stored(
    stored, client_for, leader, innovation, files_url, name, content, sent_as, message
):
    response = attach(client_for(leader), files_url, name, content, sent_as, description="Kept")
    assert response.status_code == 422
    page = response.content.decode()
    assert message.replace("'", "&#x27;").split(",")[0] in page
    assert ALLOWED_WORDS in page
    assert 'href="#id_file"' in page
    assert 'value="Kept"' in page
    assert (Attachment.objects.count(), stored()) == (0, [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Choose a file to attach."),
        (b"", "The chosen file is empty: choose a file with content."),
        (
            b"%PDF-" + bytes(20 * MB),
            "The chosen file is larger than 20 MB, the most a file may be.",
        ),
    ],
)
def test_no_file_an_empty_file_and_one_over_the_limit_are_refused(
    stored, client_for, leader, files_url, content, message
):
    client = client_for(leader)
    if content is None:
        response = client.post(files_url, {"description": ""})
    else:
        response = attach(client, files_url, "report.pdf", content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (Attachment.objects.count(), stored()) == (0, [])


def test_a_file_over_the_quota_is_refused_with_nothing_stored(
    stored, settings, client_for, leader, innovation, files_url
):
    settings.ATTACHMENT_QUOTA_BYTES = MB
    services.add_attachment(
        innovation, samples.upload("a.pdf", b"%PDF-" + bytes(MB - 100)), by=leader
    )
    response = attach(client_for(leader), files_url, "b.pdf", samples.pdf() + bytes(200))
    assert response.status_code == 422
    assert "would take your organisation&#x27;s files over its 1 MB" in response.content.decode()
    assert (Attachment.objects.count(), len(stored())) == (1, 1)


def test_the_upload_pages_take_a_file_of_20_mb_and_other_pages_refuse_as_much(
    stored, client_for, leader, innovation, files_url
):
    """An upload of nearly 20 MB passes the request-size check on the upload page (over the
    10 MB every other page allows) and is stored."""
    client = client_for(leader)
    content = b"%PDF-" + bytes(20 * MB - 1000)
    assert attach(client, files_url, "large.pdf", content).status_code == 303
    response = client.post(
        reverse("innovations:edit", args=[innovation.pk]),
        {"file": samples.upload("large.pdf", content)},
    )
    assert response.status_code == 400
    assert response.content == b"The request is too large: at most 10 MB may be sent.\n"
    assert Attachment.objects.get().size == len(content)


@pytest.mark.parametrize(
    ("page", "megabytes", "answer"),
    [
        ("files", 15, None),
        ("files", 21, None),
        ("files", 22, "The request is too large: at most 21 MB may be sent.\n"),
        ("files", 300, "The request is too large: at most 21 MB may be sent.\n"),
        ("edit", 11, "The request is too large: at most 10 MB may be sent.\n"),
        ("nowhere", 11, "The request is too large: at most 10 MB may be sent.\n"),
    ],
)
def test_only_the_upload_pages_take_requests_over_10_mb(innovation, page, megabytes, answer):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from innovate.middleware import RequestSizeMiddleware

    path = {
        "files": reverse("files:list", args=[innovation.pk]),
        "edit": reverse("innovations:edit", args=[innovation.pk]),
        "nowhere": "/nowhere/files/x",
    }[page]
    request = RequestFactory().post(path, CONTENT_LENGTH=str(megabytes * MB))
    response = RequestSizeMiddleware(lambda request: HttpResponse("served"))(request)
    if answer is None:
        assert response.content == b"served"
    else:
        assert (response.status_code, response.content) == (400, answer.encode())


def test_the_download_is_an_attachment_the_browser_may_not_sniff(
    stored, client_for, leader, viewer, innovation
):
    attachment = services.add_attachment(
        innovation, samples.upload("Board paper – March.pdf", samples.pdf()), by=leader
    )
    response = client_for(viewer).get(reverse("files:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Board%20paper%20%E2%80%93%20March.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == samples.pdf()


def test_an_html_named_file_downloads_as_the_type_found(stored, client_for, leader, innovation):
    """A CSV file named page.html is served as text/csv, under its own name, as a download."""
    attachment = services.add_attachment(
        innovation, samples.upload("page.html", samples.csv_file(), "text/html"), by=leader
    )
    response = client_for(leader).get(reverse("files:download", args=[attachment.pk]))
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'


def test_another_organisations_file_is_a_404_to_every_page(
    stored, client_for, outsider, other_organisation, leader, innovation
):
    attachment = services.add_attachment(
        innovation, samples.upload("report.pdf", samples.pdf()), by=leader
    )
    client = client_for(outsider)
    for name in ("files:download", "files:withdraw"):
        assert client.get(reverse(name, args=[attachment.pk])).status_code == 404
    assert (
        client.post(reverse("files:withdraw", args=[attachment.pk]), {"reason": "x"}).status_code
        == 404
    )
    attachment.refresh_from_db()
    assert not attachment.is_withdrawn


def test_a_withdrawn_file_is_opened_by_a_manager_only(
    stored, client_for, leader, manager, viewer, innovation
):
    attachment = services.add_attachment(
        innovation, samples.upload("report.pdf", samples.pdf()), by=leader
    )
    url = reverse("files:withdraw", args=[attachment.pk])
    client = client_for(leader)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Say why the file is withdrawn." in response.content.decode()
    response = client.post(url, {"reason": "Replaced by the final version."})
    assert response.status_code == 303
    download = reverse("files:download", args=[attachment.pk])
    assert client.get(download).status_code == 404
    assert client_for(viewer).get(download).status_code == 404
    assert client_for(manager).get(download).status_code == 200
    page = client.get(reverse("files:list", args=[innovation.pk])).content.decode()
    assert "Withdrawn files" in page
    assert "Replaced by the final version." in page
    assert f'href="{download}"' not in page
    history = client.get(reverse("files:history", args=[innovation.pk])).content.decode()
    assert "withdrew report.pdf" in history
    assert "added report.pdf" in history


def test_withdrawing_with_htmx_answers_the_fragment_or_sends_the_browser_to_the_files(
    stored, client_for, leader, innovation
):
    attachment = services.add_attachment(
        innovation, samples.upload("report.pdf", samples.pdf()), by=leader
    )
    url = reverse("files:withdraw", args=[attachment.pk])
    client = client_for(leader)
    refused = client.post(url, {"reason": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert b"<html" not in refused.content
    assert b"Say why the file is withdrawn." in refused.content
    done = client.post(url, {"reason": "Duplicate."}, headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert done["HX-Redirect"] == reverse("files:list", args=[innovation.pk])


def test_a_viewer_reads_the_files_but_may_not_attach(stored, client_for, viewer, files_url):
    client = client_for(viewer)
    page = client.get(files_url).content.decode()
    assert "Attach a file" not in page
    response = attach(client, files_url, "report.pdf", samples.pdf())
    assert response.status_code == 403
    assert (Attachment.objects.count(), stored()) == (0, [])


def test_a_closed_innovation_takes_no_file(stored, client_for, leader, innovation, files_url):
    from stages.services import close_innovation

    close_innovation(innovation, by=leader, outcome="other", learning="Learned.")
    response = attach(client_for(leader), files_url, "report.pdf", samples.pdf())
    assert response.status_code == 303
    assert Attachment.objects.count() == 0


@pytest.fixture
def targets(innovation, leader, facilitator):
    part = make_part(innovation, by=leader, on=datetime.date(2024, 1, 1))
    measure = evidence.define_measure(innovation, by=leader, stage=1, name="Families reached")
    return {
        "files:move": Move.objects.get(part=part),
        "files:reading": evidence.record_reading(
            measure, by=leader, observed_on=datetime.date(2024, 3, 1), value=3
        ),
        "files:check": evidence.answer_check(part, by=leader, answer="yes", evidence="Seen."),
        "files:session": sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=datetime.date(2024, 3, 1),
            title="Spring reflection",
            facilitator=facilitator,
            parts=[part],
        ),
    }


@pytest.mark.parametrize("name", ["files:move", "files:reading", "files:check", "files:session"])
def test_a_file_is_attached_on_the_page_of_a_move_a_reading_a_check_answer_or_a_session(
    stored, client_for, leader, innovation, targets, name
):
    url = reverse(name, args=[targets[name].pk])
    client = client_for(leader)
    response = attach(client, url, "evaluation.pdf", samples.pdf())
    assert response.status_code == 303
    assert response["Location"] == url
    attachment = Attachment.objects.get()
    assert attachment.target[1] == targets[name].pk
    assert "evaluation.pdf" in client.get(url).content.decode()
    listed = client.get(reverse("files:list", args=[innovation.pk])).content.decode()
    assert f'href="{url}"' in listed
    refused = attach(client, url, "logo.svg", samples.SVG)
    assert refused.status_code == 422
    assert Attachment.objects.count() == 1


def test_a_target_of_another_organisation_is_a_404(stored, client_for, outsider, targets):
    client = client_for(outsider)
    for name, target in targets.items():
        url = reverse(name, args=[target.pk])
        assert client.get(url).status_code == 404
        assert attach(client, url, "a.pdf", samples.pdf()).status_code == 404
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize("size", [2, 20])
def test_the_files_page_runs_the_same_queries_for_2_and_20_files(
    stored, client_for, leader, innovation, targets, size, django_assert_num_queries
):
    kinds = list(targets.values()) + [None]
    made = []
    for n in range(size):
        target = kinds[n % len(kinds)]
        made.append(
            services.add_attachment(
                innovation,
                samples.upload(f"file-{n:02}.pdf", samples.pdf()),
                by=leader,
                target=target,
            )
        )
    services.withdraw_attachment(made[0], by=leader, reason="Wrong file.")
    client = client_for(leader)
    url = reverse("files:list", args=[innovation.pk])
    client.get(url)  # The first page of the organisation notes it in the login session.
    # The login session, the user, their memberships, the innovation, its files.
    with django_assert_num_queries(5):
        response = client.get(url)
    page = response.content.decode()
    for n in range(size):
        assert f"file-{n:02}.pdf" in page
    with django_assert_num_queries(5):
        response = client.get(reverse("files:history", args=[innovation.pk]))
    assert response.content.decode().count("added file-") == size
    with django_assert_num_queries(4):
        response = client.get(reverse("files:download", args=[made[1].pk]))
        b"".join(response.streaming_content)


def test_files_of_another_innovation_are_not_listed(stored, client_for, leader, innovation):
    other = InnovationFactory(organisation=innovation.organisation, title="Other")
    services.add_attachment(other, samples.upload("theirs.pdf", samples.pdf()), by=leader)
    page = client_for(leader).get(reverse("files:list", args=[innovation.pk])).content.decode()
    assert "theirs.pdf" not in page


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("name", ["files:move", "files:reading", "files:check", "files:session"])
def test_the_files_of_a_move_a_reading_a_check_answer_or_a_session_cost_the_same_queries(
    stored, client_for, leader, innovation, targets, name, size, django_assert_num_queries
):
    target = targets[name]
    for n in range(size):
        services.add_attachment(
            innovation, samples.upload(f"file-{n:02}.pdf", samples.pdf()), by=leader, target=target
        )
    client = client_for(leader)
    url = reverse(name, args=[target.pk])
    client.get(url)
    # The login session, the user, their memberships, the target with its innovation, its files.
    with django_assert_num_queries(5):
        response = client.get(url)
    page = response.content.decode()
    for n in range(size):
        assert f"file-{n:02}.pdf" in page


@pytest.mark.parametrize("description", ["x" * 301, "a\x00b"])
def test_a_hostile_description_is_refused_with_nothing_stored(
    stored, client_for, leader, files_url, description
):
    response = attach(
        client_for(leader), files_url, "report.pdf", samples.pdf(), description=description
    )
    assert response.status_code == 422
    assert 'href="#id_description"' in response.content.decode()
    assert (Attachment.objects.count(), stored()) == (0, [])


def test_a_file_of_a_restricted_innovation_is_a_404_to_a_member_shut_out(
    stored, client_for, leader, manager, innovation
):
    from stages import teams

    attachment = services.add_attachment(
        innovation, samples.upload("report.pdf", samples.pdf()), by=leader
    )
    teams.set_team(
        innovation, by=manager, lead=manager, contributors=[], viewers=[], restricted=True
    )
    client = client_for(leader)
    assert client.get(reverse("files:download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("files:list", args=[innovation.pk])).status_code == 404
    assert (
        client_for(manager).get(reverse("files:download", args=[attachment.pk])).status_code == 200
    )
