"""The `gias` establishments import: real-file facts, both layouts, all-or-nothing errors, re-imports and history."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolsystem.core.audit import history_for
from schoolsystem.core.imports import ImportFailed
from schoolsystem.core.models import AuditEvent, ImportRecord
from schoolsystem.registry.imports import GiasEstablishmentImport, GiasGroupImport
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership
from tests.registry.gias_files import ESTABLISHMENT_HEADER, csv_text, school, write

pytestmark = pytest.mark.django_db


def run(path, **kw):
    return GiasEstablishmentImport().run(path, progress=False, **kw)


def failure(path) -> str:
    with pytest.raises(ImportFailed) as exc:
        run(path)
    return str(exc.value.message)


# --- the real Surrey file ---------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_surrey_file_imports_every_establishment_with_the_published_counts(shared_data):
    result = run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv")
    assert (result.counts.rows, result.counts.created) == (590, 590)
    assert Establishment.objects.count() == 590
    assert Counter(Establishment.objects.values_list("status", flat=True)) == {
        "open": 585,
        "proposed_to_close": 5,
    }
    open_schools = Establishment.objects.filter(status="open")
    assert Counter(open_schools.values_list("ofsted_rating", flat=True)) == {
        "Good": 236,
        "Outstanding": 84,
        "Requires improvement": 16,
        "Serious Weaknesses": 1,
        "Special Measures": 1,
        "": 247,
    }
    assert open_schools.filter(trust_school_flag="Supported by a multi-academy trust").count() == 174
    surrey = LocalAuthority.objects.get()
    assert (surrey.code, surrey.name, surrey.region_name) == ("936", "Surrey", "South East")


@pytest.mark.realdata
def test_surrey_file_maps_fields_and_derives_state_funding(shared_data):
    run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv")
    by_group = Counter(Establishment.objects.filter(state_funded=True).values_list("type_group", flat=True))
    # 195 maintained + 183 academies + 7 free schools + the 12 community special schools; the other 20 special
    # schools are non-maintained (5) or independent (15).
    assert by_group == {
        "Local authority maintained schools": 195,
        "Academies": 183,
        "Free Schools": 7,
        "Special schools": 12,
    }
    assert not Establishment.objects.filter(type_group="Independent schools", state_funded=True).exists()
    school = (
        Establishment.objects.exclude(capacity=None).exclude(opened_on=None).exclude(easting=None).first()
    )
    assert school.la.code == "936" and school.postcode and school.district
    assert Establishment.objects.filter(phase="").count() == 222  # "Not applicable" is a blank
    assert Establishment.objects.exclude(head_name="").count() > 400


@pytest.mark.realdata
def test_surrey_file_creates_trust_sponsor_and_federation_memberships(shared_data):
    run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv")
    current = Membership.objects.filter(left_on=None)
    assert Counter(current.values_list("group__group_type", flat=True)) == {
        "mat": 174,
        "sat": 16,
        "trust": 12,
        "sponsor": 127,
        "federation": 10,
    }
    assert Group.objects.filter(group_type="federation").count() == 5


@pytest.mark.realdata
def test_groups_imported_first_are_matched_by_name_and_type(shared_data):
    GiasGroupImport().run(shared_data / "gias" / "groups_open_sats_and_mats_2016-11-22.csv", progress=False)
    aet = Group.objects.get(name="Academies Enterprise Trust")
    run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv")
    assert aet.memberships.filter(left_on=None).exists()
    assert not Group.objects.filter(name="ACADEMIES ENTERPRISE TRUST", group_type="mat").exists()


@pytest.mark.realdata
def test_codes_and_names_layout_imports_with_its_federation_uid(shared_data):
    result = run(shared_data / "gias" / "edubasealldata_sample_2018_codes_and_names.csv")
    assert result.counts.created == 4
    assert set(LocalAuthority.objects.values_list("code", "region_name")) == {
        ("207", "London"),
        ("206", "London"),
        ("203", "London"),
    }
    assert Establishment.objects.filter(state_funded=True, type_group="LA maintained schools").count() == 4
    koinonia = Group.objects.get(name="Koinonia Federation")
    assert (koinonia.uid, koinonia.group_type) == (16268, "federation")
    assert koinonia.memberships.get().establishment.urn == 100171


@pytest.mark.realdata
def test_cli_reports_counts(shared_data):
    out = StringIO()
    call_command(
        "import_data", "gias", str(shared_data / "gias" / "edubase_surrey_936_2021-04.csv"), stdout=out
    )
    assert "Imported: " in out.getvalue()
    assert "590 rows: 590 created, 0 updated, 0 unchanged, 0 closed" in out.getvalue()
    assert "memberships: 339 started" in out.getvalue()


# --- all or nothing: every bad file names file, row and column --------------------------------------------------


def test_missing_column_is_named(tmp_path):
    rows = [school(1)]
    header = [h for h in ESTABLISHMENT_HEADER if h != "EstablishmentName"]
    path = write(tmp_path / "edubase.csv", [{k: r[k] for k in header} for r in rows], header)
    assert "edubase.csv, row 1, column 'EstablishmentName': required column is missing" in failure(path)


def test_utf16_file_is_refused(tmp_path):
    path = tmp_path / "edubase.csv"
    path.write_bytes(csv_text([school(1), school(2)]).encode("utf-16"))
    assert "edubase.csv, row 1: cannot be read: the file is UTF-16 or binary" in failure(path)
    assert Establishment.objects.count() == 0


def test_undecodable_bytes_are_refused_with_their_row(tmp_path):
    path = tmp_path / "edubase.csv"
    # 0x81 is undefined in Windows-1252 (and not UTF-8): a corrupt file.
    path.write_bytes(csv_text([school(1), school(2)]).encode("cp1252").replace(b"School 2", b"School \x81"))
    assert "edubase.csv, row 3: cannot be read as cp1252: byte 0x81" in failure(path)


def test_duplicate_urn_is_refused(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1), school(2), school(1)])
    assert "edubase.csv, row 4, column 'URN': duplicate URN 1 (first seen on row 2)" in failure(path)
    assert Establishment.objects.count() == 0


def test_bad_date_is_refused(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1), school(2, OpenDate="2001-09-01")])
    assert (
        "edubase.csv, row 3, column 'OpenDate': '2001-09-01' is not a date in the form dd-mm-yyyy"
        in failure(path)
    )
    assert Establishment.objects.count() == 0


def test_non_numeric_capacity_is_refused(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1, SchoolCapacity="four hundred")])
    assert "row 2, column 'SchoolCapacity': 'four hundred' is not a whole number" in failure(path)


def test_unknown_status_is_refused(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1, **{"EstablishmentStatus (name)": "Shut"})])
    assert "row 2, column 'EstablishmentStatus (name)': 'Shut' is not one of" in failure(path)


def test_too_long_value_is_refused_before_the_database_sees_it(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1, Postcode="X" * 11)])
    assert "row 2, column 'Postcode': is longer than 10 characters" in failure(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "edubase.csv"
    path.write_bytes(b"")
    assert "edubase.csv: the file is empty" in failure(path)


def test_truncated_file_is_refused(tmp_path):
    text = csv_text([school(1), school(2), school(3)])
    path = tmp_path / "edubase.csv"
    path.write_bytes(text[: text.rindex("Surrey")].encode("cp1252"))
    assert "edubase.csv, row 4: has 3 fields, the header has 20" in failure(path)
    assert Establishment.objects.count() == 0


def test_nothing_is_written_when_the_last_row_is_bad(tmp_path):
    path = write(
        tmp_path / "edubase.csv", [school(n) for n in range(1, 50)] + [school(50, NumberOfPupils="x")]
    )
    failure(path)
    assert (Establishment.objects.count(), LocalAuthority.objects.count(), ImportRecord.objects.count()) == (
        0,
        0,
        0,
    )


# --- dry run, re-imports, history -------------------------------------------------------------------------------


def test_dry_run_reports_counts_and_writes_nothing(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1, **{"Trusts (name)": "A TRUST"}), school(2)])
    result = run(path, dry_run=True)
    assert (result.counts.created, result.record) == (2, None)
    counts = [
        m.objects.count()
        for m in (Establishment, LocalAuthority, Group, Membership, AuditEvent, ImportRecord)
    ]
    assert counts == [0, 0, 0, 0, 0, 0]


def test_dry_run_cli_says_nothing_was_written(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1)])
    out = StringIO()
    call_command("import_data", "gias", str(path), "--dry-run", stdout=out)
    assert "Dry run (nothing written)" in out.getvalue() and "1 created" in out.getvalue()
    assert not Establishment.objects.exists()


def test_same_file_twice_is_refused_unless_forced(tmp_path):
    path = write(tmp_path / "edubase.csv", [school(1)])
    run(path)
    assert "already imported" in failure(path)
    with pytest.raises(CommandError, match="use --force"):
        call_command("import_data", "gias", str(path), stdout=StringIO())
    assert run(path, force=True).counts.unchanged == 1


def test_newer_file_updates_closes_keeps_absent_schools_and_records_history(tmp_path):
    first = [
        school(
            1,
            **{"TrustSchoolFlag (name)": "Supported by a multi-academy trust", "Trusts (name)": "OAK TRUST"},
        ),
        school(2, **{"Federations (name)": "Elm Federation", "Trusts (name)": "ASH TRUST"}),
        school(3),
        school(4),
    ]
    run(write(tmp_path / "april.csv", first))
    second = [
        school(1, SchoolCapacity="450", **{"OfstedRating (name)": "Outstanding"}),  # left its trust
        school(
            2,
            **{
                "EstablishmentStatus (name)": "Closed",
                "CloseDate": "31-08-2021",
                "Federations (name)": "Elm Federation",
                "Trusts (name)": "ASH TRUST",
            },
        ),
        school(3),
    ]  # school 4 is not in the newer file
    result = run(write(tmp_path / "may.csv", second))
    c = result.counts
    assert (c.created, c.updated, c.unchanged, c.closed) == (0, 1, 1, 1)
    one, two = Establishment.objects.get(urn=1), Establishment.objects.get(urn=2)
    assert (one.capacity, one.ofsted_rating) == (450, "Outstanding")
    assert (two.status, str(two.closed_on)) == ("closed", "2021-08-31")
    assert Establishment.objects.filter(urn=4, status="open").exists()
    history = list(history_for(one).values_list("action", "changes"))
    assert history[0] == (
        "establishment.updated",
        {
            "capacity": [420, 450],
            "trust_school_flag": ["Supported by a multi-academy trust", ""],
            "ofsted_rating": ["Good", "Outstanding"],
        },
    )
    assert history[1][0] == "establishment.created"
    closed = history_for(two).first()
    assert closed.action == "establishment.closed"
    assert closed.changes["status"] == ["open", "closed"]
    assert closed.import_record.file_name == "may.csv"
    ended = Membership.objects.get(establishment=one)
    assert ended.left_on is not None and ended.group.name == "OAK TRUST"
    assert Membership.objects.filter(establishment=two, left_on=None).count() == 2
    assert Establishment.objects.filter(urn=4).get().memberships.count() == 0


def test_school_can_be_in_several_groups_separated_by_tildes(tmp_path):
    row = school(
        1,
        **{
            "Federations (name)": "Elm Federation~Yew Federation",
            "SchoolSponsors (name)": "Diocese of Guildford",
        },
    )
    run(write(tmp_path / "edubase.csv", [row]))
    names = set(Membership.objects.values_list("group__name", "group__group_type"))
    assert names == {
        ("Elm Federation", "federation"),
        ("Yew Federation", "federation"),
        ("Diocese of Guildford", "sponsor"),
    }


def test_windows_1252_names_survive(tmp_path):
    run(write(tmp_path / "edubase.csv", [school(1, EstablishmentName="St Mary’s C of E – Primary")]))
    assert Establishment.objects.get().name == "St Mary’s C of E – Primary"


def test_queries_do_not_grow_with_rows(tmp_path):
    def queries(n: int, name: str) -> int:
        rows = [school(n * 1000 + i, **{"Trusts (name)": f"TRUST {i % 3}"}) for i in range(n)]
        path = write(tmp_path / name, rows)
        with CaptureQueriesContext(connection) as ctx:
            run(path)
        return len(ctx.captured_queries)

    small, large = queries(5, "a.csv"), queries(200, "b.csv")
    # Queries grow by batches (SQLite takes 999 parameters per INSERT: ~20 establishments), never by row.
    assert large - small <= 195 // 15


def test_a_blank_filled_in_by_a_later_file_is_audited_from_none(tmp_path):
    """Found by fuzzing: a capacity blank in one month's file and given in the next made the import fail (the
    earlier value was read back as NaN, and the audit's "changes" [NaN, 450] is not JSON). GIAS fills blanks in
    later files all the time."""
    run(write(tmp_path / "april.csv", [school(1, SchoolCapacity=""), school(2)]))
    assert Establishment.objects.get(urn=1).capacity is None
    result = run(write(tmp_path / "may.csv", [school(1, SchoolCapacity="450"), school(2, SchoolCapacity="")]))
    assert (result.counts.updated, result.counts.unchanged) == (2, 0)
    one, two = Establishment.objects.get(urn=1), Establishment.objects.get(urn=2)
    assert (one.capacity, two.capacity) == (450, None)
    assert history_for(one).first().changes == {"capacity": [None, 450]}
    assert history_for(two).first().changes == {"capacity": [420, None]}


def test_a_group_name_longer_than_a_groups_name_is_refused_before_the_write(tmp_path):
    """Found by fuzzing on PostgreSQL: a 3,000-character sponsor name failed the write of the group the import
    creates for it (SQLite stores any length). One of several `~` names is enough."""
    rows = [school(1), school(2, **{"SchoolSponsors (name)": "Oak Trust~" + "S" * 251})]
    with pytest.raises(
        ImportFailed, match=r"row 3, column 'SchoolSponsors \(name\)': is longer than 250 characters"
    ):
        run(write(tmp_path / "april.csv", rows))
    assert not Establishment.objects.exists()
