"""Settings shared by every environment. Production and test settings import and override these."""

from pathlib import Path

from schoolsystem.core.api_areas import TAGS as API_TAGS
from schoolsystem.settings.env import DEPLOY_ROOT, database_config, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(env_str("SCHOOLSYSTEM_VAR_DIR", str(DEPLOY_ROOT / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789abcdef")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "schoolsystem.core",
    "schoolsystem.accounts",
    "schoolsystem.registry",
    "schoolsystem.performance",
    "schoolsystem.improvement",
    "schoolsystem.brokerage",
    "schoolsystem.accreditation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "schoolsystem.core.middleware.SecurityHeadersMiddleware",
    "schoolsystem.core.middleware.MethodNotAllowedPageMiddleware",
    "schoolsystem.core.middleware.NulCharacterMiddleware",
]

ROOT_URLCONF = "schoolsystem.urls"
WSGI_APPLICATION = "schoolsystem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schoolsystem.core.context_processors.navigation",
            ],
        },
    },
]

# Widgets render with the project's templates too (core/widgets/: the GOV.UK date input); "django.forms" above
# supplies Django's own widget templates to that engine.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": database_config(VAR_DIR / "schoolsystem.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:overview"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = Path(env_str("SCHOOLSYSTEM_NODE_MODULES", str(DEPLOY_ROOT / "node_modules")))
# GOV.UK Frontend comes from npm (see docs/decisions/0002-govuk-frontend-from-npm.md). Its CSS asks for
# fonts and images at /assets/..., so WhiteNoise serves the package's dist/govuk folder at the site root too.
GOVUK_FRONTEND_DIST = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [BASE_DIR / "static"] + (
    [("govuk", GOVUK_FRONTEND_DIST)] if GOVUK_FRONTEND_DIST.exists() else []
)
WHITENOISE_ROOT = GOVUK_FRONTEND_DIST if GOVUK_FRONTEND_DIST.exists() else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "schoolsystem.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "schoolsystem.core.openapi.AreaAutoSchema",
    "EXCEPTION_HANDLER": "schoolsystem.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": "10/min", "anon": "120/min", "user": "2000/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "schoolsystem API",
    "DESCRIPTION": (
        "Schools, partnerships, performance, risk, casework, brokerage and accreditation.\n\n"
        "## Authentication\n\n"
        "What is published needs no sign-in: school report cards, the decision register and the register of "
        "accredited providers. Everything else needs a token, and what it returns is limited to the signed-in "
        "user's role and scope, as on the web pages.\n\n"
        "- Get your token on the service's **Your account** page (`/accounts/#api-token`), or by posting your "
        "username and password to `POST /api/v1/auth/token/`.\n"
        "- Send it in the `Authorization` header with the prefix `Token`:\n\n"
        "```\ncurl -H 'Authorization: Token <your token>' https://<this service>/api/v1/me/\n```\n\n"
        "- To try the API on this page, choose **Authorize** and enter `Token <your token>`.\n"
        "- `POST /api/v1/me/token/` replaces your token; the old one stops working at once.\n\n"
        "Lists are paginated (`?page=`) and take the filters each operation lists. Errors are JSON: "
        '`{"detail": ...}`, or one list of messages per field.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's JavaScript and CSS come from drf-spectacular-sidecar's static files (no CDN; our CSP allows
    # only 'self'), and Swagger UI's start-up script is a separate request (SpectacularSwaggerSplitView).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "TAGS": API_TAGS,  # one tag per part of the service (core.openapi)
    "ENUM_NAME_OVERRIDES": {
        "EstablishmentStatusEnum": "schoolsystem.registry.constants.EstablishmentStatus",
        "GroupStatusEnum": "schoolsystem.registry.constants.GroupStatus",
        "GroupTypeEnum": "schoolsystem.registry.constants.GroupType",
        "PartnershipTypeEnum": "schoolsystem.registry.api.INFORMAL_CHOICES",
        "RegisterStatusEnum": "schoolsystem.brokerage.api.REGISTER_STATUS_CHOICES",
        "ProposalStatusEnum": "schoolsystem.brokerage.constants.ProposalStatus",
    },
}

# Login throttling: failed sign-ins per username+IP in a window before further attempts are refused.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_IP_FAILURE_LIMIT = 50  # failures from one address across any usernames in the window
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the header is ignored and the socket's
# address is the client's. N: the client is the Nth address from the right, the one the outermost of our proxies
# saw (addresses further left are the client's own claim). See accounts.views.client_ip.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "schoolsystem.core.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # WeasyPrint checks the style attributes of a report card's inline SVG charts against HTML's CSS and warns
    # about every SVG property ("Ignored `stroke: ...`": about 150 lines per PDF), then draws them correctly.
    "loggers": {"weasyprint": {"level": "ERROR"}},
}

# Accreditation: the assessment clock counts working days, never a weekend or an England and Wales bank holiday
# (engines.working_days computes those for any year, proclaimed ones included). List here, as ISO dates, any
# one-off day it must not count on top of them (e.g. "2027-06-07"); a malformed date fails loudly.
ACCREDITATION_BANK_HOLIDAYS: list[str] = []
