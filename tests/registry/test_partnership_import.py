"""CSV imports of informal partnerships and system leaders: all or nothing, errors name file, row and column."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolsystem.core.audit import history_for
from schoolsystem.core.imports import PIPELINES, ImportFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Group, Membership, SystemLeader
from tests.api.world import build_world

pytestmark = pytest.mark.django_db

HEADER = "group_name,group_type,la_code,urn,role,joined_on,left_on\n"


@pytest.fixture
def world(db):
    return build_world()


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(kind, path, **kwargs):
    return PIPELINES[kind]().run(path, progress=False, **kwargs)


def test_partnerships_file_creates_partnerships_and_memberships(world, tmp_path):
    path = write(
        tmp_path,
        "partnerships.csv",
        HEADER
        + "Surrey Heath Partnership,local_strategic_partnership,936,125001,lead,2019-09-01,\n"
        + "Surrey Heath Partnership,Local strategic partnership,936,125002,,2019-09-01,2022-07-31\n"
        + "Ashford Teaching School Alliance,teaching_school_alliance,936,125002,Strategic partner,2020-01-01,\n",
    )
    result = run("partnerships", path)
    assert (result.counts.rows, result.counts.created) == (3, 3)
    heath = Group.objects.get(name="Surrey Heath Partnership")
    assert (heath.group_type, heath.la) == ("local_strategic_partnership", world.la_a)
    assert sorted(heath.memberships.values_list("establishment__urn", "role", "left_on")) == [
        (125001, "lead", None),
        (125002, "member", date(2022, 7, 31)),
    ]
    assert world.tsa.memberships.get(establishment=world.a2).role == "strategic_partner"
    assert history_for(heath).get().who == "import:partnerships"
    assert result.notes == ["1 partnership(s) created, 1 already recorded"]


def test_reimporting_with_a_leaving_date_ends_the_membership(world, tmp_path):
    first = write(tmp_path, "p1.csv", HEADER + "Heath,diocesan_network,936,125001,member,2019-09-01,\n")
    run("partnerships", first)
    second = write(
        tmp_path, "p2.csv", HEADER + "Heath,diocesan_network,936,125001,member,2019-09-01,2023-08-31\n"
    )
    result = run("partnerships", second)
    assert (result.counts.created, result.counts.closed) == (0, 1)
    membership = Membership.objects.get(group__name="Heath")
    assert membership.left_on == date(2023, 8, 31)
    assert run("partnerships", second, force=True).counts.unchanged == 1


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("Heath,diocesan_network,936,999999,member,2019-09-01,", "urn", "no establishment has URN 999999"),
        (
            "Heath,diocesan_network,999,125001,member,2019-09-01,",
            "la_code",
            "no local authority has code '999'",
        ),
        ("Heath,mat,936,125001,member,2019-09-01,", "group_type", "is not one of"),
        ("Heath,diocesan_network,936,125001,boss,2019-09-01,", "role", "is not one of"),
        ("Heath,diocesan_network,936,125001,member,01/09/2019,", "joined_on", "yyyy-mm-dd"),
        ("Heath,diocesan_network,936,125001,member,,", "joined_on", "is blank but is required"),
        ("Heath,diocesan_network,936,125001,member,2019-09-01,2018-01-01", "left_on", "is before joined_on"),
        ("Heath,diocesan_network,936,abc,member,2019-09-01,", "urn", "is not a whole number"),
        (
            "Ashford Teaching School Alliance,teaching_school_alliance,936,125001,member,2020-01-01,",
            "urn",
            "already a current member",
        ),
    ],
)
def test_a_bad_row_names_file_row_and_column_and_nothing_is_written(world, tmp_path, row, column, message):
    path = write(
        tmp_path, "bad.csv", HEADER + "Good,diocesan_network,936,125002,member,2019-09-01,\n" + row + "\n"
    )
    with pytest.raises(ImportFailed) as exc:
        run("partnerships", path)
    error = exc.value.errors[0]
    assert (error.file, error.row, error.column) == ("bad.csv", 3, column)
    assert message in error.message
    assert not Group.objects.filter(name__in=["Good", "Heath"]).exists()
    assert not AuditEvent.objects.exists()


def test_the_same_current_membership_twice_in_a_file_is_refused(world, tmp_path):
    path = write(
        tmp_path,
        "dup.csv",
        HEADER
        + "Heath,diocesan_network,936,125001,member,2019-09-01,\nheath,diocesan_network,936,125001,lead,2020-09-01,\n",
    )
    with pytest.raises(ImportFailed) as exc:
        run("partnerships", path)
    assert str(exc.value.errors[0]) == (
        "dup.csv, row 3, column 'urn': URN 125001 is a current member of heath twice (also on row 2)"
    )


def test_missing_column_is_reported(world, tmp_path):
    path = write(
        tmp_path,
        "cols.csv",
        "group_name,group_type,urn,joined_on\nHeath,diocesan_network,125001,2019-09-01\n",
    )
    with pytest.raises(ImportFailed) as exc:
        run("partnerships", path)
    assert [(e.row, e.column) for e in exc.value.errors] == [(1, "la_code")]


def test_dry_run_validates_counts_and_writes_nothing(world, tmp_path):
    path = write(tmp_path, "dry.csv", HEADER + "Heath,diocesan_network,936,125001,member,2019-09-01,\n")
    result = run("partnerships", path, dry_run=True)
    assert result.counts.created == 1 and result.dry_run
    assert not Group.objects.filter(name="Heath").exists()


def test_import_command_reports_errors(world, tmp_path):
    path = write(tmp_path, "cmd.csv", HEADER + "Heath,diocesan_network,936,999999,member,2019-09-01,\n")
    with pytest.raises(CommandError, match="row 2, column 'urn': no establishment has URN 999999"):
        call_command("import_data", "partnerships", str(path))


SL_HEADER = (
    "name,designation,urn,national_support_school,specialism,phase,designated_on,designation_ends_on,"
    "days_per_term,teaching_school_alliance\n"
)


def test_system_leaders_file_creates_then_updates(world, tmp_path):
    path = write(
        tmp_path,
        "leaders.csv",
        SL_HEADER
        + "Kim Example,NLE,125002,yes,,Secondary,2015-09-01,,20,\n"
        + "Lee Example,Specialist Leader of Education,125001,,Early years,Primary,2016-01-01,2020-12-31,4,"
        + "Ashford Teaching School Alliance\n"
        + "Mo Example,NLG,,,Governance,,2017-01-01,,3,\n",
    )
    result = run("system-leaders", path)
    assert result.counts.created == 3
    lee = SystemLeader.objects.get(name="Lee Example")
    assert (lee.designation, lee.teaching_school_alliance, lee.days_per_term) == ("SLE", world.tsa, 4)
    assert SystemLeader.objects.get(name="Kim Example").national_support_school is True
    again = write(
        tmp_path, "leaders2.csv", SL_HEADER + "Kim Example,NLE,125002,yes,,Secondary,2015-09-01,,12,\n"
    )
    result = run("system-leaders", again)
    assert (result.counts.updated, result.counts.created) == (1, 0)
    kim = SystemLeader.objects.get(name="Kim Example")
    assert history_for(kim).first().changes == {"days_per_term": [20, 12]}


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("Nat,NLX,125001,,,,,,,", "designation", "is not one of"),
        ("Nat,LLE,999999,,,,,,,", "urn", "no establishment has URN 999999"),
        ("Nat,LLE,,,,,,,,", "urn", "based at a school"),
        ("Nat,LLE,125001,maybe,,,,,,", "national_support_school", "is not one of"),
        ("Nat,LLE,125001,yes,,,,,,", "national_support_school", "Only an NLE"),
        ("Nat,LLE,125001,,,,2020-13-01,,,", "designated_on", "yyyy-mm-dd"),
        ("Nat,LLE,125001,,,,2020-01-01,2019-01-01,,", "designation_ends_on", "on or after"),
        ("Nat,LLE,125001,,,,,,many,", "days_per_term", "is not a whole number"),
        ("Nat,SLE,125001,,,,,,,No Such Alliance", "teaching_school_alliance", "no teaching school alliance"),
        # Found by fuzzing on PostgreSQL: over-long values failed the write part-way (SQLite stores any length).
        ("N" * 201 + ",LLE,125001,,,,,,,", "name", "is longer than 200 characters"),
        ("Nat,LLE,125001,," + "S" * 201 + ",,,,,", "specialism", "is longer than 200 characters"),
        ("Nat,LLE,125001,,," + "P" * 41 + ",,,,", "phase", "is longer than 40 characters"),
        ("Nat,LLE,-1,,,,,,,", "urn", "is not a whole number from 0 to"),
    ],
)
def test_a_bad_system_leader_row_names_row_and_column(world, tmp_path, row, column, message):
    path = write(tmp_path, "sl.csv", SL_HEADER + "Ok Example,LLE,125001,,,,,,2,\n" + row + "\n")
    with pytest.raises(ImportFailed) as exc:
        run("system-leaders", path)
    error = exc.value.errors[0]
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    assert not SystemLeader.objects.filter(name="Ok Example").exists()


def test_windows_1252_file_is_read(world, tmp_path):
    path = write(
        tmp_path,
        "cp.csv",
        HEADER + "Église Network,diocesan_network,936,125001,member,2019-09-01,\n",
        "cp1252",
    )
    run("partnerships", path)
    assert Group.objects.filter(name="Église Network").exists()
