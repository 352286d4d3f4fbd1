"""Helpers the web front's tests share: the htmx header, the row counts a rejected request
must leave alone, and the shape of a 422 answer."""

import threading

from django.core import mail

from stages.models import Innovation, Move, Part

HTMX = {"HTTP_HX_REQUEST": "true"}


def row_counts():
    """The rows a rejected request must not add to."""
    return {
        "innovations": Innovation.objects.count(),
        "parts": Part.objects.count(),
        "moves": Move.objects.count(),
        "part history": Part.history.count(),
        "innovation history": Innovation.history.count(),
    }


def error_at(response, field, message):
    """The message shown at the field and in the error summary, on a 422 page."""
    html = response.content.decode()
    assert response.status_code == 422, response.status_code
    assert "There is a problem" in html
    assert f'id="id_{field}_error"' in html, f"no error at {field}"
    assert html.count(message) >= 2, f"{message!r} not both in the summary and at {field}"
    return html


def csrf_post(client, form_url, data, *, post_url=None, **extra):
    """Open the form page, then post with the CSRF token its cookie holds."""
    page = client.get(form_url)
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    return client.post(post_url or form_url, {**data, "csrfmiddlewaretoken": token}, **extra)


def login_url(url):
    return f"/login/?next={url}"


def sent_mail():
    """The emails sent so far, once every password reset email being sent in the background
    has gone (the reset page answers before its email is sent)."""
    for thread in threading.enumerate():
        if thread.name == "password-reset-email":
            thread.join(timeout=10)
    return mail.outbox


def date_fields(name, day):
    """The three boxes of a date input as a form posts them: {"held_on_day": "1", …}."""
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }
