"""Synthetic performance files for synthetic schools: KS2 and KS4 performance tables (the 2018-19 column names
the importers read; earlier years in their own layouts), school census and Ofsted management information.

    schools = [{"urn": 100001, "phase": "Primary", "pupils": 210, "fsm": 14.0, "ofsted": "Good",
                "ofsted_date": date(2024, 3, 5), "high_age": 11}, ...]  # ofsted_date, high_age: optional
    paths = write_performance_files(schools, out_dir, la_code="999", seed=7)

Self-contained (numpy + csv). A school's results follow a latent quality drawn from its Ofsted rating and FSM %,
drifting year to year; small cohorts are suppressed (SUPP) as the DfE does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

YEARS = ("2016-2017", "2017-2018", "2018-2019")
PRIMARY = {"Primary", "Middle deemed primary"}
SECONDARY = {"Secondary", "Middle deemed secondary", "All-through"}
QUALITY = {"Outstanding": 1.0, "Good": 0.3, "Requires improvement": -0.7, "Inadequate": -1.3,
           "Serious Weaknesses": -1.2, "Special Measures": -1.5}  # fmt: skip
GRADE = {
    "Outstanding": 1,
    "Good": 2,
    "Requires improvement": 3,
    "Inadequate": 4,
    "Serious Weaknesses": 4,
    "Special Measures": 4,
}
CATEGORY = {"Serious Weaknesses": "SWK", "Special Measures": "SM"}

KS2_COLUMNS = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "NFTYPE", "TOTPUPS", "TELIG", "PTFSM6CLA1A", "PTRWM_EXP",
               "PTRWM_HIGH", "READPROG", "WRITPROG", "MATPROG", "READ_AVERAGE", "MAT_AVERAGE", "READPROG_DESCR", "PSENELEK"]  # fmt: skip
KS4_COLUMNS = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "NFTYPE", "TOTPUPS", "TPUP", "PTFSM6CLA1A", "ATT8SCR", "P8MEA",
               "P8CILOW", "P8CIUPP", "PTL2BASICS_94", "PTEBACC_E_PTQ_EE", "EBACCAPS"]  # fmt: skip
CENSUS_COLUMNS = [
    "URN",
    "LA",
    "ESTAB",
    "SCHOOLTYPE",
    "NOR",
    "NUMFSM",
    "PNUMFSMEVER",
    "PSENELK",
    "PSENELSE",
    "PNUMEAL",
]
OFSTED_COLUMNS = ["URN", "Inspection number", "Inspection type", "Inspection start date", "Publication date",
                  "Overall effectiveness", "Category of concern", "Quality of education", "Behaviour and attitudes",
                  "Personal development", "Effectiveness of leadership and management",
                  "Early years provision (where applicable)", "Sixth form provision (where applicable)",
                  "Safeguarding is effective?"]  # fmt: skip


def layout(columns: list[str], key_stage: str, year: str) -> list[str]:
    """The year's layout of the columns (see performance.imports: schemas versioned by year)."""
    cols = list(columns)
    if key_stage == "ks2" and year < "2018-2019":
        cols = [("PSENELSE" if c == "PSENELEK" else c) for c in cols]
    if key_stage == "ks2" and year < "2017-2018":
        cols.remove("READPROG_DESCR")
    if key_stage == "ks4" and year < "2017-2018":
        cols.remove("EBACCAPS")
    return cols


def frames(schools: Sequence[dict], years: Iterable[str] = YEARS, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Long tables, one row per (school, year): 'ks2', 'ks4', 'census'. Vectorised (used by the benchmark)."""
    rng = np.random.default_rng(seed)
    years = list(years)
    base = pd.DataFrame(list(schools))
    n = len(base)
    fsm = base.get("fsm", pd.Series([15.0] * n)).astype(float).fillna(15.0).to_numpy()
    pupils = base.get("pupils", pd.Series([200] * n)).astype(float).fillna(200).to_numpy()
    quality = base.get("ofsted", pd.Series([""] * n)).map(QUALITY).fillna(0.0).to_numpy() + rng.normal(
        0, 0.4, n
    )
    quality -= (fsm - 15) * 0.01
    # An infant school (pupils leave at 7) has no key stage 2 results; a middle school none at key stage 4.
    high_age = pd.to_numeric(base.get("high_age", pd.Series([np.nan] * n)), errors="coerce").to_numpy()
    takes_ks2 = np.isnan(high_age) | (high_age >= 11)
    takes_ks4 = np.isnan(high_age) | (high_age >= 16)
    sen = np.clip(rng.normal(12, 4, n), 1, 40)
    eal = np.clip(rng.gamma(1.5, 8, n), 0, 90)
    out = {"ks2": [], "ks4": [], "census": [], "attendance": []}
    rng_att = np.random.default_rng(seed + 7)  # its own stream: adding it left the results unchanged
    secondary = base["phase"].fillna("").isin(SECONDARY).to_numpy()
    drift = np.zeros(n)
    roll = pupils.copy()
    for i, year in enumerate(reversed(years)):  # latest year carries the rating; walk backwards
        if i:
            drift += rng.normal(0, 0.25, n)
            roll = np.maximum(20, roll * rng.normal(1.02, 0.05, n))
        q = quality + drift
        census = pd.DataFrame({"urn": base["urn"], "year": year, "roll": np.round(roll).astype(int),
                               "fsm": np.clip(fsm + rng.normal(0, 1.5, n), 0, 90), "sen": sen, "eal": eal})  # fmt: skip
        census["fsm_number"] = np.round(census["roll"] * census["fsm"] / 100).astype(int)
        out["census"].append(census)
        phase = base["phase"].fillna("")
        cohort = np.maximum(3, np.round(roll / 7 * rng.normal(1, 0.1, n))).astype(int)
        ks2 = pd.DataFrame({
            "urn": base["urn"], "name": base.get("name", base["urn"].astype(str)), "year": year, "total": np.round(roll).astype(int),
            "eligible": cohort, "disadv": np.clip(fsm * 1.6 + rng.normal(0, 3, n), 0, 100),
            "rwm": np.clip(65 + 12 * q + rng.normal(0, 6, n), 0, 100), "read": 1.6 * q + rng.normal(0, 1.2, n),
            "writ": 1.6 * q + rng.normal(0, 1.2, n), "mat": 1.6 * q + rng.normal(0, 1.2, n),
        })  # fmt: skip
        ks2["high"] = np.clip(ks2["rwm"] / 6 + rng.normal(0, 2, n), 0, 100)
        ks2["suppressed"] = ks2["eligible"] < 6
        out["ks2"].append(ks2[phase.isin(PRIMARY).to_numpy() & takes_ks2])
        cohort4 = np.maximum(5, np.round(roll / 6 * rng.normal(1, 0.1, n))).astype(int)
        p8 = 0.35 * q + rng.normal(0, 0.2, n)
        half = 1.96 * 1.25 / np.sqrt(cohort4)
        ks4 = pd.DataFrame({
            "urn": base["urn"], "name": base.get("name", base["urn"].astype(str)), "year": year, "total": np.round(roll).astype(int),
            "eligible": cohort4, "disadv": np.clip(fsm * 1.6 + rng.normal(0, 3, n), 0, 100),
            "att8": np.clip(46 + 6 * q + rng.normal(0, 3, n), 10, 80), "p8": p8, "p8low": p8 - half, "p8upp": p8 + half,
            "basics": np.clip(64 + 12 * q + rng.normal(0, 5, n), 0, 100), "ebacc": np.clip(rng.normal(40, 15, n), 0, 100),
        })  # fmt: skip
        ks4["aps"] = ks4["att8"] / 10
        ks4["suppressed"] = False
        out["ks4"].append(ks4[phase.isin(SECONDARY).to_numpy() & takes_ks4])
        # Weaker schools (lower q) have more absence and more suspensions; secondary schools more of both.
        overall = np.clip(4.3 + 1.0 * secondary - 0.6 * q + rng_att.normal(0, 0.6, n), 1.5, 20)
        suspension_rate = np.clip(rng_att.gamma(1.3, 1.0 + 6.0 * secondary) * np.exp(-0.3 * q), 0, 80)
        out["attendance"].append(pd.DataFrame({
            "urn": base["urn"], "year": year, "overall": overall,
            "persistent": np.clip(3.2 * overall - 2 + rng_att.normal(0, 2, n), 0, 80),
            "suspensions": np.round(suspension_rate * roll / 100).astype(int),
            "suspension_rate": suspension_rate,
            "permanent": rng_att.poisson(0.002 * roll * (1 + 3 * secondary)),
            "roll": np.round(roll).astype(int),
        }))  # fmt: skip
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


def _pct(x: float) -> str:
    return f"{x:.0f}%"


def write_performance_files(schools: Sequence[dict], out_dir: Path, *, la_code: str = "999", years: Iterable[str] = YEARS,
                            seed: int = 0, inspected_by: date = date(2019, 7, 1)) -> dict[str, list[Path]]:  # fmt: skip
    """Write `YYYY-YYYY_<la>_ks2final.csv`, `..._ks4final.csv`, `..._census.csv`, `..._abs.csv` and
    `..._exclusions.csv` per year and one `ofsted_management_information.csv`. Returns {kind: [paths]}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    years = list(years)
    data = frames(schools, years, seed)
    paths: dict[str, list[Path]] = {
        "ks2": [],
        "ks4": [],
        "census": [],
        "absence": [],
        "exclusions": [],
        "ofsted": [],
    }
    for year in years:
        ks2 = data["ks2"][data["ks2"]["year"] == year]
        path = out_dir / f"{year}_{la_code}_ks2final.csv"
        cols = layout(KS2_COLUMNS, "ks2", year)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
            w.writeheader()
            for r in ks2.itertuples():
                s = r.suppressed
                w.writerow({
                    "RECTYPE": 1, "LEA": la_code, "ESTAB": str(r.urn)[-4:], "URN": r.urn, "SCHNAME": r.name, "NFTYPE": "CY",
                    "TOTPUPS": r.total, "TELIG": r.eligible, "PTFSM6CLA1A": _pct(r.disadv),
                    "PTRWM_EXP": "SUPP" if s else _pct(r.rwm), "PTRWM_HIGH": "SUPP" if s else _pct(r.high),
                    "READPROG": "SUPP" if s else f"{r.read:.1f}", "WRITPROG": "SUPP" if s else f"{r.writ:.1f}",
                    "MATPROG": "SUPP" if s else f"{r.mat:.1f}", "READ_AVERAGE": f"{104 + r.read:.0f}", "MAT_AVERAGE": f"{104 + r.mat:.0f}",
                    "READPROG_DESCR": "Average", "PSENELEK": "2%", "PSENELSE": "2%",
                })  # fmt: skip
            w.writerow({"RECTYPE": 3, "LEA": la_code, "PTRWM_EXP": _pct(ks2["rwm"].mean() if len(ks2) else 65),
                        "READPROG": f"{ks2['read'].mean() if len(ks2) else 0:.1f}", "WRITPROG": f"{ks2['writ'].mean() if len(ks2) else 0:.1f}",
                        "MATPROG": f"{ks2['mat'].mean() if len(ks2) else 0:.1f}", "TELIG": int(ks2["eligible"].sum())})  # fmt: skip
            w.writerow(
                {
                    "RECTYPE": 4,
                    "PTRWM_EXP": "65%",
                    "READPROG": "0",
                    "WRITPROG": "0",
                    "MATPROG": "0",
                    "PTRWM_HIGH": "11%",
                }
            )
        paths["ks2"].append(path)
        ks4 = data["ks4"][data["ks4"]["year"] == year]
        path = out_dir / f"{year}_{la_code}_ks4final.csv"
        cols = layout(KS4_COLUMNS, "ks4", year)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
            w.writeheader()
            for r in ks4.itertuples():
                w.writerow({
                    "RECTYPE": 1, "LEA": la_code, "ESTAB": str(r.urn)[-4:], "URN": r.urn, "SCHNAME": r.name, "NFTYPE": "CY",
                    "TOTPUPS": r.total, "TPUP": r.eligible, "PTFSM6CLA1A": _pct(r.disadv), "ATT8SCR": f"{r.att8:.1f}",
                    "P8MEA": f"{r.p8:.2f}", "P8CILOW": f"{r.p8low:.2f}", "P8CIUPP": f"{r.p8upp:.2f}",
                    "PTL2BASICS_94": _pct(r.basics), "PTEBACC_E_PTQ_EE": _pct(r.ebacc), "EBACCAPS": f"{r.aps:.2f}",
                })  # fmt: skip
            w.writerow({"RECTYPE": 4, "LEA": la_code, "ATT8SCR": f"{ks4['att8'].mean() if len(ks4) else 46:.1f}",
                        "P8MEA": f"{ks4['p8'].mean() if len(ks4) else 0:.2f}", "TPUP": int(ks4["eligible"].sum())})  # fmt: skip
            w.writerow({"RECTYPE": 5, "ATT8SCR": "46.7", "P8MEA": "-0.03", "PTL2BASICS_94": "65%"})
        paths["ks4"].append(path)
        census = data["census"][data["census"]["year"] == year]
        path = out_dir / f"{year}_{la_code}_census.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(CENSUS_COLUMNS)
            for r in census.itertuples():
                w.writerow([r.urn, la_code, str(r.urn)[-4:], "State-funded", r.roll, r.fsm_number, f"{r.fsm * 1.5:.1f}",
                            f"{r.sen:.1f}", f"{r.sen / 8:.1f}", f"{r.eal:.1f}"])  # fmt: skip
        paths["census"].append(path)
        att = data["attendance"][data["attendance"]["year"] == year]
        path = out_dir / f"{year}_{la_code}_abs.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["URN", "LA", "PERCTOT", "PPERSABS10"])
            for r in att.itertuples():  # the DfE suppresses small schools' persistent absence
                w.writerow(
                    [r.urn, la_code, f"{r.overall:.1f}", "SUPP" if r.roll < 30 else f"{r.persistent:.1f}"]
                )
        paths["absence"].append(path)
        path = out_dir / f"{year}_{la_code}_exclusions.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["URN", "LA", "PERM_EXCL", "PERM_EXCL_RATE", "SUSP", "SUSP_RATE"])
            for r in att.itertuples():
                w.writerow([r.urn, la_code, r.permanent, f"{100 * r.permanent / max(r.roll, 1):.2f}", r.suspensions,
                            f"{r.suspension_rate:.2f}"])  # fmt: skip
        paths["exclusions"].append(path)
    rng = np.random.default_rng(seed + 1)
    path = out_dir / "ofsted_management_information.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(OFSTED_COLUMNS)
        number = 10_000_000
        for s in schools:
            rating = s.get("ofsted") or ""
            if rating not in GRADE:
                continue
            grade = GRADE[rating]
            days_ago = int(rng.integers(60, 1800)) if grade <= 2 else int(rng.integers(30, 500))
            # The latest inspection is the one GIAS publishes for the school, when the caller knows its date.
            start = (
                s["ofsted_date"].toordinal() if s.get("ofsted_date") else inspected_by.toordinal() - days_ago
            )
            for k, (g, when) in enumerate(
                [(grade, start), (max(1, min(4, grade + int(rng.integers(-1, 2)))), start - 1400)]
            ):
                number += 1
                d = date.fromordinal(when)
                w.writerow([s["urn"], number, "Section 5", d.strftime("%d/%m/%Y"), date.fromordinal(when + 30).strftime("%d/%m/%Y"),
                            g, CATEGORY.get(rating, "") if k == 0 else "", g, g, g, g, "", "", "Yes" if g < 4 else "No"])  # fmt: skip
    paths["ofsted"].append(path)
    return paths
