"""The one write path of API tokens: create, revoke, and note when one was last used."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from apitokens.models import ApiToken
from stages import clock
from stages.models import Organisation
from stages.services import bump_version, save_with_history

PREFIX = "inn"
MAX_DAYS = 366
MAX_TOKENS = 50
LAST_USED_EVERY = timedelta(minutes=1)


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(organisation, *, by, name, expires_on, reads_restricted=False):
    """A new token of `organisation`; returns (token, secret). The secret is not stored: show
    it once, then forget it. At most MAX_TOKENS usable tokens per organisation."""
    name = (name or "").strip()
    today = clock.localdate()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the token"
    elif len(name) > 100:
        errors["name"] = "Name must be 100 characters or fewer"
    if expires_on is None:
        errors["expires_on"] = "Enter the date the token expires"
    elif expires_on < today:
        errors["expires_on"] = "The expiry date must be today or in the future"
    elif expires_on > today + timedelta(days=MAX_DAYS - 1):
        last = today + timedelta(days=MAX_DAYS - 1)
        errors["expires_on"] = f"The expiry date must be on or before {last:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    # The organisation's row is the lock: two managers creating tokens at once are counted
    # one after the other.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if ApiToken.objects.filter(organisation=organisation).usable(today).count() >= MAX_TOKENS:
        raise ValidationError(
            {"name": f"{organisation} has {MAX_TOKENS} tokens in use already. Revoke one first."}
        )
    prefix = secrets.token_hex(6)
    secret = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        organisation=organisation,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        reads_restricted=bool(reads_restricted),
        expires_on=expires_on,
        created_by=by,
    )
    save_with_history(token, by=by, reason="Created")
    bump_version(organisation.pk)
    return token, secret


@transaction.atomic
def revoke_token(token, *, by):
    """Stop the token working at once. Revoking one already revoked changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = clock.now()
    locked.revoked_by = by
    save_with_history(locked, by=by, reason="Revoked", update_fields=["revoked_at", "revoked_by"])
    bump_version(locked.organisation_id)
    return locked


def find_token(secret):
    """The token whose secret is `secret` (its organisation selected), usable or not; None
    when there is none. One query."""
    parts = (secret or "").split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or len(secret) > 200:
        return None
    found = ApiToken.objects.select_related("organisation").filter(prefix=parts[1]).first()
    if found is None or not hmac.compare_digest(found.secret_hash, hash_secret(secret)):
        return None
    return found


def note_use(token):
    """Record that the token was used now: at most one write a minute per token, of
    `last_used_at` alone, with no history row (it is not a change anyone made)."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
