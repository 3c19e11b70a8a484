"""The risk screen (seeds 001 and 002): which schools may be at risk of falling into an Ofsted category.

Pure pandas, no Django. `screen(frame, rules, as_of)` takes one row per school and returns one row per school
with, for every metric, a flag (0 none, 1 minor, 2 major) and a plain-language reason, then an overall concern
level. Thresholds are data (`default_rules.json`, stored versioned as performance.RuleSet), so a year's screen
can be re-run with the thresholds it used.

Input columns (missing values as NaN; any may be absent):
  urn, key_stage ("ks2"/"ks4"/""),
  rwm_0, rwm_1, rwm_2            KS2 % meeting the expected standard in RWM, latest year first
  read_0..2, writ_0..2, mat_0..2 KS2 progress scores, latest year first
  p8_0..2, p8upp_0..2            KS4 Progress 8 and its upper confidence limit, latest year first
  att8_0..2                      KS4 Attainment 8, latest year first
  ofsted_grade (1-4), ofsted_category ("SM"/"SWK"/""), ofsted_worst (report card worst area 1-5),
  ofsted_safeguarding_met (1.0/0.0/NaN), inspection_date (datetime64)
  roll, roll_prev, capacity, soft_count (int), soft_kinds (str)
  absence_0, persistent_0        % of sessions missed and % of pupils persistently absent, latest year

Metric definitions:
  progress          KS2 lowest of reading/writing/maths progress; KS4 Progress 8, against minor/major thresholds.
  attainment_trend  fall in RWM % (KS2) or Attainment 8 (KS4) from two years earlier (or one if that is missing).
  ofsted            latest grade (legacy) or worst evaluation area / safeguarding (report card); category -> major.
  inspection_age    years since the latest inspection.
  floor             DfE floor standard, latest year: KS2 below 65% RWM AND below -5 reading or -7 writing or
                    -5 maths; KS4 Progress 8 below -0.5 with upper confidence limit below 0 (DfE, 2016-2019).
  coasting          DfE coasting definition met in each of the last N years: KS2 below 85% RWM AND below -2.5
                    reading or -3.5 writing or -2.5 maths; KS4 Progress 8 below -0.25 with upper CI below 0.
  roll              pupils on roll vs capacity (surplus places) and year-on-year fall in roll.
  soft_intelligence items officers recorded in the last months (turnover, missed meetings, complaints).
  attendance        overall absence and persistent absence, latest year (rule sets from version 2; a rule set
                    without an 'attendance' section screens as it did when it was made).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

METRICS = (
    "progress",
    "attainment_trend",
    "ofsted",
    "inspection_age",
    "floor",
    "coasting",
    "roll",
    "soft_intelligence",
    "attendance",
)
OPTIONAL_METRICS = frozenset({"attendance"})  # added after version 1: absent from older rule sets
METRIC_LABELS = {
    "progress": "Progress",
    "attainment_trend": "Attainment over time",
    "ofsted": "Latest Ofsted outcome",
    "inspection_age": "Time since inspection",
    "floor": "Floor standard",
    "coasting": "Coasting standard",
    "roll": "Roll and capacity",
    "soft_intelligence": "Soft intelligence",
    "attendance": "Attendance",
}
FLAG_NAMES = {0: "none", 1: "minor", 2: "major"}
CONCERN_LEVELS = ("none", "low", "medium", "high")
MISSING_TREATMENTS = {"ignore": 0, "minor": 1, "major": 2}

DEFAULT_RULES: dict[str, Any] = json.loads((Path(__file__).parent / "default_rules.json").read_text())


class RuleError(ValueError):
    """The rule set is malformed (unknown missing-data treatment, missing section)."""


def validate_rules(rules: Mapping[str, Any]) -> None:
    for section in (*(m for m in METRICS if m not in OPTIONAL_METRICS), "missing", "concern"):
        if section not in rules:
            raise RuleError(f"rule set has no '{section}' section")
    for metric, treatment in rules["missing"].items():
        if metric not in METRICS:
            raise RuleError(f"unknown metric '{metric}' in missing-data treatments")
        if treatment not in MISSING_TREATMENTS:
            raise RuleError(f"missing-data treatment for {metric} must be one of ignore, minor, major")


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    return np.full(len(frame), np.nan)


def _grade(values: np.ndarray, minor: np.ndarray, major: np.ndarray) -> np.ndarray:
    return np.where(major, 2, np.where(minor, 1, 0)).astype(np.int8)


def _fmt(x: float, signed: bool = True) -> str:
    return f"{x:+.1f}" if signed else f"{x:.1f}"


class _Metric:
    """Flags, a present-mask and a reason builder for one metric."""

    def __init__(self, n: int):
        self.flag = np.zeros(n, dtype=np.int8)
        self.present = np.zeros(n, dtype=bool)
        self.reason = np.full(n, "", dtype=object)


def screen(
    frame: pd.DataFrame, rules: Mapping[str, Any] | None = None, as_of: date | None = None
) -> pd.DataFrame:
    """Run the screen. Returns a DataFrame (same index) with `urn`, `<metric>_flag`, `<metric>_reason` for
    each metric, `majors`, `minors` and `concern` ("none"/"low"/"medium"/"high")."""
    rules = rules or DEFAULT_RULES
    validate_rules(rules)
    as_of = as_of or date.today()
    n = len(frame)
    ks = frame["key_stage"].fillna("").to_numpy() if "key_stage" in frame.columns else np.full(n, "")
    is2, is4 = ks == "ks2", ks == "ks4"
    out: dict[str, _Metric] = {m: _Metric(n) for m in METRICS}

    # progress
    r = rules["progress"]
    subj = np.vstack([_col(frame, "read_0"), _col(frame, "writ_0"), _col(frame, "mat_0")])
    all_nan = np.isnan(subj).all(axis=0)
    low2 = np.where(all_nan, np.nan, np.nanmin(np.where(np.isnan(subj), np.inf, subj), axis=0))
    which = np.argmin(np.where(np.isnan(subj), np.inf, subj), axis=0)
    p8 = _col(frame, "p8_0")
    m = out["progress"]
    m.present = (is2 & ~np.isnan(low2)) | (is4 & ~np.isnan(p8))
    m.flag = np.where(
        is2,
        _grade(low2, low2 < r["ks2_minor"], low2 < r["ks2_major"]),
        np.where(is4, _grade(p8, p8 < r["ks4_minor"], p8 < r["ks4_major"]), 0),
    ).astype(np.int8)
    names = np.array(["Reading", "Writing", "Maths"])
    for i in np.flatnonzero(m.flag):
        if is2[i]:
            lim = r["ks2_major"] if m.flag[i] == 2 else r["ks2_minor"]
            m.reason[i] = f"{names[which[i]]} progress {_fmt(low2[i])} (below {_fmt(lim)})"
        else:
            lim = r["ks4_major"] if m.flag[i] == 2 else r["ks4_minor"]
            m.reason[i] = f"Progress 8 {p8[i]:+.2f} (below {lim:+.2f})"

    # attainment trend
    r = rules["attainment_trend"]
    m = out["attainment_trend"]
    for key, prefix, minor, major, unit in (
        (
            is2,
            "rwm",
            r["ks2_minor_drop"],
            r["ks2_major_drop"],
            " percentage points in RWM at the expected standard",
        ),
        (is4, "att8", r["ks4_minor_drop"], r["ks4_major_drop"], " points in Attainment 8"),
    ):
        now, y1, y2 = _col(frame, f"{prefix}_0"), _col(frame, f"{prefix}_1"), _col(frame, f"{prefix}_2")
        base = np.where(np.isnan(y2), y1, y2)
        span = np.where(np.isnan(y2), 1, 2)
        drop = base - now
        present = key & ~np.isnan(drop)
        flag = np.where(present, _grade(drop, drop >= minor, drop >= major), 0)
        m.present |= present
        m.flag = np.where(key, flag, m.flag).astype(np.int8)
        for i in np.flatnonzero(key & (flag > 0)):
            m.reason[i] = f"Fell {drop[i]:.1f}{unit} over {span[i]} year{'s' if span[i] > 1 else ''}"

    # ofsted
    r = rules["ofsted"]
    m = out["ofsted"]
    grade = _col(frame, "ofsted_grade")
    worst = _col(frame, "ofsted_worst")
    safe = _col(frame, "ofsted_safeguarding_met")
    category = (
        frame["ofsted_category"].fillna("").to_numpy()
        if "ofsted_category" in frame.columns
        else np.full(n, "")
    )
    has_cat = category != ""
    legacy_major = np.isin(grade, r["major_grades"]) | has_cat
    legacy_minor = np.isin(grade, r["minor_grades"])
    card_major = (worst >= r["report_card_major_worst"]) | (safe == 0)
    card_minor = worst >= r["report_card_minor_worst"]
    m.present = ~np.isnan(grade) | ~np.isnan(worst) | has_cat
    m.flag = _grade(grade, legacy_minor | card_minor, legacy_major | card_major)
    grade_names = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
    scale = {
        1: "Exceptional",
        2: "Strong standard",
        3: "Expected standard",
        4: "Needs attention",
        5: "Urgent improvement",
    }
    cat_names = {"SM": "special measures", "SWK": "serious weaknesses"}
    for i in np.flatnonzero(m.flag):
        if has_cat[i]:
            m.reason[i] = f"Judged inadequate: {cat_names.get(category[i], category[i])}"
        elif not np.isnan(grade[i]):
            m.reason[i] = f"Latest Ofsted judgement: {grade_names.get(int(grade[i]), grade[i])}"
        elif safe[i] == 0:
            m.reason[i] = "Report card: safeguarding not met"
        else:
            m.reason[i] = f"Report card: an evaluation area graded '{scale.get(int(worst[i]), worst[i])}'"

    # inspection age
    r = rules["inspection_age"]
    m = out["inspection_age"]
    if "inspection_date" in frame.columns:
        dates = pd.to_datetime(frame["inspection_date"], errors="coerce")
        years = ((pd.Timestamp(as_of) - dates).dt.days / 365.25).to_numpy(dtype=float)
    else:
        years = np.full(n, np.nan)
    m.present = ~np.isnan(years)
    major_years = r.get("major_years") or np.inf
    m.flag = _grade(years, years > r["minor_years"], years > major_years)
    for i in np.flatnonzero(m.flag):
        m.reason[i] = f"Last inspected {years[i]:.1f} years ago"

    # floor and coasting
    def below_standard(rs: Mapping[str, Any], year: int) -> tuple[np.ndarray, np.ndarray]:
        """(met, present) for the KS2/KS4 definition `rs` in year offset `year`."""
        k2, k4 = rs["ks2"], rs["ks4"]
        rwm, rd, wr, mt = (_col(frame, f"{p}_{year}") for p in ("rwm", "read", "writ", "mat"))
        p8y, upp = _col(frame, f"p8_{year}"), _col(frame, f"p8upp_{year}")
        ks2_met = (rwm < k2["rwm_expected_below"]) & (
            (rd < k2["reading_below"]) | (wr < k2["writing_below"]) | (mt < k2["maths_below"])
        )
        ks4_met = (p8y < k4["progress8_below"]) & (upp < k4["upper_ci_below"])
        present = (is2 & ~np.isnan(rwm) & ~(np.isnan(rd) & np.isnan(wr) & np.isnan(mt))) | (
            is4 & ~np.isnan(p8y) & ~np.isnan(upp)
        )
        return np.where(is2, ks2_met, np.where(is4, ks4_met, False)), present

    m = out["floor"]
    met, m.present = below_standard(rules["floor"], 0)
    m.flag = np.where(met, 2, 0).astype(np.int8)
    m.reason[met] = "Below the DfE floor standard in the latest year"

    rc = rules["coasting"]
    m = out["coasting"]
    met_years = np.zeros(n, dtype=int)
    present_years = np.zeros(n, dtype=int)
    for y in range(3):
        met_y, present_y = below_standard(rc, y)
        met_years += met_y & present_y
        present_years += present_y
    # Consecutive from the latest year: a school recovering this year is not coasting.
    met0, _ = below_standard(rc, 0)
    m.present = present_years > 0
    m.flag = np.where(
        met0 & (met_years >= rc["years_for_major"]),
        2,
        np.where(met0 & (met_years >= rc["years_for_minor"]), 1, 0),
    ).astype(np.int8)
    for i in np.flatnonzero(m.flag):
        m.reason[i] = (
            f"Met the DfE coasting definition in {met_years[i]} of the last {present_years[i]} years"
        )

    # roll vs capacity
    r = rules["roll"]
    m = out["roll"]
    roll, prev, cap = _col(frame, "roll"), _col(frame, "roll_prev"), _col(frame, "capacity")
    fill = np.where(cap > 0, roll / np.where(cap > 0, cap, 1), np.nan)
    decline = np.where(prev > 0, (prev - roll) / np.where(prev > 0, prev, 1), np.nan)
    f_fill = _grade(fill, fill < r["minor_fill"], fill < r["major_fill"])
    f_dec = _grade(decline, decline > r["minor_decline"], decline > r["major_decline"])
    m.present = ~np.isnan(fill) | ~np.isnan(decline)
    m.flag = np.maximum(f_fill, f_dec)
    for i in np.flatnonzero(m.flag):
        parts = []
        if f_fill[i]:
            parts.append(f"{fill[i] * 100:.0f}% of capacity filled ({int(roll[i])} of {int(cap[i])})")
        if f_dec[i]:
            parts.append(f"roll fell {decline[i] * 100:.0f}% in a year")
        m.reason[i] = "; ".join(parts).capitalize()

    # soft intelligence
    r = rules["soft_intelligence"]
    m = out["soft_intelligence"]
    count = np.nan_to_num(_col(frame, "soft_count"))
    kinds = frame["soft_kinds"].fillna("").to_numpy() if "soft_kinds" in frame.columns else np.full(n, "")
    m.present = np.ones(n, dtype=bool)
    m.flag = _grade(count, count >= r["minor_count"], count >= r["major_count"])
    for i in np.flatnonzero(m.flag):
        m.reason[i] = f"{int(count[i])} item{'s' if count[i] != 1 else ''} of soft intelligence: {kinds[i]}"

    # attendance (only when the rule set has the section)
    m = out["attendance"]
    if "attendance" in rules:
        r = rules["attendance"]
        overall, persistent = _col(frame, "absence_0"), _col(frame, "persistent_0")
        f_all = _grade(overall, overall >= r["overall_minor"], overall >= r["overall_major"])
        f_pa = _grade(persistent, persistent >= r["persistent_minor"], persistent >= r["persistent_major"])
        m.present = ~np.isnan(overall) | ~np.isnan(persistent)
        m.flag = np.maximum(f_all, f_pa)
        for i in np.flatnonzero(m.flag):
            parts = []
            if f_all[i]:
                parts.append(f"{overall[i]:.1f}% of sessions missed")
            if f_pa[i]:
                parts.append(f"{persistent[i]:.1f}% of pupils persistently absent")
            m.reason[i] = "; ".join(parts).capitalize()

    # missing data, then the overall level
    result = pd.DataFrame(index=frame.index)
    result["urn"] = frame["urn"].to_numpy() if "urn" in frame.columns else np.arange(n)
    majors = np.zeros(n, dtype=np.int16)
    minors = np.zeros(n, dtype=np.int16)
    decisive_major = np.zeros(n, dtype=bool)
    concern_rules = rules["concern"]
    for metric in METRICS:
        mm = out[metric]
        treatment = rules["missing"].get(metric, "ignore") if metric in rules else "ignore"
        applies = ~mm.present & (
            is2 | is4 | (metric in {"ofsted", "inspection_age", "roll", "soft_intelligence", "attendance"})
        )
        missing_flag = MISSING_TREATMENTS[treatment]
        flag = np.where(mm.present, mm.flag, np.where(applies, missing_flag, 0)).astype(np.int8)
        reason = mm.reason.copy()
        reason[~mm.present & applies] = (
            f"No data: the rules count missing data as a {treatment} concern" if missing_flag else "No data"
        )
        result[f"{metric}_flag"] = flag
        result[f"{metric}_reason"] = reason
        majors += flag == 2
        minors += flag == 1
        if metric in concern_rules["decisive"]:
            decisive_major |= flag == 2
    result["majors"] = majors
    result["minors"] = minors
    level = np.select(
        [
            (majors >= concern_rules["high_majors"]) | decisive_major,
            (majors >= concern_rules["medium_majors"]) | (minors >= concern_rules["medium_minors"]),
            minors >= concern_rules["low_minors"],
        ],
        ["high", "medium", "low"],
        default="none",
    )
    result["concern"] = level
    return result


def concern_rule_words(rules: Mapping[str, Any] | None = None) -> list[str]:
    """How a rule set's concern levels are set, one sentence per level (high first), for the pages that show
    them: e.g. "High: 2 or more major flags, or a major flag on Latest Ofsted outcome or Floor standard"."""
    c = (rules or DEFAULT_RULES)["concern"]

    def flags(n: int, kind: str) -> str:
        return f"{n} or more {kind} flags" if n > 1 else f"a {kind} flag"

    decisive = [METRIC_LABELS.get(m, m) for m in c.get("decisive", [])]
    high = flags(c["high_majors"], "major")
    if decisive:
        high += f", or a major flag on {' or '.join(decisive)}"
    return [
        f"High: {high}",
        f"Medium: {flags(c['medium_majors'], 'major')}, or {flags(c['medium_minors'], 'minor')}",
        f"Low: {flags(c['low_minors'], 'minor')}",
    ]


def flags_of(row: Mapping[str, Any]) -> list[dict[str, str]]:
    """One screened row -> [{"metric", "label", "flag", "reason"}] in metric order (for storing and showing)."""
    return [
        {
            "metric": m,
            "label": METRIC_LABELS[m],
            "flag": FLAG_NAMES[int(row[f"{m}_flag"])],
            "reason": str(row[f"{m}_reason"]),
        }
        for m in METRICS
    ]


def precision_recall(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float | int]:
    """Confusion counts with recall (share of actual positives flagged) and precision (share of flags right)."""
    predicted = np.asarray(predicted, dtype=bool)
    actual = np.asarray(actual, dtype=bool)
    tp = int((predicted & actual).sum())
    fp = int((predicted & ~actual).sum())
    fn = int((~predicted & actual).sum())
    tn = int((~predicted & ~actual).sum())
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
    }
