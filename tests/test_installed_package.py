"""Settings of a package installed without its checkout (`pip install .` into site-packages, ADR 0101): var/ and
node_modules/ come from the working directory or the environment, and production refuses to start without
GOV.UK Frontend instead of answering every page with a server error."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRINT_PATHS = "from django.conf import settings as s; print(s.NODE_MODULES); print(s.VAR_DIR); print(s.GOVUK_FRONTEND_DIST.exists())"


def _installed(tmp_path: Path) -> Path:
    """The package laid out as in site-packages: no pyproject.toml, manage.py or node_modules beside it."""
    site = tmp_path / "site-packages"
    shutil.copytree(
        REPO / "src" / "schoolsystem", site / "schoolsystem", ignore=shutil.ignore_patterns("__pycache__")
    )
    return site


def _django(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHOOLSYSTEM_", "DATABASE_URL"))}
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    full_env.update(
        PYTHONPATH=str(site), SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="schools.example.gov.uk"
    )
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _paths(site: Path, cwd: Path, settings: str = "production", **env: str) -> list[str]:
    """NODE_MODULES, VAR_DIR and whether GOV.UK Frontend is there, as the settings see them."""
    result = _django(
        site,
        cwd,
        "shell",
        "--no-imports",
        "-c",
        PRINT_PATHS,
        DJANGO_SETTINGS_MODULE=f"schoolsystem.settings.{settings}",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_an_installed_package_finds_node_modules_and_var_in_the_working_directory(tmp_path):
    site = _installed(tmp_path)
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "node_modules").symlink_to(REPO / "node_modules")
    assert _paths(site, deploy) == [str(deploy / "node_modules"), str(deploy / "var"), "True"]
    check = _django(
        site,
        deploy,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="schoolsystem.settings.production",
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_environment_names_node_modules_and_var_anywhere(tmp_path):
    site = _installed(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    paths = _paths(
        site,
        elsewhere,
        SCHOOLSYSTEM_NODE_MODULES=str(REPO / "node_modules"),
        SCHOOLSYSTEM_VAR_DIR=str(tmp_path / "data"),
    )
    assert paths == [str(REPO / "node_modules"), str(tmp_path / "data"), "True"]


def test_production_refuses_to_start_without_govuk_frontend(tmp_path):
    site = _installed(tmp_path)
    result = _django(site, tmp_path, "check", DJANGO_SETTINGS_MODULE="schoolsystem.settings.production")
    assert result.returncode != 0
    assert f"GOV.UK Frontend not found at {tmp_path / 'node_modules'}" in result.stderr
    assert "SCHOOLSYSTEM_NODE_MODULES" in result.stderr


def test_a_checkout_keeps_var_and_node_modules_beside_src(tmp_path):
    assert _paths(REPO / "src", tmp_path, "dev") == [str(REPO / "node_modules"), str(REPO / "var"), "True"]


def test_a_setting_that_is_not_a_number_is_named_at_start_up(tmp_path):
    result = _django(
        REPO / "src",
        tmp_path,
        "check",
        DJANGO_SETTINGS_MODULE="schoolsystem.settings.dev",
        TRUSTED_PROXY_COUNT="one",
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number (0 or more), not 'one'." in result.stderr
