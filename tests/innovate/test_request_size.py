"""A request body over the limit, or without a stated length, is refused from its headers alone:
nothing (CSRF, sessions, the upload handler) reads it first, so a huge upload is neither held in
memory nor spooled to disk."""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from assessments.imports import MAX_BYTES as LARGEST_UPLOAD
from innovate.middleware import RequestSizeMiddleware

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10 * 1024 * 1024
HUGE = 300 * 1024 * 1024


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = readinto = read


def test_the_limit_is_well_above_the_largest_upload(settings):
    assert settings.MAX_REQUEST_BYTES == LIMIT
    assert LIMIT > settings.DATA_UPLOAD_MAX_MEMORY_SIZE > LARGEST_UPLOAD


def test_the_size_is_checked_before_any_other_middleware(settings):
    assert settings.MIDDLEWARE[0] == "innovate.middleware.RequestSizeMiddleware"


def post_unreadable(client, **headers):
    return client.generic(
        "POST",
        reverse("login"),
        content_type="multipart/form-data; boundary=x",
        **{"wsgi.input": Unreadable(), **headers},
    )


def test_an_oversized_anonymous_post_is_refused_before_its_body_is_read(client):
    response = post_unreadable(client, CONTENT_LENGTH=str(HUGE))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"The request is too large: at most 10 MB may be sent.\n"


def test_a_body_without_a_stated_length_is_refused(client):
    response = post_unreadable(client, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 400
    assert response.content == b"Send the request with its length (Content-Length).\n"


@pytest.mark.parametrize("length", ["-1", "12abc", "１２", "9" * 40])
def test_a_malformed_length_is_refused(client, length):
    response = post_unreadable(client, CONTENT_LENGTH=length)
    assert response.status_code == 400
    assert response.content == b"The request's Content-Length is not a number.\n"


@pytest.mark.parametrize(
    ("length", "served"), [("", True), (str(LIMIT), True), (str(LIMIT + 1), False)]
)
def test_a_body_up_to_the_limit_goes_on_to_the_view(length, served):
    reached = []

    def view(request):
        reached.append(request)
        return HttpResponse("ok")

    request = RequestFactory().post("/", CONTENT_LENGTH=length)
    response = RequestSizeMiddleware(view)(request)
    assert bool(reached) is served
    assert response.status_code == (200 if served else 400)


# A real server process: gunicorn, as in production


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Gunicorn serving the app with two sync workers; its own empty SQLite database (these
    requests never reach one)."""
    folder = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        **os.environ,
        "INNOVATE_TESTING": "1",
        "SECRET_KEY": "request-size-test-" + "k" * 40,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DJANGO_DEBUG", None)
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 (closed at teardown)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "innovate.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail("gunicorn did not start: " + (folder / "gunicorn.log").read_text())
            time.sleep(0.1)
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def exchange(port, headers, body, *, timeout=10):
    """POST to the sign-in page with these headers and the first bytes of a body, and read the
    answer until the server closes the connection. Returns (answer, seconds)."""
    head = b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += b"".join(header.encode() + b"\r\n" for header in headers) + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head + body)
        started = time.monotonic()
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer, time.monotonic() - started


# With a CSRF cookie (anyone gets one from the sign-in page) the CSRF check reads the body to
# find the token: without the size check first, the server would wait for all 300 MB.
COOKIE = "Cookie: csrftoken=" + "a" * 32
MULTIPART = "Content-Type: multipart/form-data; boundary=x"


def test_a_real_server_refuses_a_huge_upload_before_reading_it(server):
    """A 300 MB upload is announced and only its first kilobyte sent: the 400 comes at once,
    though the server could not have read what was never sent."""
    headers = [COOKIE, MULTIPART, f"Content-Length: {HUGE}"]
    answer, seconds = exchange(server, headers, b"--x\r\n" + b"a" * 1024)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert answer.endswith(b"The request is too large: at most 10 MB may be sent.\n")
    assert seconds < 5


def test_a_real_server_refuses_a_chunked_upload_before_reading_it(server):
    headers = [COOKIE, MULTIPART, "Transfer-Encoding: chunked"]
    answer, seconds = exchange(server, headers, b"400\r\n" + b"a" * 1024 + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert answer.endswith(b"Send the request with its length (Content-Length).\n")
    assert seconds < 5


def test_a_real_server_reads_an_ordinary_post(server):
    """The same server reads a small post to the end: it is refused for the CSRF token missing
    from its body, not for its size."""
    body = b"username=leader&password=wrong"
    headers = [
        COOKIE,
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
    ]
    answer, _ = exchange(server, headers, body)
    assert answer.startswith(b"HTTP/1.1 403 "), answer[:200]
