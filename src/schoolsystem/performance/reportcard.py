"""School Report Card (seed 000): a broader picture than league tables for parents and officers.

`build(school)` gathers everything in a fixed number of queries; the template, the PDF and the CSV all read
the same dict. Soft intelligence and the risk screen never appear here (report cards are public:
docs/decisions/0052-report-cards-are-public.md)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from django.template.loader import render_to_string
from django.utils import timezone

from schoolsystem.engines.similar import nearest
from schoolsystem.performance.charts import line_chart
from schoolsystem.performance.constants import LEGACY_GRADES, REPORT_CARD_AREAS, REPORT_CARD_SCALE, KeyStage
from schoolsystem.performance.models import AbsenceRecord, CensusRecord, ExclusionRecord, KeyStageResult
from schoolsystem.performance.selectors import benchmarks, inspections_frame, owners, results_frame

MEASURES = {
    KeyStage.KS2: [
        ("rwm_expected", "Meeting the expected standard in reading, writing and maths", "%"),
        ("rwm_higher", "Achieving a higher standard in reading, writing and maths", "%"),
        ("reading_progress", "Progress in reading", ""),
        ("writing_progress", "Progress in writing", ""),
        ("maths_progress", "Progress in maths", ""),
    ],
    KeyStage.KS4: [
        ("attainment8", "Attainment 8 score", ""),
        ("progress8", "Progress 8 score", ""),
        ("basics_94", "Grade 4 or above in English and maths", "%"),
    ],
}
# Shown as the DfE publishes them: whole percentages, Attainment 8 to one decimal place, progress to two.
DECIMALS = {"attainment8": 1}


def decimals(field: str, unit: str) -> int:
    return DECIMALS.get(field, 0 if unit == "%" else 2)


HEADLINE = {KeyStage.KS2: ("rwm_expected", "reading_progress"), KeyStage.KS4: ("attainment8", "progress8")}
# The charts' value axes, with their units (progress scores are centred on the national average, 0).
AXIS_LABELS = {
    "rwm_expected": "Pupils meeting the standard (%)",
    "reading_progress": "Progress score (0 = national average)",
    "attainment8": "Attainment 8 score (points, 0 to 90)",
    "progress8": "Progress 8 score (0 = national average)",
}


def _v(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _similar(urn: int, ks: str, year: str, measures: list[str]) -> dict:
    """Mean of the 10 most similar schools (same phase; size, FSM, SEN, EAL) in the latest year, to the school
    whose results were published under `urn` that year (its predecessor's URN, for an academy that converted
    since: found in review, converters had no comparison at all)."""
    rows = pd.DataFrame(
        list(
            KeyStageResult.objects.filter(key_stage=ks, year=year, level="school").values(
                "urn", "total_pupils", "disadvantaged_percent", *measures
            )
        )
    )
    if rows.empty or urn not in set(rows["urn"]):
        return {}
    census = pd.DataFrame(
        list(
            CensusRecord.objects.filter(urn__in=rows["urn"].tolist())
            .order_by("urn", "-year")
            .values("urn", "roll", "fsm_percent", "sen_support_percent", "eal_percent")
        ),
        columns=["urn", "roll", "fsm_percent", "sen_support_percent", "eal_percent"],
    ).drop_duplicates("urn")
    pool = rows.merge(census, on="urn", how="left")
    pool["phase"] = ks
    pool["size"] = pool["roll"].astype(float).fillna(pool["total_pupils"].astype(float))
    pool["fsm"] = pool["fsm_percent"].astype(float).fillna(pool["disadvantaged_percent"].astype(float))
    pool["sen"] = pool["sen_support_percent"].astype(float)
    pool["eal"] = pool["eal_percent"].astype(float)
    near = nearest(pool, urn, k=10)
    if near.empty:
        return {}
    return {"schools": len(near), "values": {m: _v(near[m].astype(float).mean()) for m in measures}}


def build(school) -> dict:
    owned = owners([school.urn])  # predecessor links, looked up once for results and inspections
    results = results_frame([school.urn], owned=owned)
    stages = [
        ks for ks in (KeyStage.KS4, KeyStage.KS2) if not results.empty and (results["key_stage"] == ks).any()
    ]
    sections = []
    for ks in stages:
        part = results[results["key_stage"] == ks].sort_values("year")
        years = part["year"].tolist()
        bench = benchmarks(ks, school.la.code)
        measures = MEASURES[ks]
        table = []
        for field, label, unit in measures:
            row = {"label": label, "unit": unit, "decimals": decimals(field, unit), "values": []}
            for _, r in part.iterrows():
                value = _v(r[field])
                row["values"].append(
                    {
                        "year": r["year"],
                        "value": value,
                        "missing": (r["missing"] or {}).get(field, "") if value is None else "",
                    }
                )
            table.append(row)

        def bench_series(area: str, field: str, bench=bench, years=years) -> list[float | None]:
            if bench.empty:
                return [None] * len(years)
            b = bench[bench["area"] == area].set_index("year")
            return [_v(b[field].get(y)) if y in b.index else None for y in years]

        charts = []
        for field in HEADLINE[ks]:
            label, unit = next((lbl, u) for f, lbl, u in measures if f == field)
            charts.append(
                line_chart(
                    {
                        school.name: (years, [_v(x) for x in part[field]]),
                        school.la.name: (years, bench_series("LA", field)),
                        "England": (years, bench_series("England", field)),
                    },
                    chart_id=f"chart-{ks}-{field}",
                    title=f"{label}: {school.name} compared with {school.la.name} and England, "
                    f"{years[0][:4]} to {years[-1][5:]}",
                    ylabel=AXIS_LABELS[field],
                    zero_line="progress" in field,
                    decimals=decimals(field, unit),
                    unit=unit,
                )
            )
        latest = years[-1]
        similar = _similar(int(part["source_urn"].iloc[-1]), ks, latest, [f for f, _, _ in measures])
        comparison = []
        for field, label, unit in measures:
            comparison.append(
                {
                    "label": label,
                    "unit": unit,
                    "decimals": decimals(field, unit),
                    "school": _v(part[field].iloc[-1]),
                    "la": bench_series("LA", field)[-1],
                    "england": bench_series("England", field)[-1],
                    "similar": (similar.get("values") or {}).get(field),
                }
            )
        sections.append(
            {
                "key_stage": ks,
                "label": KeyStage(ks).label,
                "years": years,
                "table": table,
                "charts": charts,
                "latest": latest,
                "comparison": comparison,
                "similar_count": similar.get("schools", 0),
                "predecessor_rows": sorted(
                    set(part.loc[part["source_urn"] != school.urn, "source_urn"].astype(int))
                ),
            }
        )
    inspections = inspections_frame([school.urn], owned=owned)
    history = []
    for _, i in inspections.iterrows():
        if i["framework"] == "legacy":
            outcome = (
                LEGACY_GRADES.get(int(i["overall_effectiveness"]))
                if pd.notna(i["overall_effectiveness"])
                else "Not graded"
            )
            if i["category_of_concern"]:
                outcome += {"SM": " (special measures)", "SWK": " (serious weaknesses)"}.get(
                    i["category_of_concern"], ""
                )
            areas = []
        else:
            outcome = "Report card"
            areas = [
                {"label": REPORT_CARD_AREAS[k], "grade": REPORT_CARD_SCALE[v]}
                for k, v in (i["evaluations"] or {}).items()
            ]
            areas.append(
                {
                    "label": "Safeguarding",
                    "grade": {True: "Met", False: "Not met"}.get(i["safeguarding_met"], "Not recorded"),
                }
            )
        history.append(
            {
                "date": i["start_date"],
                "outcome": outcome,
                "areas": areas,
                "type": i["inspection_type"],
                "predecessor": int(i["source_urn"]) != school.urn,
                "urn": int(i["source_urn"]),
            }
        )
    if not history and school.ofsted_rating:
        history.append(
            {
                "date": school.ofsted_last_inspection,
                "outcome": school.ofsted_rating,
                "areas": [],
                "type": "",
                "predecessor": False,
                "urn": school.urn,
                "from_gias": True,
            }
        )
    # The latest census of the school or, for an academy that converted since, of its predecessor (found in
    # review: 7 of Surrey's 20 converters showed no roll or FSM); the school's own when both have that year.
    census = max(
        CensusRecord.objects.filter(urn__in=list(owned[0])),
        key=lambda c: (c.year, c.urn == school.urn),
        default=None,
    )
    context = {
        "year": census.year if census else "",
        "roll": census.roll if census else school.pupils,
        "capacity": school.capacity,
        "fsm": census.fsm_percent if census else school.fsm_percent,
        "sen_support": census.sen_support_percent if census else None,
        "sen_ehc": census.sen_ehc_percent if census else None,
        "eal": census.eal_percent if census else None,
        "source": (
            f"School census {census.year}"
            + (f" (its predecessor, URN {census.urn})" if census.urn != school.urn else "")
            if census
            else "Get Information About Schools"
        ),
    }
    card = {
        "sections": sections,
        "history": history,
        "context": context,
        "behaviour": behaviour(school.urn, owned[0]),
    }
    card["summary"] = summary(school, card)
    card["results_notice"] = results_notice(
        sections, today=timezone.localdate(), other_years=card["behaviour"]["years"]
    )
    return card


def results_notice(sections: list[dict], *, today, other_years: Sequence[str] = ()) -> dict | None:
    """Which year the latest results shown are for, so old figures never read as current: {"text", "stale"}.
    `stale` when that year ended before the academic year now under way began (results for the year just ended
    are the latest there can be), None when nothing is shown. `other_years`: the years of the card's other
    figures (absence and exclusions): an infant school has no key stage results, and its absence figures from
    years ago had no notice (found in review)."""
    results = max((s["latest"] for s in sections), default="")
    latest = max([results, *other_years])
    figures = "results" if results and results == latest else "figures"
    if not latest:
        return None
    start, end = latest[:4], latest[-4:]
    current_start = today.year if today.month >= 9 else today.year - 1
    return {
        "text": f"The latest {figures} we hold are for {start} to {end}.",
        "stale": int(end) < current_start,
    }


BEHAVIOUR_MEASURES = [
    ("overall_absence_percent", "Sessions missed through absence", "%", 1),
    ("persistent_absence_percent", "Pupils persistently absent (missing 10% or more)", "%", 1),
    ("suspension_rate", "Suspensions per 100 pupils", "", 2),
    ("permanent_exclusions", "Permanent exclusions", "", 0),
]


def _own_last(records, urn: int) -> list:
    """A school's records and its predecessors', the school's own last: read year by year, its own figures win
    over a predecessor's of the same year."""
    return sorted(records, key=lambda rec: rec.urn == urn)


def behaviour(urn: int, urns: Iterable[int] = ()) -> dict:
    """Absence and exclusions by year (two queries): {"years": [...], "rows": [{label, unit, decimals, values}]}.
    `urns`: the school's URN and its predecessors' (`owners`): an academy that converted since the data has its
    figures under its predecessor's URN, as its census and results are (found in review: they were left out)."""
    urns = list(urns) or [urn]
    by_year: dict[str, dict] = {}
    for rec in _own_last(AbsenceRecord.objects.filter(urn__in=urns), urn):
        by_year.setdefault(rec.year, {}).update(
            overall_absence_percent=(rec.overall_absence_percent, rec.missing.get("overall_absence_percent", "")),
            persistent_absence_percent=(rec.persistent_absence_percent, rec.missing.get("persistent_absence_percent", "")),
        )  # fmt: skip
    for rec in _own_last(ExclusionRecord.objects.filter(urn__in=urns), urn):
        by_year.setdefault(rec.year, {}).update(
            suspension_rate=(rec.suspension_rate, rec.missing.get("suspension_rate", "")),
            permanent_exclusions=(rec.permanent_exclusions, rec.missing.get("permanent_exclusions", "")),
        )
    years = sorted(by_year)
    rows = [
        {
            "label": label,
            "unit": unit,
            "decimals": places,
            "values": [
                {
                    "value": by_year[y].get(field, (None, ""))[0],
                    "missing": by_year[y].get(field, (None, ""))[1],
                }
                for y in years
            ],
        }
        for field, label, unit, places in BEHAVIOUR_MEASURES
    ]
    return {"years": years, "rows": rows}


def summary(school, card: dict) -> list[str]:
    """Plain-language sentences for parents."""
    out = []
    for s in card["sections"]:
        comp = {c["label"]: c for c in s["comparison"]}
        year = s["latest"][:4] + " to " + s["latest"][5:]
        if s["key_stage"] == KeyStage.KS2:
            c = comp["Meeting the expected standard in reading, writing and maths"]
            if c["school"] is not None:
                line = f"In {year}, {c['school']:.0f}% of pupils met the expected standard in reading, writing and maths"
                if c["england"] is not None:
                    word = (
                        "above"
                        if c["school"] > c["england"] + 2
                        else "below"
                        if c["school"] < c["england"] - 2
                        else "close to"
                    )
                    line += f", {word} the England figure of {c['england']:.0f}%"
                out.append(line + ".")
            progress = [
                comp[k]["school"] for k in ("Progress in reading", "Progress in writing", "Progress in maths")
            ]
            if all(p is not None for p in progress):
                words = [
                    "well above average"
                    if p >= 2
                    else "above average"
                    if p >= 1
                    else "well below average"
                    if p <= -2
                    else "below average"
                    if p <= -1
                    else "about average"
                    for p in progress
                ]
                out.append(
                    f"Pupils' progress was {words[0]} in reading, {words[1]} in writing and {words[2]} in maths."
                )
        else:
            c = comp["Progress 8 score"]
            if c["school"] is not None:
                word = (
                    "well above average"
                    if c["school"] >= 0.5
                    else "above average"
                    if c["school"] > 0.1
                    else "well below average"
                    if c["school"] <= -0.5
                    else "below average"
                    if c["school"] < -0.1
                    else "about average"
                )
                out.append(
                    f"In {year}, pupils' progress across eight GCSE subjects was {word} (Progress 8 {c['school']:+.2f})."
                )
        if len(s["years"]) >= 2:
            row = next(r for r in s["table"] if r["label"].startswith(("Meeting", "Attainment")))
            first, last = row["values"][0]["value"], row["values"][-1]["value"]
            if first is not None and last is not None:
                trend = (
                    "risen" if last > first + 2 else "fallen" if last < first - 2 else "stayed about the same"
                )
                out.append(f"Since {s['years'][0][:4]} results have {trend}.")
    if card["history"]:
        latest = card["history"][0]
        when = latest["date"].strftime("%B %Y") if latest["date"] else "an unknown date"
        out.append(f"Ofsted's latest outcome ({when}): {latest['outcome']}.")
    else:
        out.append("We have no Ofsted outcome for this school.")
    if not card["sections"]:
        out.append(no_results_reason(school))
    return out


def no_results_reason(school) -> str:
    """Why a school has no key stage 2 or 4 results, in words (pupils leave before the tests, or none published)."""
    high = school.statutory_high_age
    if high is not None and high <= 10:
        return (
            f"Pupils leave this school by age {high}, before the key stage 2 tests, "
            "so there are no test results to show."
        )
    return "No published test or exam results are available for this school."


def summary_table(results: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """Report-card headline summaries for many schools at once (vectorised): per school and key stage the
    latest headline figure, its difference from England that year, and the trend since the first year
    ("risen"/"fallen"/"about the same"). `results` as from selectors.results_frame; `england` rows with
    key_stage, year, rwm_expected, attainment8."""
    if results.empty:
        return pd.DataFrame(columns=["urn", "key_stage", "year", "headline", "vs_england", "trend"])
    frame = results[["urn", "key_stage", "year", "rwm_expected", "attainment8"]].copy()
    frame["headline"] = (
        frame["rwm_expected"].where(frame["key_stage"] == KeyStage.KS2, frame["attainment8"]).astype(float)
    )
    frame = frame.sort_values(["urn", "key_stage", "year"])
    grouped = frame.groupby(["urn", "key_stage"], sort=False)
    latest = grouped.tail(1).set_index(["urn", "key_stage"])
    first = grouped.head(1).set_index(["urn", "key_stage"])["headline"]
    eng = england.assign(
        eng=england["rwm_expected"].where(england["key_stage"] == KeyStage.KS2, england["attainment8"])
    )
    eng = eng.set_index(["key_stage", "year"])["eng"]
    keys = pd.MultiIndex.from_arrays([latest.index.get_level_values("key_stage"), latest["year"]])
    out = latest[["year", "headline"]].copy()
    out["vs_england"] = out["headline"].to_numpy() - eng.reindex(keys).to_numpy(dtype=float)
    change = out["headline"] - first.reindex(out.index)
    band = np.where(out.index.get_level_values("key_stage") == KeyStage.KS2, 2.0, 1.0)
    out["trend"] = np.select(
        [change > band, change < -band, change.notna()], ["risen", "fallen", "about the same"], default=""
    )
    return out.reset_index()


def pdf(request, school, card: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "performance/report_card_pdf.html", {"school": school, "card": card}, request=request
    )
    # Tagged (headings, tables, lists as structure), so screen readers can read it (found in review: untagged).
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_tags=True)


def write_csv(out, school, card: dict) -> None:
    """Every figure the card shows, one per row: results and their comparisons by key stage, then attendance and
    behaviour, the school's context and its inspections (the CSV held only the results)."""
    writer = csv.writer(out)
    writer.writerow(["URN", "School", "Section", "Measure", "Year", "Value", "Missing reason"])
    for s in card["sections"]:
        for row in s["table"]:
            for v in row["values"]:
                writer.writerow(
                    [
                        school.urn,
                        school.name,
                        s["label"],
                        row["label"],
                        v["year"],
                        "" if v["value"] is None else v["value"],
                        v["missing"],
                    ]
                )
    # The comparison figures say whose average they are in words, as the page's column headings do.
    averages = {
        "la": f"{school.la.name} average",
        "england": "England average",
        "similar": "similar schools average",
    }
    for s in card["sections"]:
        for c in s["comparison"]:
            for who, whose in averages.items():
                writer.writerow(
                    [
                        school.urn,
                        school.name,
                        s["label"],
                        f"{c['label']}, {whose}",
                        s["latest"],
                        "" if c[who] is None else round(c[who], 2),
                        "",
                    ]
                )
    behaviour = card.get("behaviour") or {"years": [], "rows": []}
    for row in behaviour["rows"]:
        for year, v in zip(behaviour["years"], row["values"], strict=True):
            value = "" if v["value"] is None else v["value"]
            writer.writerow(
                [school.urn, school.name, "Attendance and behaviour", row["label"], year, value, v["missing"]]
            )
    ctx = card.get("context") or {}
    for label, key in CONTEXT_MEASURES:
        if ctx.get(key) is not None:
            writer.writerow(
                [school.urn, school.name, f"Context ({ctx['source']})", label, ctx["year"], ctx[key], ""]
            )
    for i in card.get("history", []):
        writer.writerow(
            [school.urn, school.name, "Ofsted inspections", i.get("type") or "Inspection",
             i["date"].isoformat() if i["date"] else "", i["outcome"], ""]
        )  # fmt: skip


# The context figures the card shows, as the CSV names them.
CONTEXT_MEASURES = (
    ("Pupils on roll", "roll"),
    ("Capacity", "capacity"),
    ("Eligible for free school meals (%)", "fsm"),
    ("SEN support (%)", "sen_support"),
    ("Education, health and care plan (%)", "sen_ehc"),
    ("English as an additional language (%)", "eal"),
)
