"""Production: PostgreSQL via DATABASE_URL, behind a TLS-terminating proxy. `manage.py check --deploy` is clean."""

from django.core.exceptions import ImproperlyConfigured

from schoolsystem.settings.base import *  # noqa: F403
from schoolsystem.settings.env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")

# Every page links GOV.UK Frontend's CSS and JavaScript: without the npm package the manifest storage answers
# every page with a server error. Say so at start-up instead.
if not GOVUK_FRONTEND_DIST.exists():  # noqa: F405
    raise ImproperlyConfigured(
        f"GOV.UK Frontend not found at {GOVUK_FRONTEND_DIST}: run `npm ci` where package.json is and set "  # noqa: F405
        "SCHOOLSYSTEM_NODE_MODULES to its node_modules folder."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A session lasts a working day at most, and ends when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Login-failure counters must be shared by every gunicorn worker on the host: a file cache (CACHE_DIR).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CACHE_DIR", str(VAR_DIR / "cache")),  # noqa: F405
    }
}
