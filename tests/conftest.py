"""Fixtures shared by every test package."""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("SCHOOLSYSTEM_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real DfE files). Missing data fails in CI (CI is set) and skips only on a laptop."""
    if not SHARED_DATA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing: CI must run with ../shared/data beside the repository")
        pytest.skip("../shared/data is not present on this machine")
    return SHARED_DATA


@pytest.fixture
def make_user(db):
    """make_user(role="la_officer", scope_la=la, ...) -> a saved user with password 'correct-horse-battery'."""
    from schoolsystem.accounts.models import User

    counter = iter(range(1, 10_000))

    def make(role: str = "public", **fields):
        username = fields.pop("username", f"{role}-{next(counter)}")
        user = User(username=username, role=role, **fields)
        user.set_password("correct-horse-battery")
        user.full_clean(exclude=["password"])
        user.save()
        return user

    return make
