"""Reads for the performance app. Each builds whole tables in a fixed number of queries (never one per school)
and authorises in the same function as it fetches."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from schoolsystem.accounts.constants import OFFICER_ROLES, Role
from schoolsystem.accounts.scope import can_see_casework, establishment_q, is_national
from schoolsystem.core.db import CHUNK, chunks
from schoolsystem.core.errors import NotFound, PermissionDenied
from schoolsystem.engines import gias
from schoolsystem.engines.risk import DEFAULT_RULES
from schoolsystem.performance.constants import NO_PHASE, SCHOOL_LEVELS, ConcernLevel, KeyStage, RecordLevel
from schoolsystem.performance.models import (
    AbsenceRecord,
    CensusRecord,
    Inspection,
    KeyStageResult,
    Monitoring,
    RiskResult,
    RuleSet,
    SoftIntelligence,
)
from schoolsystem.registry.constants import OPEN_STATUSES
from schoolsystem.registry.models import Establishment, EstablishmentLink

PRIMARY_PHASES = {"Primary", "Middle deemed primary", "Infant", "Junior"}
SECONDARY_PHASES = {"Secondary", "Middle deemed secondary", "All-through", "All through", "16 plus"}
GIAS_RATING_GRADE = {
    "Outstanding": 1,
    "Good": 2,
    "Requires improvement": 3,
    "Requires Improvement": 3,
    "Inadequate": 4,
    "Serious Weaknesses": 4,
    "Special Measures": 4,
}
GIAS_RATING_CATEGORY = {"Serious Weaknesses": "SWK", "Special Measures": "SM"}


# --- access ---------------------------------------------------------------------------------------------------


def establishment_for_user(user, urn: int) -> Establishment:
    """An establishment the user may see casework for (risk, soft intelligence). Out of scope -> NotFound."""
    if not can_see_casework(user):
        raise PermissionDenied("Your role cannot see the risk screen.")
    try:
        return Establishment.objects.select_related("la").get(establishment_q(user), urn=urn)
    except Establishment.DoesNotExist as exc:
        raise NotFound(f"No school with URN {urn} in your area.") from exc


def establishment_public(urn: int) -> Establishment:
    """Report cards are built from public data (docs/decisions/0052): anyone may read any school's card."""
    try:
        return Establishment.objects.select_related("la").get(urn=urn)
    except Establishment.DoesNotExist as exc:
        raise NotFound(f"No school with URN {urn}.") from exc


def open_successor(school: Establishment) -> Establishment | None:
    """The nearest later URN of a closed school that is open (an academy conversion reopens a school under a new
    URN): where its current report card is. None for an open school, or when GIAS links none."""
    if school.is_open:
        return None
    from schoolsystem.registry.selectors import history_chain  # follows GIAS's links in both directions

    later = [s.urn for s in sorted(history_chain(school, relations=("successor",)), key=lambda s: s.distance)]
    found = {e.urn: e for e in Establishment.objects.filter(urn__in=later, status__in=OPEN_STATUSES)}
    return next((found[u] for u in later if u in found), None)


def can_record_intelligence(user) -> bool:
    return bool(user.is_authenticated and (is_national(user) or user.role in OFFICER_ROLES))


# --- predecessors ---------------------------------------------------------------------------------------------


PREDECESSOR_STEPS = 10  # as registry.selectors.history_chain: no real chain is longer


def predecessors(urns: Iterable[int]) -> dict[int, list[int]]:
    """URN -> its predecessor URNs, following chains (an academy whose predecessor was itself a successor), nearest
    first. Both sides of GIAS's links count, as in registry.selectors.history_chain: "X Predecessor Y" and
    "Y Successor X" both make Y a predecessor of X (78 pairs in England's links file are recorded only the second
    way). Each school's chain is its own: a merger's every branch is followed, and a predecessor of two schools
    (a split) is a predecessor of both (found in review: one `seen` for the whole batch gave it to one of them, and
    a merger kept only its last branch). One query per generation (per 5,000 URNs in it), whatever the number of
    schools."""
    param = urns if isinstance(urns, QuerySet) else None
    # .all(): evaluate a copy, so the caller's QuerySet stays lazy and is still sent as a subquery.
    urns = list(urns.all()) if param is not None else list(urns)
    out: dict[int, list[int]] = {u: [] for u in urns}
    seen: dict[int, set[int]] = {u: {u} for u in urns}
    frontier: dict[int, set[int]] = {u: {u} for u in urns}  # root -> the URNs whose predecessors come next
    for step in range(PREDECESSOR_STEPS):
        tips = sorted(set().union(*frontier.values()))
        # First step over a whole table: a subquery, not tens of thousands of parameters. After that, the URNs in
        # chunks (each is sent twice, once per side of the links: still within every database's parameter limit).
        batches = [param] if step == 0 and param is not None else chunks(tips, CHUNK)
        earlier: dict[int, list[int]] = defaultdict(list)  # URN -> its immediate predecessors
        for lookup in batches:
            for urn, linked, link_type in EstablishmentLink.objects.filter(
                Q(urn__in=lookup, link_type__istartswith="predecessor")
                | Q(linked_urn__in=lookup, link_type__istartswith="successor")
            ).values_list("urn", "linked_urn", "link_type"):
                if gias.link_direction(link_type) == gias.PREDECESSOR:
                    earlier[urn].append(linked)
                else:  # "urn Successor linked": urn came before linked
                    earlier[linked].append(urn)
        next_frontier: dict[int, set[int]] = {}
        for root, current in frontier.items():
            found = [p for tip in sorted(current) for p in sorted(set(earlier.get(tip, ())))]
            found = [p for p in dict.fromkeys(found) if p not in seen[root]]
            if found:
                out[root].extend(found)
                seen[root].update(found)
                next_frontier[root] = set(found)
        if not next_frontier:
            break
        frontier = next_frontier
    return out


# --- results tables -------------------------------------------------------------------------------------------

KS_FIELDS = [
    "urn", "key_stage", "year", "eligible_pupils", "total_pupils", "rwm_expected", "rwm_higher", "reading_progress",
    "writing_progress", "maths_progress", "attainment8", "progress8", "progress8_upper", "progress8_lower",
    "basics_94", "disadvantaged_percent", "missing",
]  # fmt: skip


def owners(urns) -> tuple[dict[int, tuple[int, ...]], Q]:
    """URN -> the schools it is attributed to (itself, or the schools it became: a school that split became two),
    and a filter selecting all of them. A URN asked for is only its own. A page that reads both results and
    inspections of the same URNs looks this up once and passes it to both."""
    preds = predecessors(urns)
    owner: dict[int, tuple[int, ...]] = {u: (u,) for u in preds}
    for u, ps in preds.items():
        for p in ps:
            if p not in preds:
                owner[p] = (*owner.get(p, ()), u)
    extra = [p for p in owner if p not in preds]
    base = Q(urn__in=urns) if isinstance(urns, QuerySet) else Q(urn__in=list(owner))
    return owner, (base | Q(urn__in=extra)) if extra and isinstance(urns, QuerySet) else base


def _attributed(frame: pd.DataFrame, owner: dict[int, tuple[int, ...]]) -> pd.DataFrame:
    """Rows published under `urn`, attributed to the schools `owners` gives it (`source_urn` keeps the URN they
    were published under): a row of a school that split is a row of each school it became."""
    frame = frame.assign(source_urn=frame["urn"], urn=frame["urn"].map(owner))
    return frame.explode("urn", ignore_index=True).astype({"urn": "int64"}) if len(frame) else frame


def results_frame(
    urns, key_stage: str | None = None, fields: list[str] = KS_FIELDS, *, owned=None
) -> pd.DataFrame:
    """KS results of these URNs (a list, or a QuerySet of URN values for whole tables) *and their
    predecessors*, attributed to the school asked for (`source_urn` says which URN the row was published
    under). One query for links (none when `owned`, from `owners(urns)`, is given), one for results."""
    owner, where = owned or owners(urns)
    qs = KeyStageResult.objects.filter(where, level__in=SCHOOL_LEVELS)
    if key_stage:
        qs = qs.filter(key_stage=key_stage)
    frame = pd.DataFrame.from_records(list(qs.values_list(*fields)), columns=fields)
    if frame.empty:
        frame["source_urn"] = pd.Series(dtype=int)
        return frame
    frame = _attributed(frame, owner)
    # Where a school and its predecessor both have a year, the school's own row wins.
    frame["own"] = frame["urn"] == frame["source_urn"]
    frame = frame.sort_values(["urn", "key_stage", "year", "own"]).drop_duplicates(
        ["urn", "key_stage", "year"], keep="last"
    )
    return frame.drop(columns="own").reset_index(drop=True)


# England's state-funded schools: KS2 RECTYPE 5; KS4 RECTYPE 7, which ks4_meta calls "maintained schools" but
# whose figures are DfE's state-funded headlines (2018-19: Attainment 8 46.7, Progress 8 -0.03; the all-schools row,
# RECTYPE 5, has 44.7 and no Progress 8 at all). Report cards compare schools with these, as DfE does.
STATE_FUNDED_ENGLAND = (RecordLevel.ENGLAND_STATE, RecordLevel.ENGLAND_MAINTAINED)


def benchmarks(key_stage: str, la_code: str | None) -> pd.DataFrame:
    """LA and England rows by year (one query)."""
    qs = KeyStageResult.objects.filter(
        key_stage=key_stage, level__in=[RecordLevel.LA, *STATE_FUNDED_ENGLAND, RecordLevel.ENGLAND]
    )
    rows = list(
        qs.values(
            "level", "la_code", "year", *[f for f in KS_FIELDS if f not in {"urn", "key_stage", "year"}]
        )
    )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    la = frame[(frame["level"] == RecordLevel.LA) & (frame["la_code"] == (la_code or ""))].assign(area="LA")
    # England: state-funded where published, else all schools.
    eng = frame[frame["level"].isin([*STATE_FUNDED_ENGLAND, RecordLevel.ENGLAND])].copy()
    eng["rank"] = eng["level"].isin(STATE_FUNDED_ENGLAND).astype(int)
    eng = (
        eng.sort_values(["year", "rank"])
        .drop_duplicates("year", keep="last")
        .drop(columns="rank")
        .assign(area="England")
    )
    return pd.concat([la, eng], ignore_index=True)


def inspections_frame(urns, *, owned=None) -> pd.DataFrame:
    """Every inspection of these URNs and their predecessors, newest first, attributed to the school.
    `owned`: `owners(urns)` if the caller has it already."""
    owner, where = owned or owners(urns)
    cols = ["urn", "framework", "start_date", "overall_effectiveness", "category_of_concern", "evaluations",
            "safeguarding_met", "inspection_type", "quality_of_education", "behaviour_and_attitudes",
            "personal_development", "leadership_and_management"]  # fmt: skip
    frame = pd.DataFrame.from_records(list(Inspection.objects.filter(where).values_list(*cols)), columns=cols)
    frame = _attributed(frame, owner)
    return frame.sort_values(["urn", "start_date"], ascending=[True, False]).reset_index(drop=True)


def key_stage_for(phase: str, has_ks4: bool, has_ks2: bool = False) -> str:
    """The key stage a school's results are judged at: KS4 for a secondary phase or any KS4 results (an all-through
    or middle school is judged at its last key stage), else KS2 for a primary phase or any KS2 results. Most special
    schools have phase 'Not applicable' in GIAS (14 of the 16 in Surrey's 2018-19 KS2 file): without the KS2
    results rule their progress scores were never screened."""
    if phase in SECONDARY_PHASES or has_ks4:
        return KeyStage.KS4
    if phase in PRIMARY_PHASES or has_ks2:
        return KeyStage.KS2
    return ""


def risk_input(
    establishments: QuerySet | Iterable[Establishment],
    *,
    as_of: date | None = None,
    up_to_year: str | None = None,
    months: int = 12,
) -> pd.DataFrame:
    """The risk engine's input: one row per establishment (columns documented in engines.risk).
    `up_to_year` limits KS results to that year and earlier (for back-testing). Fixed number of queries: the
    predecessor links are read once (one query per step of a chain), whatever the number of schools."""
    as_of = as_of or date.today()
    est_cols = [
        "id",
        "urn",
        "phase",
        "capacity",
        "pupils",
        "ofsted_rating",
        "ofsted_last_inspection",
        "la__code",
    ]
    if not isinstance(establishments, QuerySet):
        establishments = Establishment.objects.filter(pk__in=[e.pk for e in establishments])
    est = pd.DataFrame.from_records(list(establishments.values(*est_cols)), columns=est_cols)
    if est.empty:
        return est
    urns = establishments.values_list("urn", flat=True)
    owned = owners(urns)  # predecessor links, looked up once for results and inspections (as the report card)
    risk_fields = [f for f in KS_FIELDS if f != "missing"]
    results = results_frame(urns, fields=risk_fields, owned=owned)
    if up_to_year is not None and not results.empty:
        results = results[results["year"] <= up_to_year]
    frame = est.rename(columns={"id": "establishment_id"}).set_index("urn", drop=False)
    has = {
        ks: set(results.loc[results["key_stage"] == ks, "urn"]) if not results.empty else set()
        for ks in KeyStage
    }
    frame["key_stage"] = [
        key_stage_for(p or "", u in has[KeyStage.KS4], u in has[KeyStage.KS2])
        for p, u in zip(frame["phase"], frame["urn"], strict=True)
    ]
    for ks, spec in (
        (
            "ks2",
            {
                "rwm": "rwm_expected",
                "read": "reading_progress",
                "writ": "writing_progress",
                "mat": "maths_progress",
            },
        ),
        ("ks4", {"p8": "progress8", "p8upp": "progress8_upper", "att8": "attainment8"}),
    ):
        part = results[results["key_stage"] == ks] if not results.empty else results
        years = sorted(part["year"].unique(), reverse=True)[:3] if not part.empty else []
        for offset, year in enumerate(years):
            rows = part[part["year"] == year].set_index("urn")
            for short, field in spec.items():
                frame[f"{short}_{offset}"] = rows[field].reindex(frame.index).astype(float)
        frame[f"{ks}_latest_year"] = years[0] if years else ""
    # Ofsted: latest imported inspection, else the rating GIAS carries.
    insp = inspections_frame(urns, owned=owned)
    latest = insp.drop_duplicates("urn").set_index("urn") if not insp.empty else pd.DataFrame()
    frame["ofsted_grade"] = np.nan
    frame["ofsted_worst"] = np.nan
    frame["ofsted_safeguarding_met"] = np.nan
    frame["ofsted_category"] = ""
    frame["inspection_date"] = pd.NaT
    if not latest.empty:
        latest = latest.reindex(frame.index)
        legacy = latest["framework"] == "legacy"
        frame["ofsted_grade"] = latest["overall_effectiveness"].where(legacy).astype(float)
        frame["ofsted_worst"] = [
            max(e.values()) if isinstance(e, dict) and e else np.nan for e in latest["evaluations"]
        ]
        frame["ofsted_worst"] = frame["ofsted_worst"].where(~legacy)
        frame["ofsted_safeguarding_met"] = (
            latest["safeguarding_met"].map({True: 1.0, False: 0.0}).where(~legacy)
        )
        frame["ofsted_category"] = latest["category_of_concern"].fillna("")
        frame["inspection_date"] = pd.to_datetime(latest["start_date"])
    no_insp = frame["inspection_date"].isna()
    gias_grade = frame["ofsted_rating"].map(GIAS_RATING_GRADE)
    frame.loc[no_insp, "ofsted_grade"] = gias_grade[no_insp]
    frame.loc[no_insp, "ofsted_category"] = (
        frame.loc[no_insp, "ofsted_rating"].map(GIAS_RATING_CATEGORY).fillna("")
    )
    frame.loc[no_insp, "inspection_date"] = pd.to_datetime(frame.loc[no_insp, "ofsted_last_inspection"])
    # Roll: the two latest census years, else GIAS's number of pupils.
    census = pd.DataFrame(
        list(CensusRecord.objects.filter(urn__in=urns).values("urn", "year", "roll")),
        columns=["urn", "year", "roll"],
    )
    frame["roll"] = frame["pupils"].astype(float)
    frame["roll_prev"] = np.nan
    if not census.empty:
        years = sorted(census["year"].unique(), reverse=True)
        now = census[census["year"] == years[0]].set_index("urn")["roll"].reindex(frame.index)
        frame["roll"] = now.astype(float).fillna(frame["roll"])
        if len(years) > 1:
            frame["roll_prev"] = (
                census[census["year"] == years[1]].set_index("urn")["roll"].reindex(frame.index).astype(float)
            )
    # Attendance: the latest year of absence figures (up to `up_to_year` when back-testing).
    absence = AbsenceRecord.objects.filter(urn__in=urns)
    if up_to_year:
        absence = absence.filter(year__lte=up_to_year)
    absence = pd.DataFrame(
        list(absence.values("urn", "year", "overall_absence_percent", "persistent_absence_percent")),
        columns=["urn", "year", "overall_absence_percent", "persistent_absence_percent"],
    )
    frame["absence_0"] = np.nan
    frame["persistent_0"] = np.nan
    if not absence.empty:
        latest_abs = absence.sort_values("year").drop_duplicates("urn", keep="last").set_index("urn")
        frame["absence_0"] = latest_abs["overall_absence_percent"].reindex(frame.index).astype(float)
        frame["persistent_0"] = latest_abs["persistent_absence_percent"].reindex(frame.index).astype(float)
    # Soft intelligence in the last `months`.
    since = as_of - timedelta(days=round(months * 30.44))
    soft = list(
        SoftIntelligence.objects.filter(
            establishment__in=establishments.values("pk"),
            noted_on__gte=since,
            noted_on__lte=as_of,
            withdrawn_on__isnull=True,
        ).values_list("establishment_id", "kind")
    )
    counts: dict[int, int] = defaultdict(int)
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    labels = dict(SoftIntelligence._meta.get_field("kind").choices)
    for est_id, kind in soft:
        counts[est_id] += 1
        kinds[est_id][labels.get(kind, kind).lower()] += 1
    frame["soft_count"] = frame["establishment_id"].map(counts).fillna(0).astype(int)
    frame["soft_kinds"] = frame["establishment_id"].map(lambda i: soft_kinds_words(kinds.get(i, Counter())))
    return frame.reset_index(drop=True)


def soft_kinds_words(kinds: Counter[str]) -> str:
    """The kinds of soft intelligence a school has, for the risk screen's reason after "3 items of soft
    intelligence: ". A kind recorded more than once gives its number, so the list adds up to the count:
    "complaint (2), missed network meetings"."""
    return ", ".join(f"{kind} ({n})" if n > 1 else kind for kind, n in sorted(kinds.items()))


# --- risk screen results --------------------------------------------------------------------------------------


def concern_rules_words(rule_set: RuleSet | None = None) -> list[str]:
    """How the concern levels of `rule_set` (default: the active one, else the defaults) are set, in words."""
    from schoolsystem.engines.risk import concern_rule_words

    rule_set = rule_set or active_rule_set_or_none()
    return concern_rule_words(rule_set.thresholds if rule_set else DEFAULT_RULES)


def active_rule_set_or_none() -> RuleSet | None:
    return RuleSet.objects.filter(is_active=True).first()


def active_rule_set() -> RuleSet:
    """The active rule set, made from the defaults (and activated) when there is none."""
    rule_set = active_rule_set_or_none()
    if rule_set is None:
        from schoolsystem.performance.services import rule_set_create

        rule_set = rule_set_create(
            name=DEFAULT_RULES["name"],
            thresholds=DEFAULT_RULES,
            notes=DEFAULT_RULES["notes"],
            activate=True,
            by=None,
        )
    return rule_set


def at_risk_for_user(
    user, *, concern: str = "", kind: str = "", phase: str = "", monitored: str = ""
) -> QuerySet:
    """Risk results of the active rule set for the schools in the user's scope, most concerning first.
    `concern`: one level, "elevated" (medium or high: the at-risk list), "any" (low, medium or high) or ""
    (every school screened).
    `kind` is "academy" or "maintained"."""
    if not can_see_casework(user):
        raise PermissionDenied("Your role cannot see the risk screen.")
    rule_set = active_rule_set_or_none()
    if rule_set is None:
        return RiskResult.objects.none()
    qs = (
        RiskResult.objects.filter(establishment_q(user, "establishment__"), rule_set=rule_set)
        .select_related("establishment", "establishment__la")
        .annotate(
            # The rule set's version, not the rule set: selecting it decoded its thresholds on every row (17,000
            # times for England's CSV).
            rule_set_version=F("rule_set__version"),
            monitored=Exists(
                Monitoring.objects.filter(establishment=OuterRef("establishment_id"), ended_on__isnull=True)
            ),
        )
    )
    if concern == "any":
        qs = qs.exclude(concern=ConcernLevel.NONE)
    elif concern == "elevated":
        qs = qs.filter(concern__in=[ConcernLevel.MEDIUM, ConcernLevel.HIGH])
    elif concern:
        qs = qs.filter(concern=concern)
    academy_groups = ["Academies", "Free Schools"]
    if kind == "academy":
        qs = qs.filter(establishment__type_group__in=academy_groups)
    elif kind == "maintained":
        qs = qs.exclude(establishment__type_group__in=academy_groups)
    if phase == NO_PHASE:  # special schools and others: stored blank by the importer
        qs = qs.filter(establishment__phase__in=[NO_PHASE, ""])
    elif phase:
        qs = qs.filter(establishment__phase=phase)
    if monitored == "yes":
        qs = qs.filter(monitored=True)
    from django.db.models import Case, IntegerField, Value, When

    order = Case(
        *[When(concern=c, then=Value(i)) for i, c in enumerate(["high", "medium", "low", "none"])],
        output_field=IntegerField(),
    )
    return qs.order_by(order, "-majors", "-minors", "establishment__name")


def risk_result_for(establishment: Establishment) -> RiskResult | None:
    return (
        RiskResult.objects.filter(establishment=establishment, rule_set__is_active=True)
        .select_related("rule_set")
        .first()
    )


def risk_reasons_for(establishment: Establishment) -> list[str]:
    """The reasons behind the school's flags (major first) under the active rule set: what an officer opening a case
    from the risk screen starts from. Empty when the school has not been screened or nothing is flagged."""
    result = risk_result_for(establishment)
    if result is None:
        return []
    order = {"major": 0, "minor": 1}
    flagged = [f for f in result.flags if f.get("flag") in order]
    return [f["reason"] for f in sorted(flagged, key=lambda f: order[f["flag"]]) if f.get("reason")]


# Headline measures used to show the change in a school's results over a period of support.
CHANGE_MEASURES = {
    KeyStage.KS2: [
        ("rwm_expected", "Meeting the expected standard in reading, writing and maths (%)"),
        ("reading_progress", "Progress in reading"),
        ("writing_progress", "Progress in writing"),
        ("maths_progress", "Progress in maths"),
    ],
    KeyStage.KS4: [("progress8", "Progress 8"), ("attainment8", "Attainment 8")],
}


def _academic_year_end(year: str) -> date:
    """'2018-2019' -> 31 August 2019, when that year's results describe a finished year."""
    return date(int(year[-4:]), 8, 31)


def indicator_change(establishment: Establishment, since: date | None = None) -> dict | None:
    """The change in the school's headline results between the last year published before `since` (the start
    of support; default: the earliest year held) and the latest year held. None when the school has no results.
    `new_results` is False when nothing has been published since `since`: the change is then not yet known."""
    frame = results_frame([establishment.urn])
    if frame.empty:
        return None
    key_stage = KeyStage.KS4 if (frame["key_stage"] == KeyStage.KS4).any() else KeyStage.KS2
    part = frame[frame["key_stage"] == key_stage].sort_values("year").set_index("year")
    years = list(part.index)
    before = [y for y in years if since is None or _academic_year_end(y) <= since]
    baseline = before[-1] if before else years[0]
    latest = years[-1]
    measures = []
    for field, label in CHANGE_MEASURES[key_stage]:
        start, end = part.at[baseline, field], part.at[latest, field]
        start = None if pd.isna(start) else round(float(start), 2)
        end = None if pd.isna(end) else round(float(end), 2)
        change = None if start is None or end is None else round(end - start, 2)
        measures.append({"measure": label, "baseline": start, "latest": end, "change": change})
    return {
        "key_stage": key_stage,
        "baseline_year": baseline,
        "latest_year": latest,
        "new_results": latest != baseline,
        "measures": measures,
    }


# --- the area's landing page ----------------------------------------------------------------------------------

# The import kinds the performance pages are built from (performance.imports), in the order the page lists them.
DATA_KINDS = {
    "ks2": "Key stage 2 results",
    "ks4": "Key stage 4 results",
    "census": "School census",
    "absence": "Absence",
    "exclusions": "Exclusions",
    "ofsted": "Ofsted inspections",
}


def latest_imports() -> list[dict]:
    """For each kind of data the performance pages use, its latest import (kind label, file, year, when, rows),
    or None where none has been imported. One query."""
    from schoolsystem.core.models import ImportRecord

    latest: dict[str, dict] = {}
    records = ImportRecord.objects.filter(kind__in=DATA_KINDS).order_by("-created_on")
    for record in records.values("kind", "file_name", "year", "created_on", "rows"):
        latest.setdefault(record["kind"], record)
    return [{"label": label, "record": latest.get(kind)} for kind, label in DATA_KINDS.items()]


def scorecards_for_user(user) -> dict[str, list]:
    """The scorecards the landing page offers `user`: local authorities and trusts with a school in the user's
    scope (a trust leader's own trust; an officer's area). A user with no area (national staff, accreditation
    roles, the public) is offered every local authority and finds a trust from its page. Two queries at most."""
    from schoolsystem.registry.constants import TRUST_GROUP_TYPES, GroupType
    from schoolsystem.registry.models import Group, LocalAuthority, Membership

    trust_types = (*TRUST_GROUP_TYPES, GroupType.FEDERATION)  # federations have scorecards too
    if is_national(user) or not can_see_casework(user):
        las = LocalAuthority.objects.filter(establishments__isnull=False).distinct().order_by("name")
        return {"las": list(las), "trusts": []}
    schools = Establishment.objects.filter(establishment_q(user))
    las = LocalAuthority.objects.filter(establishments__in=schools).distinct().order_by("name")
    if user.role == Role.TRUST_LEADER and user.scope_group_id:
        trusts = Group.objects.filter(pk=user.scope_group_id)
    else:
        # From the area's current memberships to their groups: the join from groups to memberships to the area's
        # schools took 4 s for a region of 4,000 schools on SQLite (found at national scale); this takes 0.01 s.
        current = Membership.objects.filter(establishment__in=schools, left_on__isnull=True)
        trusts = Group.objects.filter(group_type__in=trust_types, pk__in=current.values("group_id")).order_by(
            "name"
        )
    return {"las": list(las), "trusts": list(trusts)}
