"""The synthetic system generator: GIAS formats, determinism, calibrated mixes, the material other features need."""

import csv
import io
import itertools
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from schoolsystem.synthetic import FILE_NAMES, build_system, generate_system
from schoolsystem.synthetic.calibration import ACADEMY_TYPES, CALIBRATION, OFSTED_TYPES
from schoolsystem.synthetic.formats import (
    ESTABLISHMENT_COLUMNS,
    GROUP_COLUMNS,
    LINK_COLUMNS,
    MEMBERSHIP_COLUMNS,
)

STATE_FUNDED_SCHOOL_TYPES = set(OFSTED_TYPES)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="cp1252", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    return generate_system(tmp_path_factory.mktemp("demo"), schools=450, seed=7)


@pytest.fixture(scope="module")
def demo(demo_files) -> dict[str, pd.DataFrame]:
    return {table: read(path) for table, path in demo_files.items()}


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> tuple[dict[str, pd.DataFrame], float]:
    started = time.perf_counter()
    paths = generate_system(tmp_path_factory.mktemp("england"), schools=25_000, seed=3)
    seconds = time.perf_counter() - started
    return {table: read(path) for table, path in paths.items()}, seconds


def test_writes_the_four_gias_files_with_their_published_names(demo_files):
    assert {t: p.name for t, p in demo_files.items()} == FILE_NAMES
    assert all(p.stat().st_size > 0 for p in demo_files.values())


def test_same_seed_writes_identical_bytes(tmp_path):
    a = generate_system(tmp_path / "a", schools=120, seed=11)
    b = generate_system(tmp_path / "b", schools=120, seed=11)
    for table in a:
        assert a[table].read_bytes() == b[table].read_bytes(), table


def test_different_seed_writes_different_files(tmp_path):
    a = generate_system(tmp_path / "a", schools=120, seed=11)
    b = generate_system(tmp_path / "b", schools=120, seed=12)
    for table in ("establishments", "links", "memberships"):
        assert a[table].read_bytes() != b[table].read_bytes(), table


def test_headers_are_exactly_the_published_layouts(demo_files):
    expected = {
        "establishments": ESTABLISHMENT_COLUMNS,
        "links": LINK_COLUMNS,
        "groups": GROUP_COLUMNS,
        "memberships": MEMBERSHIP_COLUMNS,
    }
    for table, path in demo_files.items():
        header = next(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"))))
        assert tuple(header) == expected[table]
    assert len(ESTABLISHMENT_COLUMNS) == 110


@pytest.mark.realdata
def test_establishment_header_equals_the_real_surrey_file(shared_data, demo_files):
    real = (shared_data / "gias/edubase_surrey_936_2021-04.csv").read_bytes().split(b"\r\n", 1)[0]
    ours = demo_files["establishments"].read_bytes().split(b"\r\n", 1)[0]
    assert ours == real


def test_gias_dialect_windows_1252_crlf_quoted_text_bare_numbers(demo_files):
    raw = demo_files["establishments"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accented head teachers' names are single Windows-1252 bytes
    assert "Zoë".encode("cp1252") in raw or "Renée".encode("cp1252") in raw or "Chloé".encode("cp1252") in raw
    lines = raw.split(b"\r\n")
    assert not raw.endswith(b"\n")
    first = next(csv.reader([lines[1].decode("cp1252")]))
    assert lines[1].startswith(first[0].encode() + b',"')  # URN is bare, the LA code quoted
    assert lines[1].decode("cp1252").split(",")[0].isdigit()


def test_dates_are_dd_mm_yyyy(demo):
    est = demo["establishments"]
    for column in ("OpenDate", "CloseDate", "OfstedLastInsp", "LastChangedDate"):
        values = est.loc[est[column] != "", column]
        assert len(values) > 0
        pd.to_datetime(values, format="%d-%m-%Y")  # raises on any other format
    pd.to_datetime(demo["memberships"]["Joined date"], format="%d-%m-%Y")


def test_one_la_of_about_450_open_establishments_plus_closed_predecessors(demo):
    est = demo["establishments"]
    open_rows = est[est["EstablishmentStatus (name)"] != "Closed"]
    assert len(open_rows) == 450
    assert set(est["LA (code)"]) == {"936"}
    assert est["URN"].is_unique
    closed = est[est["EstablishmentStatus (name)"] == "Closed"]
    assert len(closed) > 50
    assert set(closed["TypeOfEstablishment (name)"]) <= {
        "Community school",
        "Foundation school",
        "Voluntary aided school",
        "Voluntary controlled school",
        "Community special school",
    }
    assert (closed["CloseDate"] != "").all()


def test_every_conversion_links_a_closed_predecessor_and_its_academy_both_ways(demo):
    est = demo["establishments"].set_index("URN")
    links = demo["links"]
    predecessors = links[links["LinkType"] == "Predecessor"]
    successors = links[links["LinkType"] == "Successor"]
    assert len(predecessors) == len(successors) > 50
    assert set(zip(predecessors.URN, predecessors.LinkURN, strict=True)) == set(
        zip(successors.LinkURN, successors.URN, strict=True)
    )
    for _, link in predecessors.iterrows():
        academy, old = est.loc[link.URN], est.loc[link.LinkURN]
        assert academy["TypeOfEstablishment (name)"] in ACADEMY_TYPES
        assert old["EstablishmentStatus (name)"] == "Closed"
        assert link.LinkName == old["EstablishmentName"]
        closed = datetime.strptime(old["CloseDate"], "%d-%m-%Y")
        opened = datetime.strptime(academy["OpenDate"], "%d-%m-%Y")
        assert (opened - closed).days == 1


def test_memberships_refer_to_known_groups_and_open_schools(demo):
    est, groups, members = demo["establishments"], demo["groups"], demo["memberships"]
    assert groups["Group UID"].is_unique
    assert set(members["Group UID"]) <= set(groups["Group UID"])
    open_urns = set(est.loc[est["EstablishmentStatus (name)"] != "Closed", "URN"])
    assert set(members["URN"]) <= open_urns
    # Every academy is in exactly one academy trust.
    academies = est[est["TypeOfEstablishment (name)"].isin(ACADEMY_TYPES)]
    academies = academies[academies["EstablishmentStatus (name)"] != "Closed"]
    trust_members = members[members["Group Type"].isin(["Multi-academy trust", "Single-academy trust"])]
    assert sorted(trust_members["URN"]) == sorted(academies["URN"])
    by_urn = est.set_index("URN")
    for _, row in trust_members.iterrows():
        assert by_urn.loc[row.URN, "Trusts (name)"] == row["Group Name"].upper()


def test_mats_vary_in_size_and_members_join_over_about_eight_years(demo):
    members = demo["memberships"]
    mats = members[members["Group Type"] == "Multi-academy trust"]
    sizes = mats.groupby("Group UID").size()
    assert sizes.min() == 1 and sizes.max() >= 8
    assert sizes.nunique() >= 4
    joined = pd.to_datetime(mats["Joined date"], format="%d-%m-%Y")
    assert (joined.max() - joined.min()).days > 7 * 365
    # Within the largest MAT, schools joined on several dates.
    largest = sizes.idxmax()
    assert mats.loc[mats["Group UID"] == largest, "Joined date"].nunique() >= 4


def test_federations_and_isolated_maintained_schools_exist(demo):
    est, members = demo["establishments"], demo["memberships"]
    assert (members["Group Type"] == "Federation").sum() >= 2
    open_rows = est[est["EstablishmentStatus (name)"] != "Closed"]
    state = open_rows[open_rows["TypeOfEstablishment (name)"].isin(STATE_FUNDED_SCHOOL_TYPES)]
    isolated = state[~state["URN"].isin(set(members["URN"]))]
    assert len(isolated) >= 50


def test_schools_causing_concern_and_church_schools_with_dioceses(demo):
    est = demo["establishments"]
    open_rows = est[est["EstablishmentStatus (name)"] != "Closed"]
    ratings = open_rows["OfstedRating (name)"].value_counts()
    assert ratings["Special Measures"] >= 2
    assert ratings["Serious Weaknesses"] >= 2
    assert ratings["Requires improvement"] >= 6
    cofe = open_rows[open_rows["ReligiousCharacter (name)"] == "Church of England"]
    rc = open_rows[open_rows["ReligiousCharacter (name)"] == "Roman Catholic"]
    assert len(cofe) >= 20 and len(rc) >= 5
    state_cofe = cofe[cofe["TypeOfEstablishment (name)"].isin(STATE_FUNDED_SCHOOL_TYPES)]
    assert state_cofe["Diocese (name)"].str.startswith("Diocese of").all()
    assert state_cofe["EstablishmentName"].str.contains("CofE|Church of England").mean() > 0.5


def test_locations_cluster_around_district_centres_inside_the_la(demo):
    est = demo["establishments"]
    coords = est[["Easting", "Northing"]].astype(int)
    # One county-sized LA: tens of kilometres across, not the whole country.
    assert (coords.max() - coords.min()).max() < 150_000
    districts = est.groupby("DistrictAdministrative (name)")
    assert 5 <= districts.ngroups <= 11
    spread_within = districts[["Easting", "Northing"]].agg(lambda s: s.astype(int).std()).mean().mean()
    assert spread_within < coords.std().mean()


def proportions(values: pd.Series, keys) -> dict[str, float]:
    counts = values.value_counts(normalize=True)
    return {k: float(counts.get(k, 0.0)) for k in keys}


def test_mixes_are_within_tolerance_of_the_calibration(tmp_path):
    # A large sample so the comparison measures the generator, not sampling noise.
    est = read(generate_system(tmp_path, schools=20_000, seed=5, las=1)["establishments"])
    open_rows = est[est["EstablishmentStatus (name)"] != "Closed"]
    types = proportions(open_rows["TypeOfEstablishment (name)"], CALIBRATION["type_mix"])
    for key, expected in CALIBRATION["type_mix"].items():
        assert types[key] == pytest.approx(expected, abs=0.01), key
    inspected = open_rows[open_rows["TypeOfEstablishment (name)"].isin(OFSTED_TYPES)]
    # Very new academies are not yet inspected, so blanks run a little above the calibration.
    ofsted = proportions(inspected["OfstedRating (name)"], CALIBRATION["ofsted_mix"])
    for key, expected in CALIBRATION["ofsted_mix"].items():
        assert ofsted[key] == pytest.approx(expected, abs=0.03), key
    primary = pd.to_numeric(
        open_rows.loc[
            (open_rows["PhaseOfEducation (name)"] == "Primary")
            & (open_rows["StatutoryLowAge"].isin(["3", "4"]))
            & (open_rows["StatutoryHighAge"] == "11"),
            "NumberOfPupils",
        ]
    )
    expected_median = CALIBRATION["pupils_quantiles"]["State-funded primary"][4]
    assert primary.median() == pytest.approx(expected_median, rel=0.08)
    secondary = pd.to_numeric(
        open_rows.loc[open_rows["PhaseOfEducation (name)"] == "Secondary", "NumberOfPupils"]
    )
    assert secondary.median() == pytest.approx(
        CALIBRATION["pupils_quantiles"]["State-funded secondary"][4], rel=0.08
    )
    academies = open_rows[open_rows["TypeOfEstablishment (name)"].isin(ACADEMY_TYPES)]
    sat = (academies["TrustSchoolFlag (name)"] == "Supported by a single-academy trust").mean()
    assert sat == pytest.approx(CALIBRATION["sat_share"], abs=0.02)
    urban = proportions(open_rows["UrbanRural (name)"], CALIBRATION["urban_rural_mix"])
    for key, expected in CALIBRATION["urban_rural_mix"].items():
        assert urban[key] == pytest.approx(expected, abs=0.02), key


def test_national_scale_has_25000_schools_2500_trusts_and_150_las(national):
    tables, seconds = national
    est = tables["establishments"]
    open_rows = est[est["EstablishmentStatus (name)"] != "Closed"]
    assert len(open_rows) == 25_000
    assert est["URN"].is_unique
    assert open_rows["LA (code)"].nunique() == 150
    assert open_rows["LA (name)"].nunique() == 150
    assert open_rows["LA (code)"].str.fullmatch(r"\d{3}").all()
    assert open_rows["GOR (name)"].nunique() == 9
    groups = tables["groups"]
    trusts = groups[groups["Group Type"].isin(["Multi-academy trust", "Single-academy trust"])]
    assert len(trusts) == pytest.approx(2_500, rel=0.02)
    coords = est[["Easting", "Northing"]].astype(int)
    assert coords.Easting.between(130_000, 655_000).all()
    assert coords.Northing.between(10_000, 660_000).all()
    # Spread over England, not piled in one place.
    assert coords.Easting.max() - coords.Easting.min() > 300_000
    assert coords.Northing.max() - coords.Northing.min() > 400_000
    print(f"national generation: {seconds:.2f}s for {len(est)} rows")


def test_in_memory_build_matches_the_written_files(tmp_path):
    system = build_system(schools=60, seed=4)
    paths = generate_system(tmp_path, schools=60, seed=4)
    assert system.rows("establishments") == len(read(paths["establishments"]))
    assert system.rows("memberships") == len(read(paths["memberships"]))


def test_refuses_nonsense_arguments(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        generate_system(tmp_path, schools=0)
    with pytest.raises(ValueError, match="unknown region"):
        generate_system(tmp_path, region="Atlantis")


def test_head_teachers_titles_agree_with_their_first_names(demo):
    from schoolsystem.synthetic.names import FEMALE_NAMES, MALE_NAMES

    est = demo["establishments"]
    men = est[est["HeadFirstName"].isin(MALE_NAMES)]
    women = est[est["HeadFirstName"].isin(FEMALE_NAMES)]
    assert len(men) > 20 and len(women) > 20
    assert set(men["HeadTitle (name)"]) <= {"Mr", "Dr"}
    assert set(women["HeadTitle (name)"]) <= {"Mrs", "Miss", "Ms", "Dr"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_tiny_la_still_has_schools_causing_concern(tmp_path, seed):
    est = read(generate_system(tmp_path, schools=60, seed=seed)["establishments"])
    open_rows = est[est["EstablishmentStatus (name)"] != "Closed"]
    ratings = open_rows["OfstedRating (name)"].value_counts()
    assert ratings.get("Special Measures", 0) >= 1
    assert ratings.get("Serious Weaknesses", 0) >= 1
    assert ratings.get("Requires improvement", 0) >= 3


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_school_name_says_the_same_word_twice_in_a_row(seed):
    """A place called "Oakworth Park" once gave "Oakworth Park Park School"."""
    names = build_system(seed=seed, schools=2000).establishments["EstablishmentName"]
    doubled = [n for n in names if any(a == b for a, b in itertools.pairwise(n.split()))]
    assert doubled == []
