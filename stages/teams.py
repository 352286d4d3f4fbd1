"""Innovation teams and guests: the one write path for who is on an innovation's team, whether
the innovation is restricted, and the innovations shared with a guest until a date.

Every change is written with history carrying the acting person and a reason, and bumps the
organisation's version, so no cached page shows the old team. A place is never deleted: a
person taken off a team keeps their row, inactive, and its history."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from stages import clock
from stages.models import Innovation, Membership, Role, TeamMember, TeamRole
from stages.services import bump_version, save_with_history


def name_of(user):
    return user.get_full_name() or user.get_username()


def facilitators(organisation_id, innovation_id):
    """The people who may facilitate the innovation's sessions: the organisation's facilitators
    and managers, and the innovation's team (its lead and current contributors, a guest
    contributor among them). A lazy queryset of users."""
    members = Membership.objects.active().filter(organisation_id=organisation_id)
    runs = members.filter(role__in=[Role.FACILITATOR, Role.MANAGER], is_guest=False)
    lead = Innovation.objects.filter(pk=innovation_id).values("lead_id")
    team = TeamMember.objects.current().filter(
        innovation_id=innovation_id, role=TeamRole.CONTRIBUTOR
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user_id"))
        .filter(
            Q(pk__in=runs.values("user_id")) | Q(pk__in=lead) | Q(pk__in=team.values("user_id"))
        )
    )


def _members(organisation_id, users, field):
    """The active, non-guest memberships of `users` in the organisation; a ValidationError at
    `field` for anyone who is not one."""
    ids = {user.pk for user in users}
    found = set(
        Membership.objects.active()
        .filter(organisation_id=organisation_id, user_id__in=ids, is_guest=False)
        .values_list("user_id", flat=True)
    )
    missing = [user for user in users if user.pk not in found]
    if missing:
        raise ValidationError(
            {
                field: f"{', '.join(name_of(u) for u in missing)} "
                f"{'is not a member' if len(missing) == 1 else 'are not members'} of the "
                "organisation. Choose from its members, or invite a guest."
            }
        )


@transaction.atomic
def set_team(innovation, *, by, lead, contributors, restricted, viewers=()):
    """Make `lead` the innovation's lead and `contributors` (members of its organisation)
    its contributors, share it with `viewers` (members who see it while it is restricted
    without being on its team), and mark it restricted or not. Members left out lose their
    places; guests' places are not touched. Returns the innovation as saved."""
    locked = Innovation.objects.select_for_update().get(pk=innovation.pk)
    contributors = [user for user in contributors if lead is None or user.pk != lead.pk]
    taken = {user.pk for user in contributors} | {lead.pk if lead else None}
    viewers = [user for user in viewers if user.pk not in taken]
    _members(locked.organisation_id, [lead] if lead else [], "lead")
    _members(locked.organisation_id, contributors, "contributors")
    _members(locked.organisation_id, viewers, "viewers")
    changed = []
    if locked.lead_id != (lead.pk if lead else None):
        locked.lead = lead
        changed.append("lead")
    if locked.restricted != bool(restricted):
        locked.restricted = bool(restricted)
        changed.append("restricted")
    if changed:
        words = []
        if "lead" in changed:
            words.append(f"lead now {name_of(lead) if lead else 'nobody'}")
        if "restricted" in changed:
            words.append("restricted" if locked.restricted else "no longer restricted")
        save_with_history(
            locked,
            by=by,
            reason=f"Team changed by {name_of(by)}: {', '.join(words)}",
            update_fields=changed,
        )
    wanted = {user.pk: (user, TeamRole.CONTRIBUTOR) for user in contributors}
    wanted |= {user.pk: (user, TeamRole.VIEWER) for user in viewers}
    places = {
        place.user_id: place
        for place in TeamMember.objects.select_for_update().filter(innovation=locked)
        if not place.until  # a guest's place ends on a date; it is changed on its own
    }
    for user_id, place in places.items():
        if place.is_active and user_id not in wanted:
            place.is_active = False
            save_with_history(
                place,
                by=by,
                reason=f"Taken off the team by {name_of(by)}",
                update_fields=["is_active"],
            )
    for user_id, (user, role) in wanted.items():
        place = places.get(user_id)
        words = (
            f"Added to the team by {name_of(by)}"
            if role == TeamRole.CONTRIBUTOR
            else f"Shared by {name_of(by)}"
        )
        if place is None:
            place = TeamMember(
                organisation_id=locked.organisation_id,
                innovation=locked,
                user=user,
                role=role,
                added_by=by,
            )
            save_with_history(place, by=by, reason=words)
        elif not place.is_active or place.role != role:
            place.is_active, place.role = True, role
            save_with_history(place, by=by, reason=words, update_fields=["is_active", "role"])
    bump_version(locked.organisation_id)
    return locked


def check_guest_terms(organisation, *, role, until, innovations):
    """Refuse, naming the field, a guest's place that is not a known role, ends before
    tomorrow or names no innovation (or one of another organisation)."""
    errors = {}
    if role not in TeamRole.values:
        errors["role"] = "Choose viewer or contributor."
    if until is None:
        errors["until"] = "Enter the last day of their access."
    elif until <= clock.localdate():
        errors["until"] = "The last day of their access must be after today."
    if not innovations:
        errors["innovations"] = "Choose at least one innovation to share."
    elif any(i.organisation_id != organisation.pk for i in innovations):
        errors["innovations"] = "Choose innovations of this organisation."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def place_guest(user, *, by, innovations, role, until):
    """Give the guest `user` a place on each of `innovations` as `role` until the end of
    `until`, or renew the place they had (the terms checked by the caller, with
    check_guest_terms). Returns the places."""
    organisation_id = innovations[0].organisation_id
    places = []
    for innovation in innovations:
        place = (
            TeamMember.objects.select_for_update().filter(innovation=innovation, user=user).first()
        )
        words = f"{TeamRole(role).label.lower()} until {until:%-d %B %Y}"
        if place is None:
            place = TeamMember(
                organisation_id=innovation.organisation_id,
                innovation=innovation,
                user=user,
                role=role,
                until=until,
                added_by=by,
            )
            save_with_history(place, by=by, reason=f"Shared by {name_of(by)} as {words}")
        else:
            place.role, place.until, place.is_active = role, until, True
            save_with_history(
                place,
                by=by,
                reason=f"Shared again by {name_of(by)} as {words}",
                update_fields=["role", "until", "is_active"],
            )
        places.append(place)
    bump_version(organisation_id)
    return places


@transaction.atomic
def remove_place(place, *, by):
    """Take a person off an innovation's team (a guest loses access to it at once). The row
    and its history are kept."""
    locked = TeamMember.objects.select_for_update().get(pk=place.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    save_with_history(
        locked, by=by, reason=f"Removed by {name_of(by)}", update_fields=["is_active"]
    )
    bump_version(locked.organisation_id)
    return locked
