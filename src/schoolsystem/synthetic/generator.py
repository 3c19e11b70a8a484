"""A seeded synthetic local (or national) school system in the published GIAS file formats.

`generate_system(out_dir, schools=450, seed=1)` writes four files, byte-identical for the same arguments:

- establishments: the names-only "edubasealldata" layout (110 columns), open establishments plus the closed
  maintained schools that academies converted from;
- links: predecessor/successor pairs for each conversion;
- groups: multi-academy trusts, single-academy trusts, federations and (foundation) trusts;
- memberships: the "alllinksdata" layout, one row per school in a group with its joined date.

Everything random comes from one `numpy.random.Generator` seeded by `seed`, drawn in a fixed order, and the
draws are vectorised (25,000 schools take about a second). Mixes come from `calibration.CALIBRATION` (type,
phase, religious character, Ofsted, trust and federation shares, urban/rural, pupil numbers and FSM by phase).
What the real files cannot calibrate (trust sizes, joined dates, geography) follows documented assumptions:
see docs/synthetic.md. A few things are guaranteed rather than left to chance so every demo has material:
at least two schools each in Serious Weaknesses and Special Measures and six Requires improvement
(one, one and three in an LA with fewer than 40 inspected schools).
No Django here: the generator is pure Python and numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from schoolsystem.synthetic import names as N
from schoolsystem.synthetic.calibration import (
    ACADEMY_TYPES,
    CALIBRATION,
    MAINSTREAM_TYPES,
    OFSTED_TYPES,
    QUANTILES,
)
from schoolsystem.synthetic.formats import (
    BARE_ESTABLISHMENT_COLUMNS,
    BARE_LINK_COLUMNS,
    ESTABLISHMENT_COLUMNS,
    GROUP_COLUMNS,
    LINK_COLUMNS,
    MEMBERSHIP_COLUMNS,
    write_gias_csv,
)

AS_OF = date(2025, 9, 1)
SCHOOLS_PER_LA = 167  # England: ~25,000 schools over ~150 LAs
SCHOOLS_PER_TRUST = 10  # England: ~25,000 schools, ~2,500 academy trusts

FILE_NAMES = {
    "establishments": "edubasealldata_synthetic.csv",
    "links": "links_edubasealldata_synthetic.csv",
    "groups": "allgroupsdata_synthetic.csv",
    "memberships": "alllinksdata_synthetic.csv",
}

TYPE_GROUP = {
    "Academy 16-19 converter": "Academies",
    "Academy converter": "Academies",
    "Academy special converter": "Academies",
    "Academy special sponsor led": "Academies",
    "Academy sponsor led": "Academies",
    "Free schools": "Free Schools",
    "Children's centre": "Children's Centres",
    "Children's centre linked site": "Children's Centres",
    "Community school": "Local authority maintained schools",
    "Foundation school": "Local authority maintained schools",
    "Voluntary aided school": "Local authority maintained schools",
    "Voluntary controlled school": "Local authority maintained schools",
    "Local authority nursery school": "Local authority maintained schools",
    "Pupil referral unit": "Local authority maintained schools",
    "Community special school": "Special schools",
    "Non-maintained special school": "Special schools",
    "Other independent special school": "Special schools",
    "Other independent school": "Independent schools",
    "Further education": "Colleges",
    "Higher education institutions": "Universities",
    "Miscellaneous": "Other types",
    "Special post 16 institution": "Other types",
}
CHILDRENS_CENTRES = ("Children's centre", "Children's centre linked site")
NOT_SCHOOLS = (*CHILDRENS_CENTRES, "Higher education institutions", "Miscellaneous")
INDEPENDENT = (
    "Other independent school",
    "Other independent special school",
    "Non-maintained special school",
)
SPECIAL = ("Community special school", "Academy special converter", "Academy special sponsor led")
MAINTAINED_MAINSTREAM = (
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
)
URBAN_RURAL = tuple(CALIBRATION["urban_rural_mix"])
SEVERITY = {
    "Outstanding": 0,
    "Good": 1,
    "Requires improvement": 2,
    "Serious Weaknesses": 3,
    "Special Measures": 4,
}

_SLUG = str.maketrans("", "", " '(),.-&\"/")

# GIAS group types written to the groups and memberships files: (code, name).
MAT = ("06", "Multi-academy trust")
SAT = ("10", "Single-academy trust")
FEDERATION = ("01", "Federation")
TRUST = ("02", "Trust")
SPONSOR = ("05", "School sponsor")


@dataclass(frozen=True)
class LocalAuthoritySpec:
    code: str
    name: str
    region: N.Region
    easting: int
    northing: int
    postcode_area: str
    gss_code: str
    districts: tuple[str, ...]
    cofe_diocese: str
    rc_diocese: str
    london: bool


@dataclass
class SyntheticSystem:
    """The generated tables as columns of strings, ready to write."""

    las: list[LocalAuthoritySpec]
    establishments: dict[str, list[str]]
    links: dict[str, list[str]]
    groups: dict[str, list[str]]
    memberships: dict[str, list[str]]

    def rows(self, table: str) -> int:
        columns = getattr(self, table)
        return len(next(iter(columns.values()))) if columns else 0


# ---------------------------------------------------------------------------------------------- helpers


def _dates(days: np.ndarray) -> list[str]:
    """Days since 1970-01-01 -> dd-mm-yyyy strings."""
    iso = np.datetime_as_string(np.asarray(days, dtype="int64").astype("datetime64[D]"), unit="D")
    return [f"{s[8:10]}-{s[5:7]}-{s[0:4]}" for s in iso.tolist()]


def _day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _choice(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _rank_within(keys: np.ndarray) -> np.ndarray:
    """0-based position of each element among the elements with the same key (in index order)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - group_start
    return rank


def _unique_ints(rng: np.random.Generator, lo: int, span: int, n: int) -> np.ndarray:
    if n > span:
        raise ValueError(f"cannot draw {n} unique numbers from {span}")
    return lo + rng.choice(span, size=n, replace=False)


def _from_quantiles(rng: np.random.Generator, quantiles: list[float], n: int) -> np.ndarray:
    """Draw from the piecewise-linear distribution through the calibrated quantiles (1st to 99th percentile)."""
    u = rng.uniform(QUANTILES[0], QUANTILES[-1], size=n)
    return np.interp(u, QUANTILES, quantiles)


def _s(values) -> list[str]:
    return [str(v) for v in values]


# ---------------------------------------------------------------------------------------------- LAs


def _local_authorities(
    rng: np.random.Generator, n_las: int, la_code: str, la_name: str, region: str, n_schools: list[int]
) -> list[LocalAuthoritySpec]:
    places = N.place_names()
    la_words = rng.permutation(len(places))
    district_words = rng.permutation(len(places))
    home = N.REGION_BY_NAME[region]
    weights = np.array([r.weight for r in N.REGIONS], dtype=float)
    regions = [home] + [
        N.REGIONS[i] for i in rng.choice(len(N.REGIONS), size=n_las - 1, p=weights / weights.sum())
    ]
    london_pool = [c for c in N.LONDON_CODES if str(c) != la_code]
    other_pool = [c for c in N.OTHER_CODES if str(c) != la_code]
    n_london = sum(r.name == "London" for r in regions[1:])
    london_codes = iter(sorted(rng.choice(london_pool, size=min(n_london, len(london_pool)), replace=False)))
    other_codes = iter(sorted(rng.choice(other_pool, size=n_las - 1, replace=False)))
    pattern = rng.choice(4, size=n_las, p=[0.5, 0.25, 0.15, 0.1])
    compass = rng.choice(["North", "South", "East", "West"], size=n_las)
    offsets = rng.normal(size=(n_las, 2))
    areas = rng.permutation(len(N.POSTCODE_AREAS))
    out: list[LocalAuthoritySpec] = []
    used_districts = 0
    for i, reg in enumerate(regions):
        london = reg.name == "London"
        if i == 0:
            code, name = la_code, la_name
        else:
            code = str(next(london_codes, None) or next(other_codes)) if london else str(next(other_codes))
            a, b = places[la_words[2 * i]], places[la_words[2 * i + 1]]
            name = [a, f"{a}shire", f"{a} and {b}", f"{compass[i]} {a}"][pattern[i]]
            if london:
                name = a
        e = int(np.clip(reg.easting + offsets[i, 0] * reg.spread, 140000, 645000))
        nn = int(np.clip(reg.northing + offsets[i, 1] * reg.spread, 20000, 650000))
        k = int(np.clip(round(n_schools[i] / 45), 2, 11))
        districts = tuple(places[j] for j in district_words[used_districts : used_districts + k])
        used_districts = (used_districts + k) % (len(places) - 12)
        gss_prefix = "E09000" if london else ("E10000" if pattern[i] == 1 or i == 0 else "E06000")
        out.append(
            LocalAuthoritySpec(
                code=code,
                name=name,
                region=reg,
                easting=e,
                northing=nn,
                postcode_area=N.POSTCODE_AREAS[areas[i % len(areas)]],
                gss_code=f"{gss_prefix}{(i % 999) + 1:03d}",
                districts=districts,
                cofe_diocese=reg.cofe_dioceses[i % len(reg.cofe_dioceses)],
                rc_diocese=reg.rc_dioceses[i % len(reg.rc_dioceses)],
                london=london,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- names


def _school_names(
    rng: np.random.Generator,
    kind: np.ndarray,
    phase: np.ndarray,
    sub_phase: np.ndarray,
    religion: np.ndarray,
    selective: np.ndarray,
    town: np.ndarray,
) -> list[str]:
    n = len(kind)
    places = N.place_names()
    place = [places[i] + N.PLACE_SUFFIXES[j] for i, j in zip(
        rng.integers(0, len(places), n), rng.integers(0, len(N.PLACE_SUFFIXES), n), strict=True
    )]  # fmt: skip
    saint = [N.SAINTS[i] for i in rng.integers(0, len(N.SAINTS), n)]
    dedication = [N.DEDICATIONS[i] for i in rng.integers(0, len(N.DEDICATIONS), n)]
    pick = rng.integers(0, 6, n)
    use_town = rng.random(n) < 0.15
    out: list[str] = []
    for i in range(n):
        t, ph, rel, p = kind[i], phase[i], religion[i], pick[i]
        where = town[i] if use_town[i] else place[i]
        academy = t in ACADEMY_TYPES and t != "Free schools"
        stage = {"infant": "Infant", "junior": "Junior"}.get(sub_phase[i], "Primary")
        if t in CHILDRENS_CENTRES:
            name = f"{where} Children's Centre" + (" (linked site)" if t != "Children's centre" else "")
        elif t == "Local authority nursery school":
            name = f"{where} Nursery School"
        elif t == "Pupil referral unit":
            name = [
                f"{town[i]} Pupil Referral Unit",
                f"{where} Short Stay School",
                f"{where} Learning Centre",
            ][p % 3]
        elif t in SPECIAL or t == "Special post 16 institution":
            end = "Academy" if academy and p % 2 else ["School", "House School", "Park School"][p % 3]
            if end == "Park School" and where.endswith(" Park"):  # not "Oakworth Park Park School"
                end = "School"
            name = f"{where} {end}" if t != "Special post 16 institution" else f"{where} Specialist College"
        elif t == "Academy 16-19 converter":
            name = f"{town[i]} Sixth Form College"
        elif t == "Other independent school":
            name = [f"{where} Preparatory School", f"{where} House School", f"{where} College",
                    f"St {saint[i]}'s School", f"{where} School", f"{where} Montessori School"][p]  # fmt: skip
        elif t in ("Other independent special school", "Non-maintained special school"):
            name = [f"{where} Lodge School", f"{where} Hall School", f"{where} Centre"][p % 3]
        elif t == "Further education":
            name = f"{town[i]} College"
        elif t == "Higher education institutions":
            name = f"University of {town[i]}"
        elif t == "Miscellaneous":
            name = f"{where} Education Centre"
        elif ph in ("Secondary", "All-through"):
            if selective[i]:
                name = f"{where} Grammar School"
            elif rel == "Roman Catholic":
                name = [f"St {saint[i]}'s Catholic School", f"{dedication[i]} Catholic College"][p % 2]
            elif rel == "Church of England":
                name = [f"St {saint[i]}'s Church of England School", f"{dedication[i]} CofE Academy"][p % 2]
            elif academy or t == "Free schools":
                name = [f"{where} Academy", f"The {where} Academy", f"{where} School"][p % 3]
            else:
                name = [f"{where} School", f"{where} High School", f"{where} Community College"][p % 3]
        else:  # primary phase
            if rel == "Roman Catholic":
                name = [
                    f"St {saint[i]}'s Catholic {stage} School",
                    f"{dedication[i]} Catholic {stage} School",
                ][p % 2]
            elif rel == "Church of England":
                name = [
                    f"St {saint[i]}'s CofE {stage} School",
                    f"{where} Church of England {stage} School",
                    f"{dedication[i]} CofE {stage} School",
                ][p % 3]
            elif academy and p % 2:
                name = f"{where} {stage} Academy"
            else:
                name = [
                    f"{where} {stage} School",
                    f"{where} Community {stage} School",
                    f"{where} {stage} School",
                ][p % 3]
        out.append(name)
    return out


def _dedupe(names: list[str], suffixes: list[str]) -> list[str]:
    """Make repeated names unique by adding the row's suffix (then a number)."""
    seen: set[str] = set()
    out = []
    for name, suffix in zip(names, suffixes, strict=True):
        candidate, k = name, 2
        if candidate in seen:
            candidate = name + suffix
        while candidate in seen:
            candidate, k = f"{name}{suffix} {k}", k + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def _trust_names(rng: np.random.Generator, n: int, towns: list[str]) -> list[str]:
    themes = rng.integers(0, len(N.TRUST_THEMES), n)
    words = rng.integers(0, len(N.TRUST_WORDS), n)
    pattern = rng.integers(0, 4, n)
    seen: set[str] = set()
    out = []
    for i in range(n):
        theme, word, town = N.TRUST_THEMES[themes[i]], N.TRUST_WORDS[words[i]], towns[i]
        name = [
            f"{theme} {word} Trust",
            f"The {town} {word} Trust",
            f"{town} Multi Academy Trust",
            f"{theme} Academy Trust",
        ][pattern[i]]
        if name in seen:
            name = f"{theme} {word} Trust ({town})"
        k = 2
        base = name
        while name in seen:
            name, k = f"{base} {k}", k + 1
        seen.add(name)
        out.append(name)
    return out


# ---------------------------------------------------------------------------------------------- the system


def build_system(
    *,
    schools: int = 450,
    seed: int = 1,
    la_code: str = "936",
    la_name: str = "Wealdshire",
    region: str = "South East",
    las: int | None = None,
    as_of: date = AS_OF,
) -> SyntheticSystem:
    """Generate the tables in memory. `schools` counts open establishments (closed predecessors come on top);
    `las` defaults to one LA up to 1,000 schools, else one per ~167 schools (at most 150)."""
    if schools < 1:
        raise ValueError("schools must be at least 1")
    if region not in N.REGION_BY_NAME:
        raise ValueError(f"unknown region {region!r}; choose from {', '.join(N.REGION_BY_NAME)}")
    rng = np.random.default_rng(seed)
    cal = CALIBRATION
    n = schools
    n_las = las or (1 if n <= 1000 else int(min(150, round(n / SCHOOLS_PER_LA))))

    # -- which LA each school is in (LA sizes vary about three-fold)
    if n_las == 1:
        la_of = np.zeros(n, dtype=np.int64)
    else:
        w = rng.lognormal(0, 0.45, n_las)
        la_of = np.sort(rng.choice(n_las, size=n, p=w / w.sum()))
    per_la = np.bincount(la_of, minlength=n_las).tolist()
    la_specs = _local_authorities(rng, n_las, la_code, la_name, region, per_la)

    # -- type, phase, ages
    kind = _choice(rng, cal["type_mix"], n)
    secondary_p = np.array([cal["secondary_share"].get(t, 0.0) for t in kind])
    mainstream = np.isin(kind, MAINSTREAM_TYPES)
    is_secondary = mainstream & (rng.random(n) < secondary_p)
    all_through = is_secondary & (rng.random(n) < 0.04)
    phase = np.full(n, "Not applicable", dtype=object)
    phase[mainstream] = "Primary"
    phase[is_secondary] = "Secondary"
    phase[all_through] = "All-through"
    phase[kind == "Local authority nursery school"] = "Nursery"
    phase[np.isin(kind, ["Academy 16-19 converter", "Further education"])] = "16 plus"
    primary = phase == "Primary"
    sub_roll = rng.random(n)
    sub_phase = np.where(
        primary & (sub_roll < 0.12), "infant", np.where(primary & (sub_roll > 0.9), "junior", "")
    )
    has_nursery = primary & (sub_phase != "junior") & (rng.random(n) < 0.3)
    sixth_form = np.isin(phase, ["Secondary", "All-through"]) & (rng.random(n) < 0.55)
    low = np.full(n, -1)
    high = np.full(n, -1)
    low[primary], high[primary] = 4, 11
    low[sub_phase == "infant"], high[sub_phase == "infant"] = 4, 7
    low[sub_phase == "junior"] = 7
    low[has_nursery] = 3
    sec = np.isin(phase, ["Secondary"])
    low[sec], high[sec] = 11, np.where(sixth_form[sec], 18, 16)
    low[phase == "All-through"], high[phase == "All-through"] = 4, 18
    low[phase == "Nursery"], high[phase == "Nursery"] = 2, 5
    low[phase == "16 plus"], high[phase == "16 plus"] = 16, 19
    special = np.isin(kind, [*SPECIAL, "Non-maintained special school", "Other independent special school"])
    low[special], high[special] = rng.choice([2, 3, 4, 5, 11], size=special.sum()), 19
    pru = kind == "Pupil referral unit"
    low[pru], high[pru] = 11, 16
    indep = kind == "Other independent school"
    low[indep] = rng.choice([2, 3, 4, 7, 11], size=indep.sum())
    high[indep] = np.maximum(low[indep] + 5, rng.choice([11, 13, 16, 18], size=indep.sum()))

    # -- pupils, capacity, FSM (census 2018-19 quantiles by census school type)
    census_type = np.full(n, "", dtype=object)
    census_type[primary] = "State-funded primary"
    census_type[np.isin(phase, ["Secondary", "All-through", "16 plus"]) & mainstream] = (
        "State-funded secondary"
    )
    census_type[kind == "Academy 16-19 converter"] = "State-funded secondary"
    census_type[np.isin(kind, [*SPECIAL, "Special post 16 institution"])] = "State-funded special school"
    census_type[kind == "Local authority nursery school"] = "State-funded nursery"
    census_type[pru] = "Pupil referral unit"
    census_type[indep] = "Independent school"
    census_type[np.isin(kind, ["Other independent special school", "Non-maintained special school"])] = (
        "Non-maintained special school"
    )
    pupils = np.zeros(n)
    fsm = np.full(n, np.nan)
    for ct, quantiles in cal["pupils_quantiles"].items():
        m = census_type == ct
        pupils[m] = _from_quantiles(rng, quantiles, int(m.sum()))
        if ct in cal["fsm_quantiles"]:
            fsm[m] = _from_quantiles(rng, cal["fsm_quantiles"][ct], int(m.sum()))
    pupils[np.isin(sub_phase, ["infant", "junior"])] *= 0.65
    pupils[phase == "All-through"] *= 1.4
    pupils[kind == "Academy 16-19 converter"] *= 0.6
    pupils = np.round(np.maximum(pupils, 1)).astype(np.int64)
    has_pupils = census_type != ""
    headroom = rng.uniform(1.0, 1.2, n)
    capacity = np.where(primary, np.ceil(pupils * headroom / 30) * 30, np.ceil(pupils * headroom / 10) * 10)
    boys = np.round(pupils * rng.uniform(0.45, 0.55, n)).astype(np.int64)
    gender_roll = rng.random(n)
    gender = np.full(n, "Mixed", dtype=object)
    single_sex_p = np.where(indep, 0.3, np.where(np.isin(phase, ["Secondary"]), 0.06, 0.0))
    gender[gender_roll < single_sex_p / 2] = "Boys"
    gender[(gender_roll >= single_sex_p / 2) & (gender_roll < single_sex_p)] = "Girls"
    gender[~has_pupils & ~np.isin(kind, ["Further education"])] = ""
    boys = np.where(gender == "Boys", pupils, np.where(gender == "Girls", 0, boys))
    girls = pupils - boys
    selective = np.isin(phase, ["Secondary"]) & (rng.random(n) < 0.05)

    # -- religious character and diocese
    religion = np.full(n, "Does not apply", dtype=object)
    religion[np.isin(kind, [*ACADEMY_TYPES, *INDEPENDENT])] = "None"
    roll = rng.random(n)
    for t, mix in cal["religion_by_type"].items():
        m = kind == t
        cofe, rc, chr_ = mix["Church of England"], mix["Roman Catholic"], mix["Christian"]
        religion[m & (roll < cofe)] = "Church of England"
        religion[m & (roll >= cofe) & (roll < cofe + rc)] = "Roman Catholic"
        religion[m & (roll >= cofe + rc) & (roll < cofe + rc + chr_)] = "Christian"
    ind_roll = rng.random(n)
    religion[indep & (ind_roll < 0.1)] = "Church of England"
    religion[indep & (ind_roll >= 0.1) & (ind_roll < 0.17)] = "Roman Catholic"
    religion[indep & (ind_roll >= 0.17) & (ind_roll < 0.27)] = "Christian"
    religion[np.isin(kind, NOT_SCHOOLS)] = ""
    cofe_d = np.array([s.cofe_diocese for s in la_specs], dtype=object)[la_of]
    rc_d = np.array([s.rc_diocese for s in la_specs], dtype=object)[la_of]
    state = ~np.isin(kind, [*INDEPENDENT, *NOT_SCHOOLS])
    diocese = np.full(n, "Not applicable", dtype=object)
    diocese[state & (religion == "Church of England")] = cofe_d[state & (religion == "Church of England")]
    diocese[state & (religion == "Roman Catholic")] = rc_d[state & (religion == "Roman Catholic")]

    # -- location: district centres around the LA centre, schools around district centres
    n_districts = np.array([len(s.districts) for s in la_specs])
    district_of = (rng.random(n) * n_districts[la_of]).astype(np.int64)
    la_e = np.array([s.easting for s in la_specs], dtype=float)
    la_n = np.array([s.northing for s in la_specs], dtype=float)
    london = np.array([s.london for s in la_specs])
    max_d = int(n_districts.max())
    d_spread = np.where(london, 2500.0, 11000.0)[:, None]
    d_e = la_e[:, None] + rng.normal(size=(n_las, max_d)) * d_spread
    d_n = la_n[:, None] + rng.normal(size=(n_las, max_d)) * d_spread
    sigma = np.where(london[la_of], 1200.0, 3500.0)
    offset = rng.normal(size=(n, 2)) * sigma[:, None]
    easting = np.clip(np.round(d_e[la_of, district_of] + offset[:, 0]), 130000, 655000).astype(np.int64)
    northing = np.clip(np.round(d_n[la_of, district_of] + offset[:, 1]), 10000, 660000).astype(np.int64)
    # Urban/rural by distance from the district centre: the nearest are urban, the farthest rural.
    distance = np.hypot(offset[:, 0], offset[:, 1]) / sigma
    rank = np.argsort(np.argsort(distance + rng.normal(0, 0.2, n))) / max(n - 1, 1)
    bounds = np.cumsum(list(cal["urban_rural_mix"].values()))
    urban_rural = np.array(URBAN_RURAL, dtype=object)[
        np.minimum(np.searchsorted(bounds, rank, side="right"), 4)
    ]
    urban_rural[london[la_of]] = URBAN_RURAL[0]
    district = np.array(
        [s.districts[d] for s, d in zip((la_specs[i] for i in la_of), district_of, strict=True)]
    )

    # -- academies: open dates over the last ~14 years, most within 8
    academy = np.isin(kind, ACADEMY_TYPES)
    recent = rng.random(n) < 0.8
    years_ago = np.where(recent, rng.uniform(0.1, 8.0, n), rng.uniform(8.0, 14.0, n))
    as_of_day = _day(as_of)
    open_day = np.where(academy, as_of_day - np.round(years_ago * 365.25).astype(np.int64), -1)
    # Term-start conversions: snap to the 1st of the month.
    open_day = np.where(
        academy,
        np.array(np.asarray(open_day, dtype="int64").astype("datetime64[D]").astype("datetime64[M]"))
        .astype("datetime64[D]")
        .astype(np.int64),
        -1,
    )

    # -- Ofsted: calibrated mix; worse outcomes drift to high-FSM schools; never for very new academies
    inspected = np.isin(kind, OFSTED_TYPES) | (kind == "Other independent special school")
    inspected &= ~(academy & (open_day > as_of_day - 365))
    idx = np.flatnonzero(inspected)
    ratings = _choice(rng, cal["ofsted_mix"], len(idx))
    # Guarantees so every generated system has schools causing concern.
    rated_slots = np.flatnonzero(ratings != "")
    if len(rated_slots) >= 12:
        k = 2 if len(rated_slots) >= 40 else 1  # a tiny LA gets one of each, a county-sized one two
        need = [("Special Measures", k), ("Serious Weaknesses", k), ("Requires improvement", 3 * k)]
        for rating, k in need:
            short = k - int((ratings == rating).sum())
            if short > 0:
                candidates = rated_slots[np.isin(ratings[rated_slots], ["Good", "Outstanding"])]
                ratings[rng.choice(candidates, size=short, replace=False)] = rating
    severity = np.array([SEVERITY.get(r, -1) for r in ratings])
    rated = severity >= 0
    fsm_filled = np.where(np.isnan(fsm[idx]), 15.0, fsm[idx])
    score = np.argsort(np.argsort(fsm_filled)) / max(len(idx), 1) + rng.normal(0, 0.35, len(idx))
    by_score = idx[rated][np.argsort(score[rated])]
    ofsted = np.full(n, "", dtype=object)
    ofsted[by_score] = ratings[rated][np.argsort(severity[rated], kind="stable")]
    insp_age = rng.uniform(30, 6 * 365, n)
    insp_age = np.where(
        np.isin(ofsted, ["Serious Weaknesses", "Special Measures"]), rng.uniform(30, 400, n), insp_age
    )
    insp_day = np.where(ofsted != "", as_of_day - np.round(insp_age).astype(np.int64), -1)
    insp_day = np.where(academy & (insp_day < open_day), open_day + 200, insp_day)

    # -- status
    status = np.where(rng.random(n) < cal["proposed_to_close_share"], "Open, but proposed to close", "Open")

    # -- trusts: academies in a SAT or a MAT; MATs are contiguous runs of nearby academies
    sat = academy & (kind != "Academy sponsor led") & (kind != "Academy special sponsor led")
    sat &= rng.random(n) < cal["sat_share"]
    in_mat = academy & ~sat
    mat_idx = np.flatnonzero(in_mat)
    n_sat = int(sat.sum())
    n_mat = int(np.clip(round(n / SCHOOLS_PER_TRUST) - n_sat, 1 if len(mat_idx) else 0, len(mat_idx)))
    mat_of = np.full(n, -1, dtype=np.int64)
    if n_mat:
        weights = np.minimum(rng.pareto(1.1, n_mat) + 1, 60)
        sizes = 1 + rng.multinomial(len(mat_idx) - n_mat, weights / weights.sum())
        geo = la_of[mat_idx] * 1000 + district_of[mat_idx] + rng.random(len(mat_idx))
        ordered = mat_idx[np.argsort(geo)]
        mat_of[ordered] = np.repeat(rng.permutation(n_mat), sizes)
        # Some academies sit in a trust based elsewhere (national trusts).
        movers = ordered[rng.random(len(ordered)) < 0.08]
        mat_of[movers] = mat_of[rng.permutation(movers)]
    # Joined date: conversion date, or later for a transfer between trusts.
    transfer = in_mat & (rng.random(n) < 0.15)
    join_day = np.where(transfer, open_day + rng.integers(365, 4 * 365, n), open_day)
    join_day = np.where(join_day > as_of_day - 30, open_day, join_day)

    # -- federations of maintained schools (pairs and triples of neighbours) and foundation trusts
    maintained = np.isin(kind, MAINTAINED_MAINSTREAM)
    fed_idx = np.flatnonzero(maintained & (rng.random(n) < cal["federated_share"]))
    fed_idx = fed_idx[np.argsort(la_of[fed_idx] * 1000 + district_of[fed_idx] + rng.random(len(fed_idx)))]
    fed_of = np.full(n, -1, dtype=np.int64)
    fed_sizes: list[int] = []
    pos = 0
    size_draws = rng.choice([2, 2, 3], size=len(fed_idx) + 1)
    while len(fed_idx) - pos >= 2:
        k = int(min(size_draws[len(fed_sizes)], len(fed_idx) - pos))
        if len(fed_idx) - pos - k == 1:
            k += 1
        fed_of[fed_idx[pos : pos + k]] = len(fed_sizes)
        fed_sizes.append(k)
        pos += k
    n_fed = len(fed_sizes)
    foundation = kind == "Foundation school"
    tr_idx = np.flatnonzero(foundation & (rng.random(n) < 0.55))
    tr_idx = tr_idx[np.argsort(la_of[tr_idx] * 1000 + rng.random(len(tr_idx)))]
    n_tr = max(1, len(tr_idx) // 3) if len(tr_idx) else 0
    trust_of = np.full(n, -1, dtype=np.int64)
    if n_tr:
        trust_of[tr_idx] = np.minimum(np.arange(len(tr_idx)) // 3, n_tr - 1)
    fed_day = as_of_day - rng.integers(200, 9 * 365, max(n_fed, 1))
    tr_day = as_of_day - rng.integers(365, 12 * 365, max(n_tr, 1))

    # -- names, addresses, people
    la_rows = [la_specs[i] for i in la_of]
    town = np.array([s.districts[d] for s, d in zip(la_rows, district_of, strict=True)], dtype=object)
    name = np.array(_school_names(rng, kind, phase, sub_phase, religion, selective, town), dtype=object)
    places = N.place_names()
    street = [
        f"{places[a]} {N.STREET_TYPES[b]}"
        for a, b in zip(rng.integers(0, len(places), n), rng.integers(0, len(N.STREET_TYPES), n), strict=True)
    ]
    pc_digit = rng.integers(1, 10, n)
    pc_letters = rng.integers(0, 26 * 26, n)
    postcode = [
        f"{s.postcode_area}{d + 1} {pd_}{chr(65 + ll // 26)}{chr(65 + ll % 26)}"
        for s, d, pd_, ll in zip(la_rows, district_of, pc_digit, pc_letters, strict=True)
    ]
    heads = rng.integers(0, [len(N.FEMALE_TITLES), len(N.FIRST_NAMES), len(N.LAST_NAMES)], size=(n, 3))
    phone = rng.integers(0, 1_000_000_000, n)

    # -- closed predecessors of converted academies (sponsored ones replaced a struggling school)
    sponsored = np.isin(kind, ["Academy sponsor led", "Academy special sponsor led"])
    has_pred = np.isin(kind, ["Academy converter", "Academy special converter"]) | (
        sponsored & (rng.random(n) < 0.9)
    )
    pred_of = np.flatnonzero(has_pred)
    m = len(pred_of)
    pred_kind = np.full(m, "Community school", dtype=object)
    pr = religion[pred_of]
    pred_roll = rng.random(m)
    pred_kind[pred_roll < 0.25] = "Foundation school"
    pred_kind[pr == "Church of England"] = np.where(
        pred_roll[pr == "Church of England"] < 0.6, "Voluntary aided school", "Voluntary controlled school"
    )
    pred_kind[pr == "Roman Catholic"] = "Voluntary aided school"
    pred_kind[np.isin(kind[pred_of], SPECIAL)] = "Community special school"
    pred_religion = np.where(np.isin(pr, ["None"]), "Does not apply", pr)
    academy_names = name[pred_of]
    pred_names = np.array(
        [
            (nm.replace(" Academy", " School") if nm.endswith("Academy") else nm)
            if not sp
            else f"{town[j]} {'Community' if k % 2 or town[j].endswith(' Park') else 'Park'} {'Primary' if phase[j] == 'Primary' else 'High'} School"
            for nm, sp, j, k in zip(academy_names, sponsored[pred_of], pred_of, range(m), strict=True)
        ],
        dtype=object,
    )
    pred_close = open_day[pred_of] - 1
    pred_rating = np.where(
        sponsored[pred_of],
        _choice(rng, {"Special Measures": 0.5, "Serious Weaknesses": 0.2, "Requires improvement": 0.3}, m),
        _choice(rng, {"Outstanding": 0.35, "Good": 0.6, "Requires improvement": 0.05}, m),
    )
    pred_insp = pred_close - rng.integers(100, 4 * 365, m)

    # -- identifiers: URNs (academies newest and highest), LAESTAB numbers, UKPRNs
    cc = np.isin(kind, CHILDRENS_CENTRES)
    old = ~cc & ~academy
    urn = np.zeros(n, dtype=np.int64)
    urn[cc] = np.sort(_unique_ints(rng, 20000, 60000, int(cc.sum())))
    old_span = max(36000, 2 * int(old.sum() + m))
    old_urns = _unique_ints(rng, 100000, old_span, int(old.sum()) + m)
    urn[old] = old_urns[: old.sum()]
    pred_urn = old_urns[old.sum() :]
    ac_idx = np.flatnonzero(academy)
    ac_urns = np.sort(_unique_ints(rng, 100000 + old_span, max(16000, 2 * len(ac_idx)), len(ac_idx)))
    urn[ac_idx[np.argsort(open_day[ac_idx], kind="stable")]] = ac_urns
    ukprn_all = _unique_ints(rng, 10000000, 99000, n + m) if n + m <= 99000 else 10000000 + np.arange(n + m)

    def category(kinds: np.ndarray, phases: np.ndarray) -> np.ndarray:
        cat = np.full(len(kinds), 5, dtype=np.int64)
        cat[np.isin(kinds, ["Community school"]) & (phases == "Primary")] = 2
        cat[
            np.isin(kinds, ["Voluntary aided school", "Voluntary controlled school"]) & (phases == "Primary")
        ] = 3
        cat[np.isin(phases, ["Secondary", "All-through"]) & ~np.isin(kinds, ACADEMY_TYPES)] = 4
        cat[np.isin(kinds, [*SPECIAL, "Non-maintained special school", "Special post 16 institution"])] = 7
        cat[np.isin(kinds, ["Other independent school", "Other independent special school"])] = 6
        cat[np.isin(kinds, ["Local authority nursery school", "Pupil referral unit"])] = 1
        return cat

    all_cat = np.r_[category(kind, phase), category(pred_kind, phase[pred_of])]
    all_la = np.r_[la_of, la_of[pred_of]]
    number = all_cat * 1000 + _rank_within(all_la * 10 + all_cat) % 1000
    number_str = np.array([f"{x:04d}" for x in number], dtype=object)
    number_str[:n][cc] = ""
    number_str[:n][np.isin(kind, ["Higher education institutions", "Miscellaneous"])] = ""

    # -- groups: MATs, SATs, federations, trusts
    mat_home = np.zeros(max(n_mat, 1), dtype=np.int64)
    if n_mat:
        first = np.full(n_mat, -1)
        members_sorted = np.flatnonzero(mat_of >= 0)
        first[mat_of[members_sorted[::-1]]] = members_sorted[::-1]
        mat_home = first
    mat_names = _trust_names(rng, n_mat, [str(town[i]) for i in mat_home[:n_mat]]) if n_mat else []
    sat_idx = np.flatnonzero(sat)
    sat_names = _dedupe(
        [f"{name[i]} Academy Trust".replace("Academy Academy", "Academy") for i in sat_idx],
        [f" ({town[i]})" for i in sat_idx],
    )
    fed_first = {}
    for i in np.flatnonzero(fed_of >= 0):
        fed_first.setdefault(int(fed_of[i]), []).append(i)
    fed_names = [
        f"The Federation of {' and '.join(str(name[i]).replace(' School', '') for i in fed_first[f][:2])} Schools"
        if f % 2
        else f"{town[fed_first[f][0]]} Schools Federation {f + 1}"
        for f in range(n_fed)
    ]
    tr_names = [f"{town[tr_idx[t * 3]]} Foundation Schools Trust {t + 1}" for t in range(n_tr)]
    # Sponsors: the MATs that sponsor academies also appear as GIAS's separate "School sponsor" groups.
    linked = academy & (sponsored | (in_mat & (rng.random(n) < 0.3)))
    sponsor_mats = np.unique(mat_of[linked & (mat_of >= 0)])
    n_sp = len(sponsor_mats)
    sponsor_of_mat = np.full(max(n_mat, 1), -1, dtype=np.int64)
    sponsor_of_mat[sponsor_mats] = np.arange(n_sp)
    first_sponsor = n_mat + n_sat + n_fed + n_tr
    sp_group = np.where(linked & (mat_of >= 0), first_sponsor + sponsor_of_mat[np.maximum(mat_of, 0)], -1)
    sp_names = [mat_names[g] for g in sponsor_mats]
    n_groups = n_mat + n_sat + n_fed + n_tr + n_sp
    uids = 2000 + np.sort(rng.choice(max(40000, 3 * n_groups), size=n_groups, replace=False))
    ch_numbers = _unique_ints(rng, 7000000, 3000000, n_mat + n_sat)
    trust_ids = np.sort(rng.choice(max(9000, 2 * (n_mat + n_sat)), size=n_mat + n_sat, replace=False))
    group_type = [MAT] * n_mat + [SAT] * n_sat + [FEDERATION] * n_fed + [TRUST] * n_tr + [SPONSOR] * n_sp
    group_names = mat_names + sat_names + fed_names + tr_names + sp_names
    group_ids = [f"TR{t:05d}" for t in trust_ids] + [""] * (n_fed + n_tr + n_sp)
    companies = [f"{c:08d}" for c in ch_numbers] + [""] * (n_fed + n_tr + n_sp)
    # Which group each school is in (a school may be in a trust and a federation).
    group_of_school = np.where(mat_of >= 0, mat_of, -1)
    group_of_school[sat_idx] = n_mat + np.arange(n_sat)
    fed_group = np.where(fed_of >= 0, n_mat + n_sat + fed_of, -1)
    tr_group = np.where(trust_of >= 0, n_mat + n_sat + n_fed + trust_of, -1)

    # -- establishment columns (open schools, then closed predecessors)
    gname = np.array(group_names + [""], dtype=object)  # index -1 -> ""
    trusts_name = np.array([g.upper() if g else "" for g in gname[group_of_school]], dtype=object)
    trusts_name[tr_group >= 0] = gname[tr_group[tr_group >= 0]]
    trust_flag = np.full(n, "Not applicable", dtype=object)
    trust_flag[in_mat] = "Supported by a multi-academy trust"
    trust_flag[sat] = "Supported by a single-academy trust"
    trust_flag[foundation] = "Not supported by a trust"
    trust_flag[tr_group >= 0] = "Supported by a trust"
    sponsor_flag = np.full(n, "Not applicable", dtype=object)
    sponsor_flag[academy] = "-"
    sponsor_flag[linked] = "Linked to a sponsor"
    sponsors = np.where(linked, gname[sp_group], "")
    fed_flag = np.where(maintained, "Not under a federation", "Not applicable").astype(object)
    fed_flag[fed_of >= 0] = "Supported by a federation"
    fed_name = np.where(fed_of >= 0, gname[fed_group], "")

    def cols_for(rows: np.ndarray, pred: bool) -> dict[str, list[str]]:
        """Per-row values for open schools (rows index the open arrays); pred=True for predecessors."""
        k = len(rows)
        las_ = [la_specs[i] for i in la_of[rows]]
        blank = [""] * k
        na = ["Not applicable"] * k
        kinds = pred_kind if pred else kind[rows]
        is_school = ~np.isin(kinds, NOT_SCHOOLS)
        with_pupils = has_pupils[rows] & (not pred)
        ph = phase[rows]
        ages_known = low[rows] >= 0
        if pred:
            status_, name_ = ["Closed"] * k, pred_names
            open_reason, open_date = na, blank
            close_reason = np.where(sponsored[rows], "Academy Sponsor Led", "Academy Converter").tolist()
            close_date = _dates(pred_close)
            rating, insp = pred_rating.tolist(), _dates(pred_insp)
            relig, urns_, ukprn_ = pred_religion.tolist(), pred_urn, ukprn_all[n:]
            numbers = number_str[n:]
        else:
            status_, name_ = status[rows].tolist(), name[rows]
            acad = academy[rows]
            open_reason = np.where(
                acad,
                np.where(np.isin(kind[rows], ["Free schools"]), "Academy Free School",
                         np.where(sponsored[rows], "New Provision", "Academy Converter")),
                "Not applicable",
            ).tolist()  # fmt: skip
            open_date = np.where(
                acad, np.array(_dates(np.maximum(open_day[rows], 0)), dtype=object), ""
            ).tolist()
            close_reason, close_date = na, blank
            rating = ofsted[rows].tolist()
            insp = np.where(
                ofsted[rows] != "", np.array(_dates(np.maximum(insp_day[rows], 0)), dtype=object), ""
            ).tolist()
            relig, urns_, ukprn_ = religion[rows].tolist(), urn[rows], ukprn_all[:n]
            numbers = number_str[:n]
        nums = lambda a, ok: [str(int(v)) if o else "" for v, o in zip(a, ok, strict=True)]  # noqa: E731
        school_na = lambda v: np.where(is_school, v, "Not applicable").tolist()  # noqa: E731
        last_changed = as_of_day - rng.integers(1, 200, k)
        slug = [str(nm).lower().translate(_SLUG)[:20] for nm in name_]
        return {
            "URN": _s(urns_),
            "LA (code)": [s.code for s in las_],
            "LA (name)": [s.name for s in las_],
            "EstablishmentNumber": list(numbers),
            "EstablishmentName": list(name_),
            "TypeOfEstablishment (name)": list(kinds),
            "EstablishmentTypeGroup (name)": [TYPE_GROUP[t] for t in kinds],
            "EstablishmentStatus (name)": list(status_),
            "ReasonEstablishmentOpened (name)": list(open_reason),
            "OpenDate": list(open_date),
            "ReasonEstablishmentClosed (name)": list(close_reason),
            "CloseDate": list(close_date),
            "PhaseOfEducation (name)": ph.tolist(),
            "StatutoryLowAge": nums(low[rows], ages_known),
            "StatutoryHighAge": nums(high[rows], ages_known),
            "Boarders (name)": school_na(
                np.where(indep[rows] & (phone[rows] % 4 == 0), "Boarding school", "No boarders")
            ),
            "NurseryProvision (name)": school_na(
                np.where(has_nursery[rows], "Has Nursery Classes", "No Nursery Classes")
            ),
            "OfficialSixthForm (name)": np.where(
                sixth_form[rows],
                "Has a sixth form",
                np.where(
                    np.isin(ph, ["Primary", "Secondary"]), "Does not have a sixth form", "Not applicable"
                ),
            ).tolist(),  # fmt: skip
            "Gender (name)": gender[rows].tolist(),
            "ReligiousCharacter (name)": relig,
            "ReligiousEthos (name)": np.where(is_school, "Does not apply", "").tolist(),
            "Diocese (name)": diocese[rows].tolist(),
            "AdmissionsPolicy (name)": np.where(
                selective[rows],
                "Selective",
                np.where(np.isin(ph, ["Secondary"]), "Non-selective", "Not applicable"),
            ).tolist(),
            "SchoolCapacity": nums(capacity[rows], with_pupils & ~np.isin(kinds, INDEPENDENT[:1])),
            "SpecialClasses (name)": school_na(
                np.where(phone[rows] % 7 == 0, "Has Special Classes", "No Special Classes")
            ),
            "CensusDate": [f"16-01-{as_of.year}" if w else "" for w in with_pupils],
            "NumberOfPupils": nums(pupils[rows], with_pupils),
            "NumberOfBoys": nums(boys[rows], with_pupils),
            "NumberOfGirls": nums(girls[rows], with_pupils),
            "PercentageFSM": [
                f"{v:.1f}".rstrip("0").rstrip(".") if w and not np.isnan(v) else ""
                for v, w in zip(fsm[rows], with_pupils, strict=True)
            ],  # fmt: skip
            "TrustSchoolFlag (name)": na if pred else trust_flag[rows].tolist(),
            "Trusts (name)": blank if pred else trusts_name[rows].tolist(),
            "SchoolSponsorFlag (name)": na if pred else sponsor_flag[rows].tolist(),
            "SchoolSponsors (name)": blank if pred else sponsors[rows].tolist(),
            "FederationFlag (name)": ["Not under a federation"] * k if pred else fed_flag[rows].tolist(),
            "Federations (name)": blank if pred else fed_name[rows].tolist(),
            "UKPRN": nums(ukprn_, is_school),
            "FurtherEducationType (name)": np.where(
                kinds == "Further education", "General Further Education College", "Not applicable"
            ).tolist(),
            "OfstedLastInsp": list(insp),
            "LastChangedDate": _dates(last_changed),
            "Street": [street[i] for i in rows],
            "Town": town[rows].tolist(),
            "County (name)": [s.name if s.gss_code.startswith("E10") else "" for s in las_],
            "Postcode": [postcode[i] for i in rows],
            "SchoolWebsite": [
                f"www.{sl}.sch.uk" if sc else "" for sl, sc in zip(slug, is_school, strict=True)
            ],
            "TelephoneNum": [f"01{p // 1000000 % 1000:03d}{p % 1000000:06d}" for p in phone[rows]],
            "HeadTitle (name)": [
                (N.FEMALE_TITLES if f < len(N.FEMALE_NAMES) else N.MALE_TITLES)[t]
                for t, f in zip(heads[rows, 0], heads[rows, 1], strict=True)
            ],
            "HeadFirstName": [N.FIRST_NAMES[h] for h in heads[rows, 1]],
            "HeadLastName": [N.LAST_NAMES[h] for h in heads[rows, 2]],
            "HeadPreferredJobTitle": np.where(is_school, "Headteacher", "Manager").tolist(),
            "InspectorateName (name)": np.where(np.isin(kinds, INDEPENDENT[:1]), "ISI", "").tolist(),
            **{
                c: school_na(np.full(k, "Not applicable", dtype=object))
                for c in (
                    "BSOInspectorateName (name)",
                    "TeenMoth (name)",
                    "CCF (name)",
                    "SENPRU (name)",
                    "EBD (name)",
                    "EdByOther (name)",
                    "Section41Approved (name)",
                    "QABName (name)",
                    "EstablishmentAccredited (name)",
                )
            },  # fmt: skip
            "GOR (name)": [s.region.name for s in las_],
            "DistrictAdministrative (name)": district[rows].tolist(),
            "AdministrativeWard (name)": [
                f"{town[i]} {('North', 'South', 'East', 'West', 'Central')[phone[i] % 5]}" for i in rows
            ],
            "ParliamentaryConstituency (name)": [
                f"{s.districts[0]} and {district[i]}" if s.districts[0] != district[i] else str(district[i])
                for s, i in zip(las_, rows, strict=True)
            ],
            "UrbanRural (name)": urban_rural[rows].tolist(),
            "GSSLACode (name)": [s.gss_code for s in las_],
            "Easting": _s(easting[rows]),
            "Northing": _s(northing[rows]),
            "MSOA (name)": [f"{district[i]} {1 + phone[i] % 30:03d}" for i in rows],
            "OfstedRating (name)": list(rating),
            "RSCRegion (name)": [s.region.rsc for s in las_],
        }

    open_cols = cols_for(np.arange(n), pred=False)
    pred_cols = cols_for(pred_of, pred=True)
    establishments = {c: open_cols[c] + pred_cols[c] for c in open_cols}

    # -- links: each conversion in both directions, as GIAS lists them
    conv = _dates(open_day[pred_of])
    links = {
        "URN": _s(urn[pred_of]) + _s(pred_urn),
        "LinkURN": _s(pred_urn) + _s(urn[pred_of]),
        "LinkName": pred_names.tolist() + name[pred_of].tolist(),
        "LinkType": ["Predecessor"] * m + ["Successor"] * m,
        "LinkEstablishedDate": conv + conv,
    }
    order = np.argsort(np.array(links["URN"], dtype=np.int64), kind="stable")
    links = {c: [v[i] for i in order] for c, v in links.items()}

    groups = {
        "Group UID": _s(uids),
        "Group ID": group_ids,
        "Group Name": group_names,
        "Companies House Number": companies,
        "Group Type (code)": [t[0] for t in group_type],
        "Group Type": [t[1] for t in group_type],
    }

    # -- memberships (alllinksdata): trusts, federations, foundation trusts and sponsors
    member_school = np.r_[
        np.flatnonzero(group_of_school >= 0),
        np.flatnonzero(fed_group >= 0),
        np.flatnonzero(tr_group >= 0),
        np.flatnonzero(sp_group >= 0),
    ].astype(np.int64)
    member_group = np.r_[
        group_of_school[group_of_school >= 0],
        fed_group[fed_group >= 0],
        tr_group[tr_group >= 0],
        sp_group[sp_group >= 0],
    ].astype(np.int64)
    member_day = np.r_[
        join_day[group_of_school >= 0],
        fed_day[np.maximum(fed_of[fed_of >= 0], 0)],
        tr_day[np.maximum(trust_of[trust_of >= 0], 0)],
        open_day[sp_group >= 0],
    ]
    order = np.lexsort((urn[member_school], member_group))
    member_school, member_group, member_day = member_school[order], member_group[order], member_day[order]
    g_uid = np.array(groups["Group UID"], dtype=object)
    memberships = {
        "Group UID": g_uid[member_group].tolist(),
        "Group ID": [group_ids[g] for g in member_group],
        "Group Name": [group_names[g] for g in member_group],
        "Companies House Number": [companies[g] for g in member_group],
        "Group Type (code)": [group_type[g][0] for g in member_group],
        "Group Type": [group_type[g][1] for g in member_group],
        "Closed Date": [""] * len(member_group),
        "Group Status (code)": ["OPEN"] * len(member_group),
        "Group Status": ["Open"] * len(member_group),
        "Joined date": _dates(member_day),
        "URN": _s(urn[member_school]),
        "EstablishmentName": name[member_school].tolist(),
    }
    return SyntheticSystem(
        las=la_specs, establishments=establishments, links=links, groups=groups, memberships=memberships
    )


def write_system(system: SyntheticSystem, out_dir: Path) -> dict[str, Path]:
    """Write the four files into `out_dir`; returns {"establishments": path, "links": ..., ...}."""
    out_dir = Path(out_dir)
    layouts = {
        "establishments": (ESTABLISHMENT_COLUMNS, BARE_ESTABLISHMENT_COLUMNS),
        "links": (LINK_COLUMNS, BARE_LINK_COLUMNS),
        "groups": (GROUP_COLUMNS, frozenset()),
        "memberships": (MEMBERSHIP_COLUMNS, frozenset()),
    }
    return {
        table: write_gias_csv(
            out_dir / FILE_NAMES[table],
            header,
            getattr(system, table),
            rows=system.rows(table),
            bare=bare,
        )
        for table, (header, bare) in layouts.items()
    }


def generate_system(
    out_dir: Path,
    *,
    schools: int = 450,
    seed: int = 1,
    la_code: str = "936",
    la_name: str = "Wealdshire",
    region: str = "South East",
    las: int | None = None,
    as_of: date = AS_OF,
) -> dict[str, Path]:
    """Generate a synthetic system and write it in GIAS formats. Same arguments -> the same bytes."""
    system = build_system(
        schools=schools, seed=seed, la_code=la_code, la_name=la_name, region=region, las=las, as_of=as_of
    )
    return write_system(system, out_dir)
