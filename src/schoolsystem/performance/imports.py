"""Import pipelines for performance data: KS2 and KS4 performance tables, the school census and Ofsted outcomes.

All four subclass core.imports.ImportPipeline: whole-file checks, then every cell validated (errors name the
file, row and column), nothing written unless every row passes. Suppression codes (SUPP, NE, NP, LOWCOV, NEW,
NA, x, ...) become missing values *with their reason*; they are never read as zero. Percent strings ("67%")
become numbers. Rows are keyed by URN (docs/decisions/0050-performance-data-by-urn.md).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from schoolsystem.core.audit import audit
from schoolsystem.core.imports import Counts, ImportContext, ImportPipeline, raise_if, register, too_long
from schoolsystem.engines.tabular import (
    WHOLE_RANGE,
    CellError,
    Column,
    Schema,
    TableError,
    read_csv,
    records,
    sniff_encoding,
    validate,
    whole_numbers,
)
from schoolsystem.performance.constants import (
    RECTYPE_LEVEL,
    REPORT_CARD_AREAS,
    REPORT_CARD_SCALE,
    SCHOOL_LEVELS,
    CategoryOfConcern,
    InspectionFramework,
    KeyStage,
)
from schoolsystem.performance.models import (
    AbsenceRecord,
    CensusRecord,
    ExclusionRecord,
    Inspection,
    KeyStageResult,
)

# DfE and ONS codes for "no figure", with what they mean (performance tables guidance, "Symbols and codes").
SUPPRESSION_CODES: dict[str, str] = {
    "SUPP": "suppressed: too few pupils",
    "NE": "no pupils entered",
    "NP": "not published",
    "LOWCOV": "low coverage of pupils",
    "NEW": "new school",
    "NA": "not applicable",
    "NEXCL": "not included in averages",
    "DNS": "did not sit",
    "x": "not available",
    "z": "not applicable",
    "c": "confidential",
    "u": "low reliability",
    ":": "not available",
    "..": "not available",
    "": "blank",
}


def parse_measures(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convert a column of published figures. Returns (values, reasons, invalid):
    values float with NaN where missing; reasons "" where there is a value, else the code (e.g. "SUPP");
    invalid True where the cell is neither a number, a percent nor a known code."""
    text = raw.astype(str).str.strip()
    is_code = text.isin(SUPPRESSION_CODES.keys()).to_numpy()
    cleaned = text.str.rstrip("%").str.replace(",", "", regex=False)
    num = pd.to_numeric(cleaned.where(~is_code, None), errors="coerce").to_numpy(dtype=float)
    invalid = ~is_code & ~np.isfinite(num)  # "inf" is not a figure (found by fuzzing)
    num[invalid] = np.nan
    reasons = np.where(is_code, text.to_numpy(dtype=object), "")
    reasons = np.where(reasons == "", np.where(is_code, "blank", ""), reasons)
    return num, reasons, invalid


def _measure_col(name: str, to: str, required: bool = True) -> Column:
    # Kept as raw text (no blanks) for parse_measures, which knows the suppression codes.
    return Column(name, "str", required=required, to=to, blanks=frozenset())


@dataclass(frozen=True)
class MeasureSpec:
    field: str
    whole: bool = False


class _MeasureImport(ImportPipeline):
    """Shared by KS and census pipelines: converts measure columns and collects bad cells."""

    measures: dict[str, MeasureSpec] = {}

    def convert_measures(
        self, frame: pd.DataFrame, schema: Schema, name: str
    ) -> tuple[pd.DataFrame, list[dict]]:
        errors: list[CellError] = []
        missing: list[dict] = [{} for _ in range(len(frame))]
        rows = frame.index.to_numpy() + 2
        header_of = {c.field: c.name for c in schema.columns}
        for field, spec in self.measures.items():
            if field not in frame.columns:
                continue
            values, reasons, invalid = parse_measures(frame[field])
            for idx in np.flatnonzero(invalid)[:100]:
                errors.append(
                    CellError(
                        name, int(rows[idx]), header_of[field], f"{frame[field].iloc[idx]!r} is not a number"
                    )
                )
            # Counts of pupils: a negative or 20-digit count failed the write (found by fuzzing).
            if spec.whole:
                _, out_of_range = whole_numbers(pd.Series(values))
                for idx in np.flatnonzero(out_of_range)[:100]:
                    errors.append(
                        CellError(
                            name,
                            int(rows[idx]),
                            header_of[field],
                            f"{frame[field].iloc[idx]!r} is not {WHOLE_RANGE}",
                        )
                    )
            for idx in np.flatnonzero(reasons != ""):
                missing[idx][field] = str(reasons[idx])
            frame[field] = values
        if errors:
            errors.sort(key=lambda e: (e.row or 0, e.column or ""))
            raise TableError(errors)
        return frame, missing

    pad_short_rows = False

    def read(self, path: Path, schema: Schema, name: str) -> pd.DataFrame:
        if self.pad_short_rows:
            with padded_copy(path) as padded:
                return read_csv(padded, schema, encoding=self.encoding, name=name)
        return read_csv(path, schema, encoding=self.encoding, name=name)


@contextmanager
def padded_copy(path: Path) -> Iterator[Path]:
    """The DfE's performance tables end a row early when its trailing cells are empty (a school with no
    eligible pupils has 24 fields under a 290-column header). A copy with short rows padded to the header's
    width; rows *longer* than the header are left alone, so a mangled file still fails the whole-file check."""
    raw = path.read_bytes()
    enc = sniff_encoding(raw)
    rows = list(csv.reader(io.StringIO(raw.decode(enc, errors="replace"))))
    width = len(rows[0]) if rows else 0
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)) if row and len(row) < width else row)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / path.name
        target.write_text(out.getvalue(), encoding="utf-8")
        yield target


def _f(value) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def _urns(raw: pd.Series, rows: np.ndarray, name: str, rows_with_urn: np.ndarray) -> tuple[pd.Series, list]:
    """The URN column as Int64 (<NA> where a row has none), and an error naming each row of `rows_with_urn`
    whose URN is not a whole number from 1 to INT_LIMIT (a 20-digit one crashed the cast: found by fuzzing)."""
    num = pd.to_numeric(raw.where(raw.astype(str).str.strip() != "", None), errors="coerce")
    urn, out_of_range = whole_numbers(num)
    bad = rows_with_urn & (urn.isna().to_numpy() | out_of_range | (urn.fillna(0) == 0).to_numpy())
    errors = [
        CellError(name, int(rows[i]), "URN", f"{raw.iloc[i]!r} is not a URN")
        for i in np.flatnonzero(bad)[:100]
    ]
    return urn.where(rows_with_urn), errors


def _i(value) -> int | None:
    v = _f(value)
    return None if v is None else round(v)


# --- Key stage 2 and 4 performance tables ---------------------------------------------------------------------

_TEXT_COLUMNS = {
    "RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN", "SCHNAME", "ADDRESS1", "ADDRESS2", "ADDRESS3", "TOWN", "PCODE",
    "TELNUM", "PCON_CODE", "PCON_NAME", "URN_AC", "SCHNAME_AC", "OPEN_AC", "NFTYPE", "ICLOSE", "RELDENOM",
    "AGERANGE", "CONFEXAM", "TAB15", "TAB1618", "LANAME", "ADMPOL", "ADMPOL_PT", "GENDER", "EGENDER", "SCHSTATUS",
    "OFSTEDRATING", "INSPECTIONDATE",
}  # fmt: skip


class KeyStageImport(_MeasureImport):
    key_stage: str = ""
    pad_short_rows = True
    # header -> model field, for the headline measures that have their own columns.
    headline: dict[str, str] = {}

    def year_required(self, year: str | None, name: str) -> str:
        if not year:
            raise TableError(
                [
                    CellError(
                        name,
                        None,
                        None,
                        "cannot tell the academic year: name the file like "
                        "2018-2019_936_ks2final.csv or give --year 2018-2019",
                    )
                ]
            )
        return year

    def parse(self, path: Path, year: str | None, name: str) -> pd.DataFrame:
        year = self.year_required(year, name)
        schema = self.schema_for(year)
        frame = self.read(path, schema, name)
        frame = validate(frame, schema, name=name)
        frame, missing = self.convert_measures(frame, schema, name)
        errors: list[CellError] = []
        levels = RECTYPE_LEVEL[self.key_stage]
        rows = frame.index.to_numpy() + 2
        level = frame["rectype"].map(lambda v: levels.get(int(v)) if pd.notna(v) else None)
        for idx in np.flatnonzero(level.isna().to_numpy())[:100]:
            errors.append(
                CellError(
                    name,
                    int(rows[idx]),
                    "RECTYPE",
                    f"{frame['rectype'].iloc[idx]!r} is not a {self.key_stage.upper()} record type "
                    f"({', '.join(str(k) for k in levels)})",
                )
            )
        frame["level"] = level
        school = level.isin(SCHOOL_LEVELS).to_numpy()
        frame["urn"], bad_urns = _urns(frame["urn"], rows, name, school)
        errors += bad_urns
        dup = frame["urn"].notna() & frame["urn"].duplicated(keep="first")
        for idx in np.flatnonzero(dup.to_numpy())[:100]:
            errors.append(CellError(name, int(rows[idx]), "URN", f"duplicate URN {frame['urn'].iloc[idx]}"))
        if errors:
            raise TableError(errors)
        frame["_missing"] = missing
        frame["_row"] = rows
        frame["_extra"] = self.extra_measures(path, name, {schema_col.name for schema_col in schema.columns})
        return frame

    def extra_measures(self, path: Path, name: str, known: set[str]) -> list[dict]:
        """Every other numeric column of each row, {header: value} plus {"_missing": {header: code}}.
        A column with any cell that is neither number nor code is text and is not kept."""
        with padded_copy(path) as padded:
            full = pd.read_csv(padded, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
        out: list[dict] = [{} for _ in range(len(full))]
        miss: list[dict] = [{} for _ in range(len(full))]
        for col in full.columns:
            if col in known or col in _TEXT_COLUMNS:
                continue
            values, reasons, invalid = parse_measures(full[col])
            if invalid.any():
                continue
            for i in np.flatnonzero(~np.isnan(values)):
                out[i][col] = float(values[i])
            for i in np.flatnonzero(reasons != ""):
                miss[i][col] = str(reasons[i])
        for i, m in enumerate(miss):
            if m:
                out[i]["_missing"] = m
        return out

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        # PostgreSQL refused an over-long LA code, school name or type part-way through (found by fuzzing).
        columns = {"lea": "LEA", "schname": "SCHNAME", "nftype": "NFTYPE"}
        fields = {"lea": "la_code", "schname": "school_name", "nftype": "school_type"}
        raise_if(too_long(frame, KeyStageResult, columns, ctx.name, fields=fields))

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        year = ctx.year
        existing = KeyStageResult.objects.filter(key_stage=self.key_stage, year=year)
        before = set(existing.values_list("urn", "level", "la_code"))
        existing.delete()  # a re-import of a year replaces that year's table
        objs = []
        fields = [f for f in self.headline.values() if f in frame.columns and f in _MODEL_FIELDS]
        records = frame.to_dict("records")
        for rec in records:
            extra = dict(rec["_extra"])
            for field in self.measures:
                if field not in _MODEL_FIELDS and field in rec and not pd.isna(rec[field]):
                    extra[field] = float(rec[field])
            missing = dict(rec["_missing"])
            missing.update(extra.pop("_missing", {}))
            is_school = rec["level"] in SCHOOL_LEVELS
            objs.append(
                KeyStageResult(
                    key_stage=self.key_stage,
                    year=year,
                    level=rec["level"],
                    urn=int(rec["urn"]) if is_school else None,
                    la_code=rec.get("lea", "") or "",
                    school_name=rec.get("schname", "") or "",
                    school_type=rec.get("nftype", "") or "",
                    import_record=ctx.record,
                    source_row=int(rec["_row"]),
                    missing=missing,
                    measures=extra,
                    **{
                        f: (_i(rec[f]) if f in {"total_pupils", "eligible_pupils"} else _f(rec[f]))
                        for f in fields
                    },
                )
            )
        KeyStageResult.objects.bulk_create(objs, batch_size=500)
        counts = Counts()
        for o in objs:
            if (o.urn, o.level, o.la_code) in before:
                counts.updated += 1
            else:
                counts.created += 1
        audit(
            obj=ctx.record,
            action=f"performance.{self.key_stage}_imported",
            actor=ctx.user,
            actor_label=ctx.actor_label,
            changes={"rows": [None, len(objs)], "year": [None, year]},
        )
        unknown = _unknown_urns([o.urn for o in objs if o.urn])
        if unknown:
            ctx.notes.append(
                f"{len(unknown)} URN(s) are not in the registry yet; their results are kept and show once the "
                "establishments are imported"
            )
        return counts


def _unknown_urns(urns: list[int]) -> set[int]:
    from schoolsystem.registry.models import Establishment

    known = set(Establishment.objects.filter(urn__in=urns).values_list("urn", flat=True))
    return set(urns) - known


def _ks_schema(source: str, headline: dict[str, str], years: dict) -> Schema:
    cols = [
        Column("RECTYPE", "int", to="rectype"),
        Column("URN", "str", to="urn"),
        Column("LEA", "str", required=False, to="lea"),
        Column("SCHNAME", "str", required=False, to="schname"),
        Column("NFTYPE", "str", required=False, to="nftype"),
    ]
    cols += [_measure_col(h, f) for h, f in headline.items()]
    return Schema(source=source, columns=tuple(cols), years=years)


KS2_HEADLINE = {
    "TOTPUPS": "total_pupils",
    "TELIG": "eligible_pupils",
    "PTFSM6CLA1A": "disadvantaged_percent",
    "PTRWM_EXP": "rwm_expected",
    "PTRWM_HIGH": "rwm_higher",
    "READPROG": "reading_progress",
    "WRITPROG": "writing_progress",
    "MATPROG": "maths_progress",
    "READ_AVERAGE": "reading_score",
    "MAT_AVERAGE": "maths_score",
    # Layout markers: the progress descriptor arrived in 2017-18; EHC-plan % replaced statement-or-EHC in 2018-19.
    "READPROG_DESCR": "reading_progress_band",
    "PSENELEK": "sen_ehc_percent",
}
KS4_HEADLINE = {
    "TOTPUPS": "total_pupils",
    "TPUP": "eligible_pupils",
    "PTFSM6CLA1A": "disadvantaged_percent",
    "ATT8SCR": "attainment8",
    "P8MEA": "progress8",
    "P8CILOW": "progress8_lower",
    "P8CIUPP": "progress8_upper",
    "PTL2BASICS_94": "basics_94",
    "PTEBACC_E_PTQ_EE": "ebacc_entry",
    # EBacc average point score was first published for 2017-18.
    "EBACCAPS": "ebacc_aps",
}
_MODEL_FIELDS = {f.name for f in KeyStageResult._meta.get_fields()}


@register("ks2")
class KS2Import(KeyStageImport):
    """KS2 final performance tables (DfE 'YYYY-YYYY_LLL_ks2final.csv'). Default layout 2018-19."""

    key_stage = KeyStage.KS2
    headline = KS2_HEADLINE
    schema = _ks_schema(
        "KS2 performance tables",
        KS2_HEADLINE,
        years={
            "2017-2018": {"PSENELEK": _measure_col("PSENELSE", "sen_ehc_percent")},
            "2016-2017": {"PSENELEK": _measure_col("PSENELSE", "sen_ehc_percent"), "READPROG_DESCR": None},
        },
    )
    measures = {
        f: MeasureSpec(f, whole=f in {"total_pupils", "eligible_pupils"})
        for f in KS2_HEADLINE.values()
        if f != "reading_progress_band"
    }


@register("ks4")
class KS4Import(KeyStageImport):
    """KS4 final performance tables (DfE 'YYYY-YYYY_LLL_ks4final.csv'). Default layout 2018-19."""

    key_stage = KeyStage.KS4
    headline = KS4_HEADLINE
    schema = _ks_schema("KS4 performance tables", KS4_HEADLINE, years={"2016-2017": {"EBACCAPS": None}})
    measures = {
        f: MeasureSpec(f, whole=f in {"total_pupils", "eligible_pupils"}) for f in KS4_HEADLINE.values()
    }


# --- School census --------------------------------------------------------------------------------------------

CENSUS_MEASURES = {
    "NOR": "roll",
    "NUMFSM": "fsm_number",
    "PNUMFSMEVER": "fsm_ever_percent",
    "PSENELK": "sen_support_percent",
    "PSENELSE": "sen_ehc_percent",
    "PNUMEAL": "eal_percent",
}


@register("census")
class CensusImport(_MeasureImport):
    """School census by school (DfE 'YYYY-YYYY_england_census.csv'): roll, FSM, SEN, EAL.
    National total rows (URN 'NAT') are not schools and are skipped, with a note."""

    schema = Schema(
        source="School census",
        columns=(
            Column("URN", "str", to="urn"),
            Column("LA", "str", required=False, to="la"),
            Column("SCHOOLTYPE", "str", required=False, to="school_type"),
            *(_measure_col(h, f) for h, f in CENSUS_MEASURES.items()),
        ),
    )
    measures = {f: MeasureSpec(f, whole=f in {"roll", "fsm_number"}) for f in CENSUS_MEASURES.values()}

    def parse(self, path: Path, year: str | None, name: str) -> pd.DataFrame:
        if not year:
            raise TableError(
                [CellError(name, None, None, "cannot tell the census year: give --year 2018-2019")]
            )
        frame = self.read(path, self.schema, name)
        national = frame["urn"].str.strip().isin({"NAT", ""})
        frame = validate(frame, self.schema, name=name)
        frame, missing = self.convert_measures(frame, self.schema, name)
        rows = frame.index.to_numpy() + 2
        urn, errors = _urns(frame["urn"], rows, name, ~national.to_numpy())
        dup = urn.notna() & urn.duplicated()
        errors += [
            CellError(name, int(rows[i]), "URN", f"duplicate URN {int(urn.iloc[i])}")
            for i in np.flatnonzero(dup.to_numpy())[:100]
        ]
        if errors:
            raise TableError(errors)
        frame["urn"] = urn
        frame["_missing"] = missing
        frame["_row"] = rows
        self.skipped = int(national.sum())
        return frame[~national.to_numpy()]

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        columns = {"la": "LA", "school_type": "SCHOOLTYPE"}
        raise_if(too_long(frame, CensusRecord, columns, ctx.name, fields={"la": "la_code"}))

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        existing = CensusRecord.objects.filter(year=ctx.year)
        before = set(existing.values_list("urn", flat=True))
        existing.delete()
        objs = []
        for rec in frame.to_dict("records"):
            roll, fsm = _f(rec["roll"]), _f(rec["fsm_number"])
            missing = dict(rec["_missing"])
            fsm_pct = round(100 * fsm / roll, 1) if roll and fsm is not None else None
            if fsm_pct is None:
                missing.setdefault("fsm_percent", missing.get("fsm_number", missing.get("roll", "blank")))
            objs.append(
                CensusRecord(
                    urn=int(rec["urn"]),
                    year=ctx.year,
                    la_code=rec["la"] or "",
                    school_type=rec["school_type"] or "",
                    roll=_i(roll),
                    fsm_percent=fsm_pct,
                    fsm_ever_percent=_f(rec["fsm_ever_percent"]),
                    sen_support_percent=_f(rec["sen_support_percent"]),
                    sen_ehc_percent=_f(rec["sen_ehc_percent"]),
                    eal_percent=_f(rec["eal_percent"]),
                    import_record=ctx.record,
                    source_row=int(rec["_row"]),
                    missing=missing,
                )
            )
        CensusRecord.objects.bulk_create(objs, batch_size=2000)
        if getattr(self, "skipped", 0):
            ctx.notes.append(f"{self.skipped} national total row(s) skipped")
        audit(
            obj=ctx.record,
            action="performance.census_imported",
            actor=ctx.user,
            actor_label=ctx.actor_label,
            changes={"rows": [None, len(objs)], "year": [None, ctx.year]},
        )
        created = sum(1 for o in objs if o.urn not in before)
        return Counts(created=created, updated=len(objs) - created)


# --- Absence and exclusions -----------------------------------------------------------------------------------


class _SchoolYearImport(_MeasureImport):
    """One row per school and year, measures with suppression codes kept as missing-with-reason. Re-importing a
    year replaces that year's rows (one transaction)."""

    model: type = None
    audit_action = ""
    columns: dict[str, str] = {}
    whole: frozenset = frozenset()

    @property
    def measures(self):  # type: ignore[override]
        return {f: MeasureSpec(f, whole=f in self.whole) for f in self.columns.values()}

    def parse(self, path: Path, year: str | None, name: str) -> pd.DataFrame:
        if not year:
            raise TableError(
                [
                    CellError(
                        name, None, None, "cannot tell the year: name the file YYYY-YYYY_... or give --year"
                    )
                ]
            )
        frame = validate(self.read(path, self.schema, name), self.schema, name=name)
        frame, missing = self.convert_measures(frame, self.schema, name)
        rows = frame.index.to_numpy() + 2
        urn, errors = _urns(frame["urn"], rows, name, np.ones(len(frame), dtype=bool))
        errors += [
            CellError(name, int(rows[i]), "URN", f"duplicate URN {int(urn.iloc[i])}")
            for i in np.flatnonzero((urn.notna() & urn.duplicated()).to_numpy())[:100]
        ]
        if errors:
            raise TableError(errors)
        frame["urn"] = urn
        frame["_missing"] = missing
        frame["_row"] = rows
        return frame

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        existing = self.model.objects.filter(year=ctx.year)
        before = set(existing.values_list("urn", flat=True))
        existing.delete()
        objs = [
            self.model(
                urn=int(rec["urn"]),
                year=ctx.year,
                import_record=ctx.record,
                source_row=int(rec["_row"]),
                missing=dict(rec["_missing"]),
                **{f: (_i(rec[f]) if f in self.whole else _f(rec[f])) for f in self.columns.values()},
            )
            for rec in frame.to_dict("records")
        ]
        self.model.objects.bulk_create(objs, batch_size=2000)
        audit(
            obj=ctx.record,
            action=self.audit_action,
            actor=ctx.user,
            actor_label=ctx.actor_label,
            changes={"rows": [None, len(objs)], "year": [None, ctx.year]},
        )
        created = sum(1 for o in objs if o.urn not in before)
        return Counts(created=created, updated=len(objs) - created)


ABSENCE_MEASURES = {"PERCTOT": "overall_absence_percent", "PPERSABS10": "persistent_absence_percent"}


@register("absence")
class AbsenceImport(_SchoolYearImport):
    """Absence by school from the DfE performance tables ('YYYY-YYYY_LLL_abs.csv'): PERCTOT (% of sessions
    missed) and PPERSABS10 (% of pupils persistently absent, missing 10% or more)."""

    model = AbsenceRecord
    audit_action = "performance.absence_imported"
    columns = ABSENCE_MEASURES
    schema = Schema(
        source="Absence by school",
        columns=(
            Column("URN", "str", to="urn"),
            Column("LA", "str", required=False, to="la"),
            *(_measure_col(h, f) for h, f in ABSENCE_MEASURES.items()),
        ),
    )


EXCLUSION_MEASURES = {
    "PERM_EXCL": "permanent_exclusions",
    "PERM_EXCL_RATE": "permanent_exclusion_rate",
    "SUSP": "suspensions",
    "SUSP_RATE": "suspension_rate",
}


@register("exclusions")
class ExclusionImport(_SchoolYearImport):
    """Suspensions and permanent exclusions by school ('YYYY-YYYY_LLL_exclusions.csv', docs/data-formats.md)."""

    model = ExclusionRecord
    audit_action = "performance.exclusions_imported"
    columns = EXCLUSION_MEASURES
    whole = frozenset({"permanent_exclusions", "suspensions"})
    schema = Schema(
        source="Exclusions by school",
        columns=(
            Column("URN", "str", to="urn"),
            Column("LA", "str", required=False, to="la"),
            *(_measure_col(h, f) for h, f in EXCLUSION_MEASURES.items()),
        ),
    )


# --- Ofsted outcomes ------------------------------------------------------------------------------------------

_OFSTED_BLANKS = frozenset({"", "NULL", "Not applicable", "N/A", "NA", "9", "Not judged"})
_GRADES = frozenset({"1", "2", "3", "4"})
_CONCERN = {
    "SM": CategoryOfConcern.SPECIAL_MEASURES,
    "Special measures": CategoryOfConcern.SPECIAL_MEASURES,
    "SWK": CategoryOfConcern.SERIOUS_WEAKNESSES,
    "Serious weaknesses": CategoryOfConcern.SERIOUS_WEAKNESSES,
}
_SCALE_BY_NAME = {v.lower(): k for k, v in REPORT_CARD_SCALE.items()} | {"attention needed": 4}

_COMMON = (
    Column("URN", "int", to="urn"),
    Column("Inspection number", "str", required=False, to="inspection_number"),
    Column("Inspection type", "str", required=False, to="inspection_type"),
    Column("Inspection start date", "date", to="start_date", date_format="%d/%m/%Y"),
    Column("Publication date", "date", required=False, to="publication_date", date_format="%d/%m/%Y"),
)


def _grade(name: str, to: str, required: bool = False) -> Column:
    return Column(name, "code", required=required, to=to, blanks=_OFSTED_BLANKS, allowed=_GRADES)


# Ofsted management information, state-funded schools (the layout used until the November 2025 framework).
LEGACY_SCHEMA = Schema(
    source="Ofsted management information (graded inspections)",
    columns=(
        *_COMMON,
        _grade("Overall effectiveness", "overall_effectiveness", required=True),
        Column(
            "Category of concern",
            "code",
            required=False,
            to="category_of_concern",
            blanks=_OFSTED_BLANKS,
            allowed=frozenset(_CONCERN),
        ),
        _grade("Quality of education", "quality_of_education"),
        _grade("Behaviour and attitudes", "behaviour_and_attitudes"),
        _grade("Personal development", "personal_development"),
        _grade("Effectiveness of leadership and management", "leadership_and_management"),
        _grade("Early years provision (where applicable)", "early_years"),
        _grade("Sixth form provision (where applicable)", "sixth_form"),
        Column(
            "Safeguarding is effective?",
            "code",
            required=False,
            to="safeguarding",
            blanks=_OFSTED_BLANKS,
            allowed=frozenset({"Yes", "No"}),
        ),
    ),
)

_SCALE_ALLOWED = frozenset(v for v in REPORT_CARD_SCALE.values()) | {"Attention needed"}
# Ofsted report cards (school inspection toolkit, November 2025): evaluation areas on a five-point scale,
# safeguarding met / not met. No overall grade.
REPORT_CARD_SCHEMA = Schema(
    source="Ofsted report cards",
    columns=(
        *_COMMON,
        *(
            Column(
                label,
                "code",
                required=key not in {"early_years", "sixth_form"},
                to=key,
                blanks=_OFSTED_BLANKS,
                allowed=_SCALE_ALLOWED,
            )
            for key, label in REPORT_CARD_AREAS.items()
        ),
        Column(
            "Safeguarding",
            "code",
            to="safeguarding",
            blanks=_OFSTED_BLANKS,
            allowed=frozenset({"Met", "Not met"}),
        ),
    ),
)


@register("ofsted")
class OfstedImport(ImportPipeline):
    """Ofsted outcomes in either layout; the header says which (an 'Overall effectiveness' column means the
    graded management-information layout, an 'Inclusion' column the report-card layout)."""

    schema = LEGACY_SCHEMA

    def parse(self, path: Path, year: str | None, name: str) -> pd.DataFrame:
        raw = path.read_bytes()
        head = raw.decode("utf-8-sig", errors="replace").splitlines()[:1]
        header = next(csv.reader(head)) if head else []
        if "Inclusion" in header:
            schema, framework = REPORT_CARD_SCHEMA, InspectionFramework.REPORT_CARD
        elif "Overall effectiveness" in header:
            schema, framework = LEGACY_SCHEMA, InspectionFramework.LEGACY
        else:
            raise TableError(
                [
                    CellError(
                        name,
                        1,
                        None,
                        "not an Ofsted outcomes file: expected an 'Overall effectiveness' column "
                        "(graded layout) or an 'Inclusion' column (report-card layout)",
                    )
                ]
            )
        frame = read_csv(path, schema, encoding=self.encoding, name=name)
        frame = validate(frame, schema, name=name)
        rows = frame.index.to_numpy() + 2
        errors = []
        dup = frame.duplicated(subset=["urn", "start_date"], keep="first")
        for idx in np.flatnonzero(dup.to_numpy())[:100]:
            errors.append(CellError(name, int(rows[idx]), "URN", "the same inspection appears twice"))
        if errors:
            raise TableError(errors)
        frame["_row"] = rows
        frame["_framework"] = framework
        return frame

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        framework = frame["_framework"].iloc[0]
        keys = {(int(u), d) for u, d in zip(frame["urn"], frame["start_date"], strict=True)}
        existing = {
            (i.urn, i.start_date): i
            for i in Inspection.objects.filter(framework=framework, urn__in={k[0] for k in keys})
        }
        counts = Counts()
        to_create, to_update = [], []
        update_fields = [
            "inspection_number", "inspection_type", "publication_date", "overall_effectiveness",
            "category_of_concern", "quality_of_education", "behaviour_and_attitudes", "personal_development",
            "leadership_and_management", "early_years", "sixth_form", "evaluations", "safeguarding_met",
            "import_record", "source_row", "missing",
        ]  # fmt: skip
        for rec in records(frame):
            values = {
                "inspection_number": rec["inspection_number"],
                "inspection_type": rec["inspection_type"],
                "publication_date": rec["publication_date"],
                "import_record": ctx.record,
                "source_row": int(rec["_row"]),
            }
            if framework == InspectionFramework.LEGACY:
                for f in (
                    "overall_effectiveness",
                    "quality_of_education",
                    "behaviour_and_attitudes",
                    "personal_development",
                    "leadership_and_management",
                    "early_years",
                    "sixth_form",
                ):
                    values[f] = int(rec[f]) if rec[f] else None
                values["category_of_concern"] = _CONCERN.get(rec["category_of_concern"], "")
                values["safeguarding_met"] = {"Yes": True, "No": False}.get(rec["safeguarding"])
                values["evaluations"] = {}
            else:
                values["evaluations"] = {
                    k: _SCALE_BY_NAME[rec[k].lower()] for k in REPORT_CARD_AREAS if rec.get(k)
                }
                values["safeguarding_met"] = {"Met": True, "Not met": False}.get(rec["safeguarding"])
                values["category_of_concern"] = ""
            values["missing"] = {}
            key = (int(rec["urn"]), rec["start_date"])
            if key in existing:
                obj = existing[key]
                changed = any(
                    getattr(obj, f) != v
                    for f, v in values.items()
                    if f not in {"import_record", "source_row"}
                )
                for f, v in values.items():
                    setattr(obj, f, v)
                to_update.append(obj)
                if changed:
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            else:
                to_create.append(Inspection(urn=key[0], start_date=key[1], framework=framework, **values))
                counts.created += 1
        Inspection.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            Inspection.objects.bulk_update(to_update, update_fields, batch_size=1000)
        audit(
            obj=ctx.record,
            action="performance.ofsted_imported",
            actor=ctx.user,
            actor_label=ctx.actor_label,
            changes={"created": [None, counts.created], "updated": [None, counts.updated]},
        )
        return counts
