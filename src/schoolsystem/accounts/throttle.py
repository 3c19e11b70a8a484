"""Login throttling: after LOGIN_FAILURE_LIMIT failures for one username from one address within the window,
sign-in is refused until the window passes. Counts live in the cache (per process in the demo; use a shared
cache such as Redis or the database cache in production)."""

from django.conf import settings
from django.core.cache import cache


def _key(username: str, ip: str) -> str:
    return f"login-failures:{username.lower()}:{ip}"


def is_locked(username: str, ip: str) -> bool:
    return cache.get(_key(username, ip), 0) >= settings.LOGIN_FAILURE_LIMIT


def record_failure(username: str, ip: str) -> None:
    key = _key(username, ip)
    if cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))
