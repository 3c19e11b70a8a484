"""The numbers the generator draws from, and how to recompute them from the real DfE files.

`CALIBRATION` is committed: proportions and quantiles only, never rows. `compute_calibration(data_dir)` derives
the same table from `../shared/data` (the Surrey GIAS establishments file and the 2018-19 England school
census); `compare` lists where the committed table has drifted beyond tolerance. Regenerate with

    python -m schoolsystem.synthetic.calibration ../shared/data

which prints a fresh table to paste over `CALIBRATION`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SURREY_FILE = "gias/edubase_surrey_936_2021-04.csv"
CENSUS_FILE = "census/2018-2019_england_census.csv"

QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
OFSTED_RATINGS = ("Outstanding", "Good", "Requires improvement", "Serious Weaknesses", "Special Measures", "")
RELIGIONS = ("Church of England", "Roman Catholic", "Christian")
CHURCH_TYPES = (
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Academy converter",
    "Academy sponsor led",
    "Free schools",
)
MAINSTREAM_TYPES = (
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Academy converter",
    "Academy sponsor led",
    "Free schools",
)
# State-funded schools Ofsted inspects (the population the Ofsted mix is taken over).
OFSTED_TYPES = (
    *MAINSTREAM_TYPES,
    "Community special school",
    "Academy special converter",
    "Academy special sponsor led",
    "Academy 16-19 converter",
    "Local authority nursery school",
    "Pupil referral unit",
)
ACADEMY_TYPES = (
    "Academy converter",
    "Academy sponsor led",
    "Academy special converter",
    "Academy special sponsor led",
    "Academy 16-19 converter",
    "Free schools",
)
MAINTAINED_TYPES = (
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Community special school",
    "Local authority nursery school",
)
CENSUS_TYPES = (
    "State-funded primary",
    "State-funded secondary",
    "State-funded special school",
    "State-funded nursery",
    "Pupil referral unit",
    "Independent school",
    "Non-maintained special school",
)

# Committed calibration (output of `python -m schoolsystem.synthetic.calibration ../shared/data`).
CALIBRATION: dict[str, Any] = {
    "type_mix": {
        "Academy 16-19 converter": 0.0068,
        "Academy converter": 0.2373,
        "Academy special converter": 0.0153,
        "Academy special sponsor led": 0.0051,
        "Academy sponsor led": 0.0458,
        "Children's centre": 0.0983,
        "Children's centre linked site": 0.0203,
        "Community school": 0.1288,
        "Community special school": 0.0203,
        "Foundation school": 0.0373,
        "Free schools": 0.0119,
        "Further education": 0.0051,
        "Higher education institutions": 0.0051,
        "Local authority nursery school": 0.0068,
        "Miscellaneous": 0.0017,
        "Non-maintained special school": 0.0085,
        "Other independent school": 0.1593,
        "Other independent special school": 0.0254,
        "Pupil referral unit": 0.0136,
        "Special post 16 institution": 0.0034,
        "Voluntary aided school": 0.1186,
        "Voluntary controlled school": 0.0254,
    },
    "secondary_share": {
        "Community school": 0.0395,
        "Voluntary aided school": 0.0857,
        "Voluntary controlled school": 0.0,
        "Foundation school": 0.0909,
        "Academy converter": 0.2857,
        "Academy sponsor led": 0.0741,
        "Free schools": 0.5714,
    },
    "ofsted_mix": {
        "Outstanding": 0.204,
        "Good": 0.5567,
        "Requires improvement": 0.0403,
        "Serious Weaknesses": 0.0025,
        "Special Measures": 0.0025,
        "": 0.194,
    },
    "religion_by_type": {
        "Voluntary aided school": {"Church of England": 0.7429, "Roman Catholic": 0.2429, "Christian": 0.0},
        "Voluntary controlled school": {"Church of England": 0.9333, "Roman Catholic": 0.0, "Christian": 0.0},
        "Foundation school": {"Church of England": 0.0, "Roman Catholic": 0.0, "Christian": 0.0},
        "Academy converter": {"Church of England": 0.1214, "Roman Catholic": 0.1071, "Christian": 0.0},
        "Academy sponsor led": {"Church of England": 0.2593, "Roman Catholic": 0.0, "Christian": 0.0},
        "Free schools": {"Church of England": 0.0, "Roman Catholic": 0.0, "Christian": 0.0},
    },
    "sat_share": 0.0842,
    "federated_share": 0.0503,
    "proposed_to_close_share": 0.0085,
    "urban_rural_mix": {
        "(England/Wales) Urban major conurbation": 0.4407,
        "(England/Wales) Urban city and town": 0.3881,
        "(England/Wales) Rural town and fringe": 0.0559,
        "(England/Wales) Rural village": 0.0542,
        "(England/Wales) Rural hamlet and isolated dwellings": 0.061,
    },
    "pupils_quantiles": {
        "State-funded primary": [34.0, 67.0, 94.0, 175.0, 239.0, 396.0, 475.0, 599.0, 746.0],
        "State-funded secondary": [121.0, 305.0, 452.0, 687.0, 958.0, 1247.0, 1513.0, 1683.0, 2024.0],
        "State-funded special school": [21.0, 42.0, 53.0, 78.0, 112.0, 156.0, 214.0, 243.0, 323.0],
        "State-funded nursery": [35.0, 55.0, 63.0, 78.0, 102.0, 131.0, 159.0, 184.0, 234.0],
        "Pupil referral unit": [1.0, 2.0, 5.0, 14.0, 33.0, 66.0, 104.0, 137.0, 236.0],
        "Independent school": [3.0, 8.0, 15.0, 48.0, 161.0, 366.0, 708.0, 931.0, 1397.0],
        "Non-maintained special school": [10.0, 22.0, 28.0, 42.0, 56.0, 74.0, 96.0, 125.0, 192.0],
    },
    "fsm_quantiles": {
        "State-funded primary": [0.0, 2.2, 3.4, 6.2, 11.9, 20.9, 31.3, 37.5, 48.5],
        "State-funded secondary": [1.6, 3.2, 4.6, 7.6, 12.8, 20.3, 28.9, 34.9, 44.8],
        "State-funded special school": [13.0, 20.3, 23.4, 29.5, 37.7, 48.0, 56.2, 63.2, 74.7],
        "Pupil referral unit": [0.0, 0.0, 15.4, 27.8, 38.7, 52.4, 66.7, 75.9, 100.0],
    },
}

# How far the committed table may drift from a recomputation before the realdata test fails.
TOLERANCE = {"proportion": 0.01, "quantile_relative": 0.05, "quantile_absolute": 2.0}


def _read_gias(path: Path):
    import pandas as pd

    return pd.read_csv(path, encoding="cp1252", dtype=str, keep_default_na=False)


def _share(mask) -> float:
    return round(float(mask.mean()), 4) if len(mask) else 0.0


def compute_calibration(data_dir: Path) -> dict[str, Any]:
    """Recompute `CALIBRATION` from the real files in `data_dir` (../shared/data)."""
    import numpy as np
    import pandas as pd

    gias = _read_gias(Path(data_dir) / SURREY_FILE)
    kind = gias["TypeOfEstablishment (name)"]
    phase = gias["PhaseOfEducation (name)"]
    religion = gias["ReligiousCharacter (name)"]
    rating = gias["OfstedRating (name)"]
    trust_flag = gias["TrustSchoolFlag (name)"]

    type_mix = {k: round(v, 4) for k, v in kind.value_counts(normalize=True).sort_index().items()}
    secondary_share = {}
    for t in MAINSTREAM_TYPES:
        rows = phase[kind == t]
        secondary_share[t] = _share(rows.isin(["Secondary", "All-through"]))
    ofsted_rows = rating[kind.isin(OFSTED_TYPES)]
    ofsted_mix = {r: _share(ofsted_rows == r) for r in OFSTED_RATINGS}
    religion_by_type = {}
    for t in CHURCH_TYPES:
        rows = religion[kind == t]
        religion_by_type[t] = {
            "Church of England": _share(rows.str.startswith("Church of England")),
            "Roman Catholic": _share(rows.isin(["Roman Catholic", "Catholic"])),
            "Christian": _share(rows == "Christian"),
        }
    academies = trust_flag[kind.isin(ACADEMY_TYPES)]
    sat_share = _share(academies == "Supported by a single-academy trust")
    maintained = gias[kind.isin(MAINTAINED_TYPES)]
    federated_share = _share(maintained["FederationFlag (name)"] == "Supported by a federation")
    proposed = _share(gias["EstablishmentStatus (name)"] == "Open, but proposed to close")
    urban = gias["UrbanRural (name)"]
    urban_rural_mix = {k: _share(urban == k) for k in CALIBRATION["urban_rural_mix"]}

    census = pd.read_csv(Path(data_dir) / CENSUS_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    nor = pd.to_numeric(census["NOR"], errors="coerce")
    fsm = pd.to_numeric(census["NUMFSM"], errors="coerce") / nor * 100
    pupils_quantiles = {}
    fsm_quantiles = {}
    for t in CENSUS_TYPES:
        mask = census["SCHOOLTYPE"] == t
        values = nor[mask].dropna()
        pupils_quantiles[t] = [float(x) for x in np.round(np.quantile(values, QUANTILES))]
        f = fsm[mask].replace([np.inf, -np.inf], np.nan).dropna()
        if len(f) > 0.5 * mask.sum() and t in CALIBRATION["fsm_quantiles"]:
            fsm_quantiles[t] = [float(x) for x in np.round(np.quantile(f, QUANTILES), 1)]
    return {
        "type_mix": type_mix,
        "secondary_share": secondary_share,
        "ofsted_mix": ofsted_mix,
        "religion_by_type": religion_by_type,
        "sat_share": sat_share,
        "federated_share": federated_share,
        "proposed_to_close_share": proposed,
        "urban_rural_mix": urban_rural_mix,
        "pupils_quantiles": pupils_quantiles,
        "fsm_quantiles": fsm_quantiles,
    }


def compare(committed: Mapping[str, Any], computed: Mapping[str, Any], path: str = "") -> list[str]:
    """Where `committed` differs from `computed` beyond TOLERANCE, as readable lines (empty when in tolerance)."""
    problems: list[str] = []
    if isinstance(computed, Mapping):
        if not isinstance(committed, Mapping):
            return [f"{path}: expected a table"]
        for key in sorted(set(computed) | set(committed)):
            where = f"{path}.{key}" if path else key
            if key not in committed:
                problems.append(f"{where}: missing from the committed calibration")
            elif key not in computed:
                problems.append(f"{where}: not in the real data")
            else:
                problems += compare(committed[key], computed[key], where)
    elif isinstance(computed, list):
        for i, (a, b) in enumerate(zip(committed, computed, strict=True)):
            allowed = max(TOLERANCE["quantile_absolute"], TOLERANCE["quantile_relative"] * abs(b))
            if abs(a - b) > allowed:
                problems.append(f"{path}[{i}]: committed {a}, real {b}")
    elif abs(committed - computed) > TOLERANCE["proportion"]:
        problems.append(f"{path}: committed {committed}, real {computed}")
    return problems


def main(argv: list[str] | None = None) -> int:
    import pprint

    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0] if args else "../shared/data")
    computed = compute_calibration(data_dir)
    pprint.pprint(computed, width=110, sort_dicts=False)
    problems = compare(CALIBRATION, computed)
    print("\n".join(problems) or "committed CALIBRATION is within tolerance", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
