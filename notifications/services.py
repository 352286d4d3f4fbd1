"""The write path for what people choose to receive: each person's own choices, an
organisation's defaults, and turning kinds off from an email's unsubscribe link. Each write
locks the row it changes and writes only the frequency, with history."""

from django.core.exceptions import ValidationError
from django.db import transaction

from notifications.models import CHOICES, DEFAULTS, Frequency, Kind, OrganisationDefault, Preference
from stages import clock


def _check(choices):
    for kind, frequency in choices.items():
        if frequency not in CHOICES[Kind(kind)]:
            raise ValidationError({kind: f"Choose how often to receive {Kind(kind).label}."})


def _save(model, lookup, kind, frequency, *, by, reason):
    row = model.objects.select_for_update().filter(**lookup, kind=kind).first()
    if row is None:
        row = model(**lookup, kind=kind, frequency=frequency)
    elif row.frequency == frequency:
        return False
    row.frequency = frequency
    row.changed_at = clock.now()
    row._history_user = by
    row._change_reason = reason
    if row.pk:
        row.save(update_fields=["frequency", "changed_at"])
    else:
        row.save()
    return True


@transaction.atomic
def set_preferences(user, choices, *, by):
    """Save the person's choice for each kind in `choices` ({kind: frequency})."""
    _check(choices)
    for kind, frequency in choices.items():
        _save(Preference, {"user": user}, kind, frequency, by=by, reason="Email choices changed")


@transaction.atomic
def set_organisation_defaults(organisation, choices, *, by):
    """Save the organisation's default for each kind in `choices`."""
    _check(choices)
    for kind, frequency in choices.items():
        _save(
            OrganisationDefault,
            {"organisation": organisation},
            kind,
            frequency,
            by=by,
            reason="Organisation's email defaults changed",
        )


@transaction.atomic
def unsubscribe(user, kinds):
    """Turn the kinds off for the person, from an email's link (no one is signed in)."""
    for kind in kinds:
        _save(Preference, {"user": user}, kind, Frequency.OFF, by=None, reason="Unsubscribed")


def frequencies(user, organisation):
    """{kind: frequency} for the person in the organisation: their own choice, else the
    organisation's default, else the kind's own. Two queries."""
    chosen = dict(DEFAULTS)
    if organisation is not None:
        chosen.update(
            OrganisationDefault.objects.filter(organisation=organisation).values_list(
                "kind", "frequency"
            )
        )
    chosen.update(Preference.objects.filter(user=user).values_list("kind", "frequency"))
    return {Kind(kind): Frequency(value) for kind, value in chosen.items()}


def organisation_defaults(organisation):
    chosen = dict(DEFAULTS)
    chosen.update(
        OrganisationDefault.objects.filter(organisation=organisation).values_list(
            "kind", "frequency"
        )
    )
    return {Kind(kind): Frequency(value) for kind, value in chosen.items()}
