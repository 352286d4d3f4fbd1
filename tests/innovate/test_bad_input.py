"""Random and hostile values posted to every form and filter, as the role that may write, with
a valid CSRF token: never a 500, and nothing saved when the input is refused."""

from datetime import date
from html.parser import HTMLParser

from django.apps import apps
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from assessments.services import evidence, sessions
from stages import people, services
from stages.models import Membership, Role
from tests.factories import InnovationFactory, MembershipFactory, OrganisationFactory, make_part

ANSWERS = {200, 303, 400, 403, 404, 409, 410, 422}
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "9" * 400,
    "-1",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "31/12/2024",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://example.org")',
    "\u202egnp.exe",
    "😀" * 50,
    "x" * 12000,
    "' OR 1=1 --",
    "1:1",
    "999999999:1",
]
# Forms: (url name, the page that holds the form, the role that may write).
FORMS = [
    ("innovations:create", None, "leader"),
    ("innovations:edit", None, "leader"),
    ("innovations:add-part", None, "leader"),
    ("innovations:add-parts", None, "leader"),
    ("parts:edit", None, "leader"),
    ("parts:move", None, "leader"),
    ("parts:void", None, "leader"),
    ("evidence:measure-create", None, "leader"),
    ("evidence:measure-edit", None, "leader"),
    ("evidence:measure-copy", None, "leader"),
    ("evidence:reading-create", None, "leader"),
    # Correcting before withdrawing: a withdrawn reading offers no form.
    ("evidence:reading-correct", None, "leader"),
    ("evidence:reading-withdraw", None, "leader"),
    ("evidence:check", None, "leader"),
    ("evidence:involvement", None, "leader"),
    ("evidence:ethics", None, "leader"),
    ("sessions:plan", None, "facilitator"),
    ("sessions:add-attendee", "sessions:detail", "facilitator"),
    ("sessions:add-action", "sessions:detail", "facilitator"),
    ("sessions:add-note", "sessions:run-part", "facilitator"),
    ("sessions:answer-check", "sessions:run-part", "facilitator"),
    ("sessions:decide", "sessions:run-part", "facilitator"),
    ("sessions:invite", None, "facilitator"),
    # After the forms of the part in scope: a valid edit may take that part out of scope.
    ("sessions:edit", None, "facilitator"),
    # After the forms of the part: a valid reason withdraws it.
    ("parts:withdraw", None, "leader"),
    ("people:invite", None, "manager"),
    ("people:role", None, "manager"),
    ("switch-organisation", None, "leader"),
    ("notifications:preferences", None, "leader"),
    ("notifications:organisation", None, "manager"),
    # Last: closing the innovation turns its other forms away.
    ("innovations:close", None, "leader"),
    # Last of all: a valid reason withdraws the innovation.
    ("innovations:withdraw", None, "leader"),
]
FILTERS = [
    "innovations:list",
    "innovations:timeline",
    "dashboard:portfolio",
    "dashboard:durations",
    "dashboard:flow",
    "dashboard:compare",
    "dashboard:export-portfolio",
    "dashboard:my-work",
    "sessions:list",
    "search:results",
]
COUNTED = [
    "stages.Innovation",
    "stages.Part",
    "stages.Move",
    "stages.Membership",
    "stages.Invitation",
    "stages.HistoricalPart",
    "stages.HistoricalInnovation",
    "assessments.Measure",
    "assessments.Reading",
    "assessments.Check",
    "assessments.Involvement",
    "assessments.EthicsNote",
    "assessments.ReflectionSession",
    "assessments.Attendee",
    "assessments.Note",
    "assessments.Decision",
    "assessments.Action",
    "notifications.Preference",
    "notifications.OrganisationDefault",
]


class FormFields(HTMLParser):
    """The names (and offered values) of the fields of the POST forms on a page, by action."""

    def __init__(self):
        super().__init__()
        self.forms = {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = self.forms.setdefault(attrs.get("action") or "", {})
        elif tag == "form":
            self.current = self.forms.setdefault("GET " + (attrs.get("action") or ""), {})
        elif self.current is not None and tag in {"input", "select", "textarea"}:
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.current.setdefault(name, [])
                if attrs.get("value"):
                    self.current[name].append(attrs["value"])
        elif self.current is not None and tag == "option" and attrs.get("value"):
            last = list(self.current)[-1] if self.current else None
            if last:
                self.current[last].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


class HostileInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = OrganisationFactory(name="Northshire", slug="northshire-fuzz")
        other = OrganisationFactory(name="Southdale", slug="southdale-fuzz")
        users = {}
        for role in Role.values:
            users[role] = MembershipFactory(organisation=cls.organisation, role=role).user
        outsider = MembershipFactory(organisation=other, role=Role.MANAGER).user
        cls.users = users
        innovation = InnovationFactory(organisation=cls.organisation, title="Family hubs")
        leader, facilitator = users[Role.LEADER], users[Role.FACILITATOR]
        part = make_part(innovation, by=leader, name="North team")
        make_part(innovation, by=leader, name="South team")
        # Integrating states a key question, so facilitator mode offers the check's form.
        east = make_part(innovation, by=leader, name="East team", stage=4)
        services.move_part(part, kind="advance", by=leader, effective_on=date(2024, 2, 1))
        measure = evidence.define_measure(innovation, by=leader, stage=2, name="Reach")
        reading = evidence.record_reading(
            measure, by=leader, observed_on=date(2024, 3, 1), value=3, part=part
        )
        session = sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=date(2024, 3, 1),
            title="Spring",
            facilitator=facilitator,
            parts=[part, east],
        )
        theirs = InnovationFactory(organisation=other, title="Their hubs")
        their_part = make_part(theirs, by=outsider, name="Their team")
        their_measure = evidence.define_measure(theirs, by=outsider, stage=1, name="Theirs")
        membership = Membership.objects.get(user=users[Role.VIEWER])
        people.invite(
            cls.organisation, by=users[Role.MANAGER], email="a@example.org", role="viewer"
        )
        cls.kwargs = {
            "innovations": {"pk": innovation.pk},
            "parts": {"pk": part.pk},
            "measure": {"pk": measure.pk},
            "reading": {"pk": reading.pk},
            "sessions": {"pk": session.pk},
            "run": {"pk": session.pk, "part_pk": east.pk},
            "innovation": {"pk": innovation.pk},
            "people": {"pk": membership.pk},
        }
        cls.foreign = [
            str(their_part.pk),
            str(their_measure.pk),
            str(theirs.pk),
            str(other.pk),
            f"{their_part.pk}:1",
        ]

    def url(self, name):
        namespace, _, short = name.rpartition(":")
        if (
            name in {"innovations:create", "innovations:list", "switch-organisation"}
            or namespace in {"dashboard", "search", "notifications"}
            or name == "people:invite"
        ):
            return reverse(name)
        if name == "evidence:ethics":
            return reverse(name, kwargs={"pk": self.kwargs["innovation"]["pk"], "number": 2})
        if name in {
            "sessions:run-part",
            "sessions:add-note",
            "sessions:answer-check",
            "sessions:decide",
        }:
            return reverse(name, kwargs=self.kwargs["run"])
        if name in {"sessions:plan", "sessions:list"}:
            return reverse(name, kwargs=self.kwargs["innovation"])
        if namespace == "evidence":
            if short in {"reading-correct", "reading-withdraw"}:
                return reverse(name, kwargs=self.kwargs["reading"])
            if short in {"measure-edit", "measure-copy", "reading-create", "measure"}:
                return reverse(name, kwargs=self.kwargs["measure"])
            if short in {"check", "involvement"}:
                return reverse(name, kwargs=self.kwargs["parts"])
            return reverse(name, kwargs=self.kwargs["innovation"])
        return reverse(name, kwargs=self.kwargs[namespace])

    def client_for(self, role):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users[role])
        return client

    def fields_of(self, client, name, source):
        page = self.url(source or name)
        response = client.get(page)
        assert response.status_code == 200, (name, response.status_code)
        parser = FormFields()
        parser.feed(response.content.decode())
        target = self.url(name)
        for action, fields in parser.forms.items():
            if action in {target, ""} and (source is None or action == target):
                assert fields, f"the form posting to {target} has no fields"
                return fields, response.cookies["csrftoken"].value
        raise AssertionError(f"no form posting to {target} on {page}")

    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def test_every_form_refuses_hostile_input_without_saving_or_failing(self, data):
        value = st.one_of(st.sampled_from(HOSTILE + self.foreign), st.text(max_size=40))
        for name, source, role in FORMS:
            client = self.client_for(role)
            fields, token = self.fields_of(client, name, source)
            posted = {"csrfmiddlewaretoken": token}
            for field, offered in fields.items():
                choice = st.one_of(value, st.sampled_from(offered)) if offered else value
                if data.draw(st.booleans(), label=f"{name} {field} many"):
                    posted[field] = data.draw(st.lists(choice, max_size=3), label=field)
                else:
                    posted[field] = data.draw(choice, label=f"{name} {field}")
            before = counts()
            response = client.post(self.url(name), posted)
            assert response.status_code in ANSWERS, (name, posted, response.status_code)
            if response.status_code != 303:
                assert counts() == before, (name, posted, response.status_code)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_every_filter_answers_hostile_values_without_failing(self, data):
        client = self.client_for(Role.VIEWER)
        value = st.one_of(st.sampled_from(HOSTILE + self.foreign), st.text(max_size=40))
        names = [
            "q",
            "stage",
            "state",
            "tag",
            "status",
            "lead",
            "stuck",
            "as_of",
            "from",
            "to",
            "page",
            "innovation",
            "waiting",
            "kind",
        ]
        for name in FILTERS:
            query = {n: data.draw(value, label=f"{name} {n}") for n in names}
            response = client.get(self.url(name), query)
            assert response.status_code in ANSWERS, (name, query, response.status_code)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        content=st.one_of(
            st.binary(max_size=2000),
            st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.just(b"date,measure,part,value,note\n" + b"2024-01-01,1,,5,\x00\n" * 3),
            st.just(b"\xff\xfe\x00d\x00a\x00t\x00e"),
        )
    )
    def test_a_malformed_readings_file_is_refused_without_saving(self, content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = self.client_for(Role.LEADER)
        url = self.url("evidence:import")
        response = client.get(url)
        token = response.cookies["csrftoken"].value
        parser = FormFields()
        parser.feed(response.content.decode())
        fields = next(f for a, f in parser.forms.items() if a in {url, ""})
        file_field = (
            next(n for n in fields if "file" in n) if any("file" in n for n in fields) else "file"
        )
        before = counts()
        upload = SimpleUploadedFile("readings.csv", content, content_type="text/csv")
        response = client.post(url, {"csrfmiddlewaretoken": token, file_field: upload})
        assert response.status_code in ANSWERS
        assert counts() == before
        assert resolve(url).url_name == "import"
