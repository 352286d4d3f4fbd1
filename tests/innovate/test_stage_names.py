"""Platform staff may rename a stage in the admin. Every page, picture and export then says the
new name and none the old one, even a page that was cached before the rename."""

import datetime
import re

import pytest
from django.urls import reverse

from stages.models import Stage
from tests.factories import UserFactory, make_move, make_part

OLD, NEW = "Designing", "Co-designing"
STAGE_FIELDS = [
    "name",
    "activities",
    "criterion",
    "key_question",
    "focus_and_purpose",
    "success_measured_by",
    "measure_kind",
    "reflection_prompts",
]


def rename_in_the_admin(client_for):
    staff = UserFactory(username="platform", is_staff=True, is_superuser=True)
    stage = Stage.objects.get(number=2)
    data = {field: getattr(stage, field) for field in STAGE_FIELDS}
    response = client_for(staff).post(
        reverse("admin:stages_stage_change", args=[stage.pk]), {**data, "name": NEW}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def rename_by_saving(client_for):
    stage = Stage.objects.get(number=2)
    stage.name = NEW
    stage.save()


@pytest.fixture
def journey(innovation, leader):
    """North team in Designing, South team paused there, East team still in Mobilising."""
    north = make_part(innovation, by=leader, name="North team", on=datetime.date(2024, 1, 1))
    make_move(north, "advance", by=leader, on=datetime.date(2024, 2, 1))
    south = make_part(innovation, by=leader, name="South team", on=datetime.date(2024, 1, 1))
    make_move(south, "advance", by=leader, on=datetime.date(2024, 2, 1))
    make_move(south, "pause", by=leader, on=datetime.date(2024, 3, 1))
    make_part(innovation, by=leader, name="East team", on=datetime.date(2024, 1, 1))
    return north


def pages(innovation, part):
    return {
        "the innovation page": reverse("innovations:detail", args=[innovation.pk]),
        "the innovations list": reverse("innovations:list"),
        "the timeline": reverse("innovations:timeline", args=[innovation.pk]),
        "the history": reverse("innovations:history", args=[innovation.pk]),
        "the dashboard": reverse("dashboard:portfolio"),
        "the durations": reverse("dashboard:durations"),
        "the flow": reverse("dashboard:flow"),
        "the comparison": reverse("dashboard:compare"),
        "the board report": reverse("dashboard:report"),
        "the portfolio CSV": reverse("dashboard:export-portfolio"),
        "the moves CSV": reverse("dashboard:export-moves"),
        "the durations CSV": reverse("dashboard:export-durations"),
        "the move form": reverse("parts:move", args=[part.pk]),
        "the framework": reverse("framework"),
    }


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


# The framework's own words for the second stage's focus, shown as written whatever its name.
FRAMEWORK_TEXT = "Designing and/or sourcing potential new models to test."


def stage_named(name, text):
    """The times `text` names the stage `name` (not inside a longer word: "Co-designing" holds
    "designing")."""
    text = text.replace(FRAMEWORK_TEXT, "")
    return len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))


@pytest.mark.parametrize("rename", [rename_in_the_admin, rename_by_saving])
def test_a_renamed_stage_is_renamed_on_every_page_picture_and_export(
    rename, client_for, manager, innovation, journey
):
    client = client_for(manager)
    urls = pages(innovation, journey)
    before = {page: read(client, url) for page, url in urls.items()}
    for page, text in before.items():
        assert stage_named(OLD, text), f"{page} does not name {OLD} to begin with"

    rename(client_for)

    for page, url in urls.items():
        text = read(client, url)
        assert stage_named(NEW, text), f"{page} does not say {NEW}"
        assert not stage_named(OLD, text), f"{page} still says {OLD}"


def test_the_move_form_offers_the_renamed_stage(client_for, leader, innovation, journey):
    rename_by_saving(client_for)
    text = read(client_for(leader), reverse("parts:move", args=[journey.pk]))
    assert re.search(r'<option value="2"[^>]*>2\. Co-designing</option>', text)


def test_the_pictures_text_alternatives_say_the_new_name(client_for, viewer, innovation, journey):
    rename_by_saving(client_for)
    client = client_for(viewer)
    for url in (
        reverse("innovations:detail", args=[innovation.pk]),
        reverse("innovations:timeline", args=[innovation.pk]),
        reverse("dashboard:portfolio"),
    ):
        pictures = re.findall(r"<svg\b.*?</svg>", read(client, url), flags=re.S)
        assert pictures
        said = " ".join(pictures)
        assert stage_named(NEW, said) and not stage_named(OLD, said)
