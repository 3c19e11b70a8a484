"""Query helpers shared by the apps."""

from collections.abc import Iterator, Sequence
from typing import Any

# Keys per `IN (...)` query: far below SQLite's 32,766 variables and PostgreSQL's 65,535 parameters.
CHUNK = 5000


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """`values` in slices of at most `size`: one `IN (...)` query each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
