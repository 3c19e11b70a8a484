"""Trust and group scorecards (seed 003 proposal 5): the DfE MAT-measure figures over time, every school with
its time in the group, and the schools the group took on while weak ('unattractive' schools) shown
separately with their improvement since joining. Built from public data, so any signed-in user may read one.
"""

from __future__ import annotations

import csv
import math
from datetime import date

import pandas as pd

from schoolsystem.core.errors import NotFound
from schoolsystem.engines.risk import DEFAULT_RULES
from schoolsystem.engines.scorecards import (
    counted,
    full_years_in_trust,
    improvement_since_joining,
    mat_measure,
    weighted_by_year,
    year_start,
)
from schoolsystem.performance.charts import line_chart
from schoolsystem.performance.constants import LEGACY_GRADES, KeyStage
from schoolsystem.performance.selectors import inspections_frame, owners, results_frame
from schoolsystem.registry.models import Establishment, Group, LocalAuthority

MEASURES = {
    KeyStage.KS2: [
        ("reading_progress", "KS2 reading progress"),
        ("writing_progress", "KS2 writing progress"),
        ("maths_progress", "KS2 maths progress"),
    ],
    KeyStage.KS4: [("progress8", "Progress 8"), ("attainment8", "Attainment 8")],
}
LONG_AGO = date(1900, 1, 1)


def group_for_user(user, pk: int) -> Group:
    try:
        return Group.objects.get(pk=pk)
    except Group.DoesNotExist as exc:
        raise NotFound("No such group.") from exc


def la_for_user(user, code: str) -> LocalAuthority:
    try:
        return LocalAuthority.objects.get(code=code)
    except LocalAuthority.DoesNotExist as exc:
        raise NotFound("No such local authority.") from exc


def _v(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _members(group: Group | None, la: LocalAuthority | None) -> pd.DataFrame:
    cols = ["urn", "name", "joined_on", "left_on"]
    if group is not None:
        rows = group.memberships.values_list(
            "establishment__urn", "establishment__name", "joined_on", "left_on"
        )
    else:
        rows = [
            (u, n, LONG_AGO, None)
            for u, n in Establishment.objects.open().state_funded().filter(la=la).values_list("urn", "name")
        ]
    frame = pd.DataFrame(list(rows), columns=cols)
    return frame.sort_values(["urn", "joined_on"], na_position="first").drop_duplicates("urn", keep="last")


def _weak_at_joining(
    members: pd.DataFrame, results: pd.DataFrame, inspections: pd.DataFrame
) -> dict[int, str]:
    """URN -> why it was weak when it joined: latest Ofsted before joining RI/inadequate, or the last results
    before joining below the DfE floor standard."""
    floor = DEFAULT_RULES["floor"]
    why: dict[int, str] = {}
    for m in members.itertuples():
        joined = m.joined_on
        if joined is None or pd.isna(joined) or joined == LONG_AGO:
            continue
        before = (
            inspections[(inspections["urn"] == m.urn) & (inspections["start_date"] < joined)]
            if not inspections.empty
            else inspections
        )
        if not before.empty:
            last = before.iloc[0]
            grade = last["overall_effectiveness"]
            if (pd.notna(grade) and grade >= 3) or last["category_of_concern"]:
                why[m.urn] = (
                    f"Ofsted {LEGACY_GRADES.get(int(grade), '') if pd.notna(grade) else 'category'} before joining"
                )
                continue
        res = (
            results[
                (results["urn"] == m.urn)
                & results["year"].map(lambda y, joined=joined: year_start(y) < joined)
            ]
            if not results.empty
            else results
        )
        if not res.empty:
            last = res.sort_values("year").iloc[-1]
            if last["key_stage"] == KeyStage.KS2:
                f = floor["ks2"]
                below = (last["rwm_expected"] or 100) < f["rwm_expected_below"] and (
                    (last["reading_progress"] or 0) < f["reading_below"]
                    or (last["writing_progress"] or 0) < f["writing_below"]
                    or (last["maths_progress"] or 0) < f["maths_below"]
                )
            else:
                f = floor["ks4"]
                below = (last["progress8"] or 0) < f["progress8_below"] and (
                    last["progress8_upper"] or 0
                ) < f["upper_ci_below"]
            if below:
                why[m.urn] = f"below the floor standard in {last['year']}"
    return why


def build(*, group: Group | None = None, la: LocalAuthority | None = None) -> dict:
    members = _members(group, la)
    urns = members["urn"].astype(int).tolist()
    owned = owners(urns)  # predecessor links, looked up once for results and inspections
    results = results_frame(urns, owned=owned)
    inspections = inspections_frame(urns, owned=owned)
    weak = _weak_at_joining(members, results, inspections)
    joined = dict(zip(members["urn"], members["joined_on"], strict=True))
    left = dict(zip(members["urn"], members["left_on"], strict=True))
    names = dict(zip(members["urn"], members["name"], strict=True))
    sections = []
    for ks, measures in MEASURES.items():
        part = results[results["key_stage"] == ks].copy() if not results.empty else results
        if part.empty:
            continue
        part["joined_on"] = part["urn"].map(joined)
        # A school's results belong to the group only for years it was a member (joined before the year ended).
        in_group = [
            (j is None or pd.isna(j) or j <= date(int(y[5:]), 8, 31))
            and (left.get(u) is None or pd.isna(left.get(u)) or left[u] >= year_start(y))
            for u, j, y in zip(part["urn"], part["joined_on"], part["year"], strict=True)
        ]
        part = part[in_group]
        if part.empty:  # every result predates the schools joining: nothing to say for this key stage yet
            continue
        fields = [f for f, _ in measures]
        mat = mat_measure(part, fields)
        everyone = weighted_by_year(part, fields)
        years = sorted(part["year"].unique())
        charts = []
        for f, label in measures[:1] if ks == KeyStage.KS2 else measures[:1]:
            mat_vals = dict(zip(mat["year"], mat[f], strict=True)) if not mat.empty else {}
            all_vals = dict(zip(everyone["year"], everyone[f], strict=True))
            series = {"All schools": (years, [_v(all_vals.get(y)) for y in years])}
            title = f"{label}: pupil-weighted, all schools"
            if la is None:  # an LA counts every school: a "counted" line would lie on top of this one
                series = {
                    "Counted schools (3+ full years)": (years, [_v(mat_vals.get(y)) for y in years])
                } | series
                title = f"{label}: pupil-weighted, counted schools and all schools"
            charts.append(
                line_chart(
                    series,
                    chart_id=f"chart-{ks}-{f}",
                    title=title,
                    ylabel=f"{label} score (0 = national average)",
                    zero_line=True,
                )
            )
        latest_year = years[-1]
        flags = counted(part, 3)
        schools = []
        for _, r in part[part["year"] == latest_year].iterrows():
            schools.append(
                {
                    "urn": int(r["urn"]),
                    "name": names.get(r["urn"], ""),
                    "joined_on": r["joined_on"] if r["joined_on"] != LONG_AGO else None,
                    "years_in_trust": full_years_in_trust(r["joined_on"], latest_year)
                    if r["joined_on"] != LONG_AGO
                    else None,
                    "counted": bool(flags.loc[r.name]),
                    "pupils": _v(r["eligible_pupils"]),
                    "values": [_v(r[f]) for f in fields],
                    "weak": weak.get(int(r["urn"]), ""),
                }
            )
        schools.sort(key=lambda s: s["name"])
        improvement = (
            improvement_since_joining(part[part["urn"].isin(weak)], fields[0]) if weak else pd.DataFrame()
        )
        unattractive = (
            [
                {
                    "urn": int(i.urn),
                    "name": names.get(i.urn, ""),
                    "why": weak[int(i.urn)],
                    "start_year": i.start_year,
                    "start": i.start,
                    "latest_year": i.latest_year,
                    "latest": i.latest,
                    "change": i.change,
                }
                for i in improvement.itertuples()
            ]
            if not improvement.empty
            else []
        )

        def table(frame: pd.DataFrame, fields=fields) -> list[dict]:
            return [
                {
                    "year": r["year"],
                    "values": [_v(r[f]) for f in fields],
                    "schools": int(r[f"{fields[0]}_schools"]),
                    "pupils": int(r[f"{fields[0]}_pupils"]),
                }
                for _, r in frame.iterrows()
            ]

        sections.append(
            {
                "key_stage": ks,
                "label": KeyStage(ks).label,
                "measures": [label for _, label in measures],
                "mat": table(mat) if not mat.empty else [],
                "all": table(everyone),
                "charts": charts,
                "schools": schools,
                "unattractive": unattractive,
                "first_measure": measures[0][1],
                "latest_year": latest_year,
            }
        )
    # Members that joined after the last year of results held: none of their results can count for the group yet.
    latest = max(results["year"]) if not results.empty else None
    year_end = date(int(latest[5:]), 8, 31) if latest else None
    joined_later = (
        sum(1 for j in joined.values() if j is not None and not pd.isna(j) and j > year_end)
        if year_end
        else 0
    )
    return {
        "sections": sections,
        "members": len(members),
        "joined_later": joined_later,
        "latest_results": latest,
        "name": str(group or la),
    }


def write_csv(out, card: dict) -> None:
    writer = csv.writer(out)
    writer.writerow(["Group", "Key stage", "View", "Year", "Measure", "Value", "Schools", "Pupils"])
    for s in card["sections"]:
        for view in ("mat", "all"):
            for row in s[view]:
                for label, value in zip(s["measures"], row["values"], strict=True):
                    writer.writerow(
                        [
                            card["name"],
                            s["label"],
                            "MAT measure (3+ years)" if view == "mat" else "All schools",
                            row["year"],
                            label,
                            "" if value is None else round(value, 3),
                            row["schools"],
                            row["pupils"],
                        ]
                    )
        for sch in s["schools"]:
            for label, value in zip(s["measures"], sch["values"], strict=True):
                writer.writerow(
                    [
                        card["name"],
                        s["label"],
                        f"School {sch['urn']} {sch['name']}",
                        s["latest_year"],
                        label,
                        "" if value is None else value,
                        "",
                        sch["pupils"] or "",
                    ]
                )
