"""CSV in, CSV out, for analysts (`schoolsystem broker`). Lists inside a cell are separated by ';', and a
partner's locations are 'easting northing' pairs: '512000 150000;515500 149000'. Every column is described in
docs/data-formats.md ("Brokerage files"); a column not listed here is refused, so a misspelt header cannot
silently fall back to its default."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

from schoolsystem.engines.matching.types import PartnerCandidate, Plan, SchoolNeed

SCHOOL_COLUMNS = ("id", "name")
# Every other field of the dataclass is an optional column of the same name: the files and the engine cannot drift.
# (The URN first, as docs/data-formats.md lists it, then the dataclass's order.)
SCHOOL_OPTIONAL = ("urn", *(f.name for f in fields(SchoolNeed) if f.name not in {*SCHOOL_COLUMNS, "urn"}))
PARTNER_COLUMNS = ("id", "name", "capacity")
PARTNER_OPTIONAL = tuple(f.name for f in fields(PartnerCandidate) if f.name not in PARTNER_COLUMNS)
TRUE = {"1", "true", "yes", "y"}


class FileError(ValueError):
    """A problem in an input file; the message names the file, row and column."""


def _list(v: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in (v or "").split(";") if x.strip())


def _num(v: str, cast, where: str):
    """A number from a cell, or None when it is blank. Whole numbers (`int`: URNs, counts, capacities, years) are
    0 or more; numbers (`float`) are finite: "inf" as an easting reached the distance search."""
    v = (v or "").strip()
    if not v:
        return None
    try:
        value = cast(v)
    except ValueError as exc:
        raise FileError(f"{where}: {v!r} is not {'a whole number' if cast is int else 'a number'}") from exc
    if cast is int and value < 0:
        raise FileError(f"{where}: {v!r} is not a whole number of 0 or more")
    if not math.isfinite(value):
        raise FileError(f"{where}: {v!r} is not a number")
    return value


def _rows(path: Path, required: Iterable[str], optional: Iterable[str]) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise FileError(f"{path.name}: missing column(s) {', '.join(missing)}")
        known = [*required, *optional]
        unknown = [h for h in header if h not in known]
        if unknown:
            raise FileError(
                f"{path.name}: unknown column(s) {', '.join(repr(h) for h in unknown)}; "
                f"the columns are {', '.join(known)} (see docs/data-formats.md)"
            )
        reader.fieldnames = header
        return list(reader)


def read_schools(path: str | Path) -> list[SchoolNeed]:
    path = Path(path)
    out = []
    for n, row in enumerate(_rows(path, SCHOOL_COLUMNS, SCHOOL_OPTIONAL), start=2):
        w = f"{path.name} row {n}"
        out.append(
            SchoolNeed(
                id=row["id"].strip(),
                name=row["name"].strip(),
                urn=_num(row.get("urn", ""), int, f"{w} urn"),
                phase=row.get("phase", "").strip(),
                easting=_num(row.get("easting", ""), float, f"{w} easting"),
                northing=_num(row.get("northing", ""), float, f"{w} northing"),
                pupils=_num(row.get("pupils", ""), int, f"{w} pupils"),
                religious_character=row.get("religious_character", "").strip(),
                diocese=row.get("diocese", "").strip(),
                ofsted_outcome=row.get("ofsted_outcome", "").strip(),
                finance_flag=row.get("finance_flag", "").strip().lower() in TRUE,
                estate_flag=row.get("estate_flag", "").strip().lower() in TRUE,
                needs=_list(row.get("needs", "")),
                group_key=row.get("group_key", "").strip(),
                preferences=_list(row.get("preferences", "")),
                current_partner_id=row.get("current_partner_id", "").strip(),
                also_current_ids=_list(row.get("also_current_ids", "")),
                year=_num(row.get("year", ""), int, f"{w} year"),
            )
        )
    return out


def read_partners(path: str | Path) -> list[PartnerCandidate]:
    path = Path(path)
    out = []
    for n, row in enumerate(_rows(path, PARTNER_COLUMNS, PARTNER_OPTIONAL), start=2):
        w = f"{path.name} row {n}"
        locations = []
        for pair in _list(row.get("locations", "")):
            bits = pair.split()
            if len(bits) != 2:
                raise FileError(f"{w} locations: {pair!r} is not 'easting northing'")
            locations.append((_num(bits[0], float, f"{w} locations"), _num(bits[1], float, f"{w} locations")))
        out.append(
            PartnerCandidate(
                id=row["id"].strip(),
                name=row["name"].strip(),
                kind=row.get("kind", "").strip() or "trust",
                capacity=_num(row["capacity"], int, f"{w} capacity") or 0,
                phases=_list(row.get("phases", "")),
                locations=tuple(locations),
                track_record=_num(row.get("track_record", ""), float, f"{w} track_record"),
                accreditation=row.get("accreditation", "").strip(),
                current_schools=_num(row.get("current_schools", ""), int, f"{w} current_schools") or 0,
                denomination=row.get("denomination", "").strip(),
                diocesan_consent=_list(row.get("diocesan_consent", "")),
                open_serious_concern=row.get("open_serious_concern", "").strip().lower() in TRUE,
                max_distance_km=_num(row.get("max_distance_km", ""), float, f"{w} max_distance_km"),
                max_new_per_year=_num(row.get("max_new_per_year", ""), int, f"{w} max_new_per_year"),
                typical_pupils=_num(row.get("typical_pupils", ""), int, f"{w} typical_pupils"),
                expertise=_list(row.get("expertise", "")),
                accepts_estate_risk=row.get("accepts_estate_risk", "true").strip().lower() in TRUE | {""},
            )
        )
    return out


def plan_csv(plan: Plan, names: dict[str, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["school_id", "partner_id", "partner_name", "fit", "distance_km"])
    for a in plan.assignments:
        w.writerow(
            [a.school_id, a.partner_id, names.get(a.partner_id, ""), f"{a.fit:.2f}", f"{a.distance_km:.2f}"]
        )
    return buf.getvalue()
