"""Login throttling, two rules (both counted in the cache, so production needs a shared cache):

- one username from one address: after LOGIN_FAILURE_LIMIT failures in LOGIN_FAILURE_WINDOW_SECONDS the pair is
  locked until the window passes (guessing one account's password);
- one address, any usernames: after LOGIN_IP_FAILURE_LIMIT failures in the window the address is locked (password
  spraying across many accounts).

The sign-in page, the Django admin's sign-in and the token API all use it."""

from django.conf import settings
from django.core.cache import cache


def _key(username: str, ip: str) -> str:
    return f"login-failures:{username.lower()}:{ip}"


def _ip_key(ip: str) -> str:
    return f"login-failures-ip:{ip}"


def is_locked(username: str, ip: str) -> bool:
    return (
        cache.get(_key(username, ip), 0) >= settings.LOGIN_FAILURE_LIMIT
        or cache.get(_ip_key(ip), 0) >= settings.LOGIN_IP_FAILURE_LIMIT
    )


def _increment(key: str) -> None:
    if cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def record_failure(username: str, ip: str) -> None:
    _increment(_key(username, ip))
    _increment(_ip_key(ip))


def reset(username: str, ip: str) -> None:
    """A successful sign-in clears that username's count (not the address's: a sprayer who knows one password
    must not reset the count of their other attempts)."""
    cache.delete(_key(username, ip))
