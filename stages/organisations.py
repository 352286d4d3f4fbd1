"""Organisations and their members: the write path for creating an organisation and for adding
a person to it with a role. Each writes history with the acting person and a reason, and bumps
the organisation's version. A refusal is a ValidationError naming its field."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from stages.models import Membership, Organisation, Role
from stages.services import bump_version, name_of, save_with_history
from stages.text import strip_bidi

__all__ = ["add_member", "create_organisation"]

NAME_LENGTH = Organisation._meta.get_field("name").max_length
SLUG_LENGTH = Organisation._meta.get_field("slug").max_length


def create_organisation(*, name, slug="", by=None):
    """Create an organisation named `name`. Its `slug`, the short name in its addresses, is
    made from the name when not given, with a number added if another organisation has it; a
    slug given that another organisation has is refused."""
    name = " ".join(strip_bidi(name or "").split())
    if not name:
        raise ValidationError({"name": "Enter the organisation's name."})
    if len(name) > NAME_LENGTH:
        raise ValidationError({"name": f"Keep the name to {NAME_LENGTH} characters."})
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            raise ValidationError(
                {"slug": "Use only letters, numbers, hyphens and underscores in the short name."}
            ) from None
        if len(slug) > SLUG_LENGTH:
            raise ValidationError({"slug": f"Keep the short name to {SLUG_LENGTH} characters."})
        return _create(name, slug, by)
    base = slugify(name)[: SLUG_LENGTH - 4].strip("-") or "organisation"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = [base, *(f"{base}-{n}" for n in range(2, 1000))]
    for candidate in candidates:
        if candidate in taken:
            continue
        try:
            return _create(name, candidate, by)
        except ValidationError:
            continue  # taken by an organisation created meanwhile
    raise ValidationError({"name": f"Too many organisations are called {name}."})


def _create(name, slug, by):
    try:
        with transaction.atomic():
            organisation = Organisation(name=name, slug=slug)
            save_with_history(organisation, by=by, reason="Created")
            bump_version(organisation.pk)
    except IntegrityError:
        raise ValidationError(
            {"slug": f"Another organisation already uses the short name {slug}."}
        ) from None
    return organisation


@transaction.atomic
def add_member(organisation, user, *, role, by):
    """Add `user` to `organisation` with `role`. Someone already a member is refused, and so
    is a leaver: reactivating them brings back the role they had."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    # Serialises changes to the organisation's people (as stages.people does).
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values("pk"))
    existing = Membership.objects.filter(organisation=organisation, user=user).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"user": f"{name_of(user)} is already a member of {organisation}."})
    if existing is not None:
        raise ValidationError(
            {
                "user": f"{name_of(user)} has left {organisation}. Reactivate them from the "
                "list of people instead."
            }
        )
    membership = Membership(organisation=organisation, user=user, role=role)
    save_with_history(membership, by=by, reason="Member added")
    bump_version(organisation.pk)
    return membership
