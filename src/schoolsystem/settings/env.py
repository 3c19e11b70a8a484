"""Environment parsing: one place that reads os.environ, so every setting is visible here."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[3]
# Where var/ and node_modules/ are looked for: the checkout when the package runs from one (./run, an editable
# install), else the working directory. A wheel installed into site-packages has no checkout beside it, and a
# deployment's data and npm packages do not belong in site-packages (ADR 0101).
DEPLOY_ROOT = REPO_ROOT if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """A whole number >= 0 from the environment; a bad value stops start-up naming the variable."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    if not value.strip().isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number (0 or more), not {value!r}.")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_config(default_sqlite: Path) -> dict:
    """DATABASE_URL if set (postgres://user@host:5432/name), else a SQLite file: zero set-up."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    config = dj_database_url.parse(url, conn_max_age=60 if url.startswith("postgres") else 0)
    if config["ENGINE"].endswith("sqlite3"):
        # SQLite waits for a writer instead of failing at once; imports are long transactions.
        config.setdefault("OPTIONS", {})["timeout"] = 30
    return config
