"""Trust and group scorecards (seed 003 proposal 5) following the DfE's MAT performance measures method:
a school's results count for its trust once it has been in the trust for at least three full academic years
(the results year included), and the trust's figure is the mean of its schools' figures weighted by the number
of eligible pupils ('Multi-academy trust performance measures: England, 2018 to 2019', DfE, methodology).

Pure pandas. Input frame: one row per (urn, year) with `joined_on` (date or NaT), `eligible_pupils`, and the
measure columns."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

MIN_FULL_YEARS = 3


def year_start(year: str) -> date:
    """'2018-2019' -> 1 September 2018."""
    return date(int(year[:4]), 9, 1)


def full_years_in_trust(joined_on: date | None, year: str) -> int:
    """Full academic years in the trust by the end of `year` (a school joining on or before 1 September of a
    year has that year in full)."""
    if joined_on is None or pd.isna(joined_on):
        return 0
    start = int(year[:4])
    first_full = joined_on.year if (joined_on.month, joined_on.day) <= (9, 1) else joined_on.year + 1
    return max(0, start - first_full + 1)


def counted(frame: pd.DataFrame, min_years: int = MIN_FULL_YEARS) -> pd.Series:
    return pd.Series(
        [
            full_years_in_trust(j, y) >= min_years
            for j, y in zip(frame["joined_on"], frame["year"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )


def weighted_by_year(
    frame: pd.DataFrame, measures: list[str], weight: str = "eligible_pupils"
) -> pd.DataFrame:
    """Per year: for each measure the pupil-weighted mean over schools with a value, plus the schools and
    pupils behind it. Rows with no weight count with weight 0 (they add nothing)."""
    rows = []
    for year, part in frame.groupby("year", sort=True):
        rec: dict[str, object] = {"year": year}
        w_all = part[weight].astype(float).fillna(0).to_numpy()
        for m in measures:
            v = part[m].astype(float).to_numpy()
            ok = ~np.isnan(v) & (w_all > 0)
            rec[m] = float(np.average(v[ok], weights=w_all[ok])) if ok.any() else np.nan
            rec[f"{m}_schools"] = int(ok.sum())
            rec[f"{m}_pupils"] = int(w_all[ok].sum())
        rows.append(rec)
    return pd.DataFrame(rows)


def mat_measure(frame: pd.DataFrame, measures: list[str], min_years: int = MIN_FULL_YEARS) -> pd.DataFrame:
    """The DfE MAT measure: only schools with `min_years` full academic years in the trust."""
    return weighted_by_year(frame[counted(frame, min_years)], measures)


def improvement_since_joining(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per school: the measure in the last year before it joined (or its first year in the trust), the latest
    value, and the change. Input rows carry `urn`, `year`, `joined_on`, `measure`."""
    out = []
    for urn, part in frame.sort_values("year").groupby("urn"):
        joined = part["joined_on"].iloc[0]
        vals = part[["year", measure]].dropna()
        if vals.empty:
            continue
        if joined is None or pd.isna(joined):
            before = vals.iloc[:1]
        else:
            before = vals[[year_start(y) < joined for y in vals["year"]]]
            before = before.iloc[-1:] if not before.empty else vals.iloc[:1]
        start_year, start_val = before["year"].iloc[0], float(before[measure].iloc[0])
        latest_year, latest_val = vals["year"].iloc[-1], float(vals[measure].iloc[-1])
        out.append(
            {
                "urn": urn,
                "start_year": start_year,
                "start": start_val,
                "latest_year": latest_year,
                "latest": latest_val,
                "change": latest_val - start_val,
            }
        )
    return pd.DataFrame(out, columns=["urn", "start_year", "start", "latest_year", "latest", "change"])
