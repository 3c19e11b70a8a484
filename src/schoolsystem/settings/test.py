"""Test settings: the same apps and middleware as production, faster hashing."""

from schoolsystem.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Throttle counters live in the (per-process) cache and user ids repeat between tests, so the whole suite would
# count as one user against the production rates. Tests of throttling set their own rates (tests/accounts).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"login": "10/min", "anon": "100000/min", "user": "100000/min"},
}
