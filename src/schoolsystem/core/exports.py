"""CSV export of any list page: streamed, with a header row, a download filename, and cells that spreadsheets read
as values, never formulas.

    return csv_response(
        "schools.csv",
        header=["URN", "Name"],
        rows=((s.urn, s.name) for s in queryset.iterator(chunk_size=2000)),
    )

Callers must pass a queryset already filtered by the user's scope (the same selector as the page): this module
knows nothing about permissions.
"""

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.http import StreamingHttpResponse

# A cell starting with one of these is run as a formula by Excel/LibreOffice/Sheets (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value: Any) -> str:
    """The text of one cell. Numbers stay numbers; text that a spreadsheet would treat as a formula gets a leading
    apostrophe (so "-5" typed by a user stays text, but the integer -5 is written as -5)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # byte-order mark: Excel opens UTF-8 correctly
    yield writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_response(
    filename: str, *, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A streaming CSV download. `rows` is consumed lazily, so pass a generator over `.iterator()`."""
    name = _SAFE_FILENAME.sub("-", filename).strip("-") or "export.csv"
    if not name.endswith(".csv"):
        name += ".csv"
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
