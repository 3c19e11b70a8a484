"""Account writes. Every change is audited (the token's key never is)."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from schoolsystem.core.audit import audit


@transaction.atomic
def api_token_issue(*, user, by) -> Token:
    """Give `user` a new API token, revoking any previous one. Returns the token (its key is the secret)."""
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit(
        obj=user,
        action="account.api_token_issued",
        actor=by,
        note="previous token revoked" if revoked else "first token",
    )
    return token


def api_token_for(user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def api_token_obtain(*, user) -> Token:
    """The user's token, created on first use (sign-in with username and password through the API)."""
    token = api_token_for(user)
    if token is None:
        token = Token.objects.create(user=user)
        audit(obj=user, action="account.api_token_issued", actor=user, note="first token, via the API")
    return token
