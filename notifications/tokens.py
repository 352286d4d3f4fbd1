"""The one-click unsubscribe link in every email: a signed token naming the person and the
kinds of email it stops, valid for VALID_DAYS. It works without signing in."""

from django.core import signing

from notifications.models import Kind

SALT = "notifications.unsubscribe"
VALID_DAYS = 60


class BadToken(Exception):
    """The link was altered, names nothing known, or has expired (`expired`)."""

    def __init__(self, message, *, expired=False):
        super().__init__(message)
        self.expired = expired


def make(user, kinds):
    kinds = sorted({Kind(kind).value for kind in kinds})
    return signing.TimestampSigner(salt=SALT).sign(f"{user.pk}:{','.join(kinds)}")


def read(token):
    """(user id, [kinds]) of a token; BadToken when it was altered or is too old."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=VALID_DAYS * 24 * 3600)
    except signing.SignatureExpired as error:
        raise BadToken("This link has expired.", expired=True) from error
    except signing.BadSignature as error:
        raise BadToken("This link is not valid.") from error
    user_id, _, kinds = value.partition(":")
    try:
        return int(user_id), [Kind(kind) for kind in kinds.split(",")]
    except ValueError as error:
        raise BadToken("This link is not valid.") from error
