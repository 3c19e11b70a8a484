"""Back-testing the risk screen: flags computed from earlier key-stage results against later Ofsted outcomes.

Reads files only (nothing is written): KS2/KS4 performance tables up to a year, and a later GIAS establishments
file whose OfstedRating/OfstedLastInsp give the outcome of the next inspection. A school counts when it was
inspected after the results year ended; URNs that closed on academy conversion are followed to their successor
through the GIAS links file. Ofsted-based metrics are left out (the screen must not see the outcome)."""

from __future__ import annotations

import copy
import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from schoolsystem.engines.risk import DEFAULT_RULES, precision_recall, screen
from schoolsystem.performance.imports import KS2Import, KS4Import

WEAK = {"Requires improvement", "Inadequate", "Serious Weaknesses", "Special Measures"}


@dataclass
class BacktestResult:
    schools: int
    positives: int
    rows: list[dict]  # one per cut-off: {"cutoff", "flagged", "tp", "fp", "fn", "tn", "recall", "precision"}


def _ks_frame(files: list[Path], pipeline) -> pd.DataFrame:
    frames = []
    for path in files:
        year = pipeline.year_from_name(path.name)
        frame = pipeline.parse(path, year, path.name)
        frame = frame[frame["urn"].notna()].copy()
        frame["year"] = year
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _read_gias(path: Path) -> dict[int, tuple[str, date | None]]:
    out = {}
    with path.open(encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh):
            insp = row.get("OfstedLastInsp", "")
            when = datetime.strptime(insp, "%d-%m-%Y").date() if insp else None
            out[int(row["URN"])] = (row.get("OfstedRating (name)", ""), when)
    return out


def _successors(path: Path | None) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not path:
        return out
    with path.open(encoding="cp1252", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("LinkType", "").startswith("Successor"):
                out.setdefault(int(row["URN"]), []).append(int(row["LinkURN"]))
    return out


def build_input(ks2: pd.DataFrame, ks4: pd.DataFrame) -> pd.DataFrame:
    rows: dict[int, dict] = {}
    for ks, frame, spec in (
        (
            "ks2",
            ks2,
            {
                "rwm": "rwm_expected",
                "read": "reading_progress",
                "writ": "writing_progress",
                "mat": "maths_progress",
            },
        ),
        ("ks4", ks4, {"p8": "progress8", "p8upp": "progress8_upper", "att8": "attainment8"}),
    ):
        if frame.empty:
            continue
        years = sorted(frame["year"].unique(), reverse=True)
        for offset, year in enumerate(years[:3]):
            for rec in frame[frame["year"] == year].to_dict("records"):
                row = rows.setdefault(int(rec["urn"]), {"urn": int(rec["urn"]), "key_stage": ks})
                if ks == "ks4":
                    row["key_stage"] = "ks4"
                for short, field in spec.items():
                    row[f"{short}_{offset}"] = rec[field]
    return pd.DataFrame(list(rows.values()))


def run_backtest(
    *, ks2_files: list[Path], ks4_files: list[Path], gias: Path, links: Path | None, after: date
) -> BacktestResult:
    frame = build_input(_ks_frame(ks2_files, KS2Import()), _ks_frame(ks4_files, KS4Import()))
    rules = copy.deepcopy(DEFAULT_RULES)
    for metric in ("ofsted", "inspection_age"):
        rules["missing"][metric] = "ignore"
    screened = screen(frame, rules, after)
    outcomes = _read_gias(gias)
    successors = _successors(links)

    def outcome(urn: int) -> tuple[str, date | None] | None:
        seen, queue = set(), [urn]
        while queue:
            u = queue.pop(0)
            if u in seen:
                continue
            seen.add(u)
            rating, when = outcomes.get(u, ("", None))
            if rating and when and when > after:
                return rating, when
            queue.extend(successors.get(u, []))
        return None

    later = [outcome(int(u)) for u in screened["urn"]]
    keep = np.array([o is not None for o in later])
    actual = np.array([o is not None and o[0] in WEAK for o in later])[keep]
    level = screened["concern"].to_numpy()[keep]
    order = {"none": 0, "low": 1, "medium": 2, "high": 3}
    rank = np.array([order[x] for x in level])
    rows = []
    for cutoff in ("low", "medium", "high"):
        pr = precision_recall(rank >= order[cutoff], actual)
        rows.append({"cutoff": cutoff, "flagged": int((rank >= order[cutoff]).sum()), **pr})
    return BacktestResult(schools=int(keep.sum()), positives=int(actual.sum()), rows=rows)
