"""Local development and the demo: DEBUG on, SQLite unless DATABASE_URL says otherwise."""

from schoolsystem.settings.base import *  # noqa: F403
from schoolsystem.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
