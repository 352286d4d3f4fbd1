import datetime

import factory
from django.contrib.auth import get_user_model

from stages import services
from stages.models import Innovation, Membership, Organisation, Role

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Tester"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough {n} Council")
    slug = factory.Sequence(lambda n: f"borough-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.LEADER


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Innovation

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Innovation {n}")


def make_part(innovation, *, by, name="North team", stage=1, on=None, rationale="", **fields):
    """A part with its start move, through the write path."""
    if stage > 1 and not rationale:
        rationale = "Already under way when we began recording."
    return services.start_part(
        innovation,
        by=by,
        name=name,
        stage=stage,
        effective_on=on or datetime.date(2024, 1, 1),
        rationale=rationale,
        **fields,
    )


def make_move(part, kind, *, by, on, to_stage=None, **fields):
    """A move through the write path, with the reason and rationale its kind needs."""
    if kind in {"jump", "rewind", "pause", "stop", "restart", "void"}:
        default_reason = {"pause": "planned_pause", "void": "recording_error"}.get(kind, "learning")
        fields.setdefault("reason", default_reason)
        fields.setdefault("rationale", "Agreed at the review.")
    if kind == "new_cycle":
        fields.setdefault("rationale", "Policy changed; the wheel turns again.")
    return services.move_part(part, kind=kind, by=by, to_stage=to_stage, effective_on=on, **fields)
