"""Reading and validating published CSV files (GIAS, performance tables, census). No Django here.

A `Schema` describes a source's columns with a default layout and per-year overrides (columns come and go
between years). `read_csv` does the whole-file checks (encoding, empty, truncated, required columns);
`validate` converts every column vectorised and collects *every* bad cell as a `CellError` naming the file,
the row (1-based, the header is row 1, as a spreadsheet shows it) and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

# Values that mean "no value" in DfE files. Suppression codes in performance tables are handled by the
# performance schemas (they are missing *with a reason*, never zero).
BLANKS = frozenset({"", "Not applicable", "N/A", "NA", "Not recorded", "Not Applicable", "Not Recorded"})
KINDS = frozenset({"str", "int", "float", "date", "multi", "code"})
# The whole numbers an "int" column takes: counts, ages, identifiers and grid references, never negative in the
# DfE's files, and at most what the database's integer columns hold (PostgreSQL `integer`, 32 bits). Outside
# this range a value failed the write (a CHECK constraint, or an overflow) instead of naming its cell.
INT_LIMIT = 2_147_483_647
WHOLE_RANGE = f"a whole number from 0 to {INT_LIMIT:,}"


def whole_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers already parsed (float, NaN where blank or not a number) as whole numbers: the Int64 values, <NA>
    where out of range, and a mask of the cells that are numbers but not whole numbers from 0 to INT_LIMIT."""
    num = values.astype(float)
    present = num.notna().to_numpy()
    out_of_range = present & ~((num % 1 == 0) & (num >= 0) & (num <= INT_LIMIT)).to_numpy()
    return num.where(~out_of_range).round().astype("Int64"), out_of_range


@dataclass(frozen=True)
class CellError:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class TableError(Exception):
    """The file cannot be imported. `errors` lists every problem found (file, row, column, message)."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s); nothing was imported:\n{shown}{more}")


@dataclass(frozen=True)
class Column:
    """One source column. `name` is the header in the file; `to` the field it becomes (defaults to name)."""

    name: str
    kind: str = "str"
    required: bool = True
    to: str | None = None
    blanks: frozenset[str] = BLANKS
    # For "date": the file's format. GIAS uses dd-mm-yyyy.
    date_format: str = "%d-%m-%Y"
    # For "code": the allowed values (after blanks are removed).
    allowed: frozenset[str] | None = None
    # For "multi": the separator of several values in one cell.
    separator: str = "~"
    # Other headers that mean the same column in other layouts (e.g. "TypeOfEstablishment (name)" vs "...").
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def field(self) -> str:
        return self.to or self.name


@dataclass(frozen=True)
class Schema:
    """A source's columns, with per-year layouts: `years["2016-2017"]` replaces or adds columns; a column mapped
    to None in an override does not exist that year."""

    source: str
    columns: tuple[Column, ...]
    years: Mapping[str, Mapping[str, Column | None]] = field(default_factory=dict)
    key: str | None = None  # field that must be unique within the file (e.g. urn)

    def for_year(self, year: str | None) -> Schema:
        if not year or year not in self.years:
            return self
        override = self.years[year]
        cols = [override.get(c.name, c) for c in self.columns if override.get(c.name, c) is not None]
        known = {c.name for c in self.columns}
        cols += [c for name, c in override.items() if name not in known and c is not None]
        return replace(self, columns=tuple(cols), years={})


def sniff_encoding(raw: bytes) -> str:
    """DfE files are Windows-1252 (GIAS) or UTF-8 (some exports, with or without BOM)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _decode(raw: bytes, name: str, encoding: str | None) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        # Windows-1252 decodes almost any bytes, so UTF-16 (Excel's "Unicode text") or a binary file would
        # otherwise come through as garbage with NULs.
        raise TableError(
            [
                CellError(
                    name,
                    1,
                    None,
                    "cannot be read: the file is UTF-16 or binary, not a CSV in Windows-1252 or UTF-8 "
                    "(save it as 'CSV (Comma delimited)')",
                )
            ]
        )
    enc = encoding or sniff_encoding(raw)
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableError(
            [
                CellError(
                    name,
                    line,
                    None,
                    f"cannot be read as {enc}: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
                    f"(the file may be in another encoding or corrupt)",
                )
            ]
        ) from exc


def read_csv(
    path: str | Path, schema: Schema, *, encoding: str | None = None, name: str | None = None
) -> pd.DataFrame:
    """Read a CSV into a DataFrame of strings with the schema's columns renamed to their fields.

    Whole-file checks: not empty, decodable, every row has the header's number of fields (a truncated file
    fails here), required columns present. Raises TableError listing what is wrong.
    """
    path = Path(path)
    name = name or path.name
    raw = path.read_bytes()
    if not raw.strip():
        raise TableError([CellError(name, None, None, "the file is empty")])
    text = _decode(raw, name, encoding)
    try:
        header = next(csv.reader(io.StringIO(text)))
    except (StopIteration, csv.Error) as exc:
        raise TableError([CellError(name, 1, None, f"no header row ({exc})")]) from exc
    width = len(header)
    # Rows with a wrong field count (a truncated or mangled file) must fail with their row numbers. A vectorised
    # count over the bytes settles the usual case (every row right) in a third of the time of a csv-module pass;
    # only when it finds a mismatch does the csv module walk the file to name the rows.
    errors = [] if _field_counts_match(raw, width) else _field_count_errors(text, width, name)
    if errors:
        raise TableError(errors)
    present = set(header)
    missing = []
    rename: dict[str, str] = {}
    for col in schema.columns:
        found = next((h for h in (col.name, *col.aliases) if h in present), None)
        if found is None:
            if col.required:
                missing.append(col.name)
            continue
        rename[found] = col.field
    if missing:
        raise TableError(
            [CellError(name, 1, m, "required column is missing from the header") for m in missing]
        )
    # pandas decodes the bytes itself (faster than parsing the decoded text); the decode above proved they decode.
    try:
        frame = pd.read_csv(
            io.BytesIO(raw),
            encoding=encoding or sniff_encoding(raw),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            usecols=list(rename),
        )
    except pd.errors.ParserError as exc:  # e.g. a quote left open at the end of the file
        found = _field_count_errors(text, width, name)
        raise TableError(found or [CellError(name, None, None, f"cannot be parsed as CSV ({exc})")]) from exc
    if frame.empty:
        raise TableError([CellError(name, None, None, "the file has a header but no rows")])
    frame = frame.rename(columns=rename)
    for col in schema.columns:  # optional columns absent from this layout become blank
        if col.field not in frame.columns:
            frame[col.field] = ""
    return frame[[c.field for c in schema.columns]]


def _field_counts_match(raw: bytes, width: int) -> bool:
    """True when the CSV bytes are plainly quoted and every non-blank record has `width` fields; False means
    "ask the csv module" (it has the last word, and names the rows).

    A comma or newline separates only outside quotes, and it is inside quotes exactly when an odd number of quote
    characters come before it (an escaped quote "" adds two). That holds for well-formed quoting, so the count is
    trusted only when every opening quote starts a field and every closing quote ends one (or escapes the next),
    and no carriage return stands alone outside quotes (pandas would split the row there; the csv module refuses
    it). Only the four special bytes are looked at: a few numpy passes over the file, no Python loop per row."""
    buf = np.frombuffer(raw, dtype=np.uint8)
    n = len(buf)
    quote, comma, newline, cr = (ord(c) for c in '",\n\r')
    at = np.flatnonzero((buf == quote) | (buf == comma) | (buf == newline) | (buf == cr))
    kind = buf[at]
    is_quote = kind == quote
    parity = np.cumsum(is_quote) & 1  # after each special byte: 1 = inside a quoted field
    before = np.where(at > 0, buf[np.maximum(at - 1, 0)], newline)
    after = np.where(at + 1 < n, buf[np.minimum(at + 1, n - 1)], newline)
    if len(parity) and parity[-1]:  # a quote left open at the end of the file
        return False
    opening = is_quote & (parity == 1)
    closing = is_quote & (parity == 0)
    if not np.all(np.isin(before[opening], (comma, newline, quote))):
        return False
    if not np.all(np.isin(after[closing], (comma, newline, cr, quote))):
        return False
    outside = ~is_quote & (parity == 0)
    if np.any((kind == cr) & outside & (after != newline)):
        return False
    commas = np.cumsum((kind == comma) & outside)
    is_end = (kind == newline) & outside
    ends = at[is_end]
    commas_before_end = commas[is_end]
    if n and buf[-1] != newline:  # the last record has no newline after it
        ends = np.append(ends, n)
        commas_before_end = np.append(commas_before_end, commas[-1] if len(commas) else 0)
    fields = np.diff(commas_before_end, prepend=0) + 1
    starts = np.concatenate(([0], ends[:-1] + 1))
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (buf[np.minimum(starts, n - 1)] == cr))
    return bool(np.all((fields == width) | blank))


def _field_count_errors(text: str, width: int, name: str) -> list[CellError]:
    """Every row (up to 50) whose field count differs from the header's, by spreadsheet row number."""
    errors: list[CellError] = []
    reader = csv.reader(io.StringIO(text))
    next(reader)
    try:
        for row_no, row in enumerate(reader, start=2):
            if row and len(row) != width:
                errors.append(
                    CellError(
                        name,
                        row_no,
                        None,
                        f"has {len(row)} fields, the header has {width} (is the file truncated or mis-quoted?)",
                    )
                )
                if len(errors) >= 50:
                    break
    except csv.Error as exc:
        errors.append(CellError(name, reader.line_num, None, f"cannot be parsed as CSV ({exc})"))
    return errors


def _stripped(values: pd.Series) -> pd.Series:
    """str.strip of every text cell (a plain loop over the object array: about 3x faster than `.str.strip()`)."""
    array = values.to_numpy()
    out = np.empty(len(array), dtype=object)
    out[:] = [v.strip() if isinstance(v, str) else v for v in array]
    return pd.Series(out, index=values.index, copy=False)


def validate(frame: pd.DataFrame, schema: Schema, *, name: str) -> pd.DataFrame:
    """Convert each column to its kind. Blanks become None/NaN/NaT. Collects every bad cell, then raises
    TableError if there is any; otherwise returns the converted frame (ints as nullable Int64)."""
    errors: list[CellError] = []
    out = pd.DataFrame(index=frame.index)
    rows = frame.index.to_numpy() + 2  # spreadsheet row numbers

    def bad(mask: np.ndarray, col: Column, what: str, values: pd.Series) -> None:
        for idx in np.flatnonzero(mask)[:100]:
            errors.append(CellError(name, int(rows[idx]), col.name, f"{values.iloc[idx]!r} is not {what}"))

    for col in schema.columns:
        raw = _stripped(frame[col.field])
        blank = raw.isin(col.blanks).to_numpy()
        if col.kind == "str":
            out[col.field] = raw.where(~blank, "")
        elif col.kind == "multi":
            out[col.field] = [
                () if b else tuple(p.strip() for p in v.split(col.separator) if p.strip())
                for v, b in zip(raw, blank, strict=True)
            ]
        elif col.kind in {"int", "float"}:
            cleaned = raw.str.replace(",", "", regex=False).where(~blank, None)
            num = pd.to_numeric(cleaned, errors="coerce")
            invalid = (~blank) & num.isna().to_numpy()
            if col.kind == "int":
                # Found by fuzzing: 99999999999999999999 crashed the cast (TypeError), and -1 or a 20-digit
                # count failed the write; each is now refused naming its cell.
                bad(invalid, col, "a whole number", raw)
                out[col.field], out_of_range = whole_numbers(num.where(~invalid))
                bad(out_of_range, col, WHOLE_RANGE, raw)
            else:
                # "inf" reached the audit log as invalid JSON.
                invalid |= ~np.isfinite(num.fillna(0).to_numpy())
                bad(invalid, col, "a number", raw)
                out[col.field] = num.where(~invalid).astype(float)
        elif col.kind == "date":
            parsed = pd.to_datetime(raw.where(~blank, None), format=col.date_format, errors="coerce")
            invalid = (~blank) & parsed.isna().to_numpy()
            bad(
                invalid,
                col,
                f"a date in the form {col.date_format.replace('%d', 'dd').replace('%m', 'mm').replace('%Y', 'yyyy')}",
                raw,
            )
            out[col.field] = parsed.dt.date.where(~pd.isna(parsed), None)
        elif col.kind == "code":
            allowed = col.allowed or frozenset()
            invalid = (~blank) & ~raw.isin(allowed).to_numpy()
            bad(invalid, col, f"one of {', '.join(sorted(allowed))}", raw)
            out[col.field] = raw.where(~blank, "")
        if col.required and col.kind in {"int", "float", "date"} and col.field == schema.key:
            missing = blank
            for idx in np.flatnonzero(missing)[:100]:
                errors.append(CellError(name, int(rows[idx]), col.name, "is blank but is required"))
    if schema.key:
        key_col = next(c for c in schema.columns if c.field == schema.key)
        dup = frame[schema.key].str.strip().duplicated(keep="first").to_numpy() & (
            ~frame[schema.key].str.strip().isin(key_col.blanks).to_numpy()
        )
        first_row = {}
        for i, v in enumerate(frame[schema.key].str.strip()):
            first_row.setdefault(v, int(rows[i]))
        for idx in np.flatnonzero(dup)[:100]:
            v = frame[schema.key].iloc[idx].strip()
            errors.append(
                CellError(
                    name,
                    int(rows[idx]),
                    key_col.name,
                    f"duplicate {key_col.name} {v} (first seen on row {first_row[v]})",
                )
            )
    if errors:
        errors.sort(key=lambda e: (e.row or 0, e.column or ""))
        raise TableError(errors)
    return out


def records(frame: pd.DataFrame, fields: Iterable[str] | None = None) -> list[dict]:
    """Rows as dicts with pandas missing values turned into None (for ORM objects)."""
    cols = list(fields or frame.columns)
    sub = frame[cols].astype(object).where(frame[cols].notna(), None)
    return sub.to_dict("records")
