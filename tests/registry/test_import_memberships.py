"""The `gias-memberships` import: GIAS group links ("alllinksdata"), written by the tests in GIAS's layout."""

import pytest

from schoolsystem.core.imports import ImportFailed
from schoolsystem.registry.imports import GiasEstablishmentImport, GiasMembershipImport
from schoolsystem.registry.models import Group, Membership
from tests.registry.gias_files import MEMBERSHIP_HEADER, member, school, write

pytestmark = pytest.mark.django_db


def run(path, **kw):
    return GiasMembershipImport().run(path, progress=False, **kw)


@pytest.fixture
def schools(tmp_path):
    GiasEstablishmentImport().run(write(tmp_path / "e.csv", [school(n) for n in (1, 2, 3)]), progress=False)


def test_group_links_create_groups_and_memberships_with_joined_dates(schools, tmp_path):
    rows = [member(10, 1, "01-09-2015"), member(10, 2, "01-04-2018"), member(20, 3)]
    rows[2].update({"Group Type": "Federation", "Group Name": "Elm Federation"})
    result = run(write(tmp_path / "links.csv", rows, MEMBERSHIP_HEADER))
    assert result.counts.created == 3
    trust = Group.objects.get(uid=10)
    assert (trust.group_type, trust.group_id) == ("mat", "TR00010")
    assert Group.objects.get(uid=20).group_type == "federation"
    joined = dict(trust.memberships.values_list("establishment__urn", "joined_on"))
    assert {urn: str(d) for urn, d in joined.items()} == {1: "2015-09-01", 2: "2018-04-01"}


def test_school_no_longer_listed_leaves_the_group_and_history_is_kept(schools, tmp_path):
    run(write(tmp_path / "a.csv", [member(10, 1), member(10, 2)], MEMBERSHIP_HEADER))
    result = run(write(tmp_path / "b.csv", [member(10, 1), member(10, 3, "01-01-2021")], MEMBERSHIP_HEADER))
    assert (result.counts.created, result.counts.closed, result.counts.unchanged) == (1, 1, 1)
    left = Membership.objects.get(establishment__urn=2)
    assert left.left_on is not None
    current = set(Membership.objects.filter(left_on=None).values_list("establishment__urn", flat=True))
    assert current == {1, 3}


def test_memberships_of_groups_not_in_the_file_are_left_alone(schools, tmp_path):
    run(write(tmp_path / "a.csv", [member(10, 1), member(20, 2)], MEMBERSHIP_HEADER))
    run(write(tmp_path / "b.csv", [member(10, 1)], MEMBERSHIP_HEADER))
    assert Membership.objects.get(establishment__urn=2).left_on is None


def test_rows_for_schools_outside_the_registry_are_skipped_with_a_note(schools, tmp_path):
    result = run(write(tmp_path / "a.csv", [member(10, 1), member(10, 999999)], MEMBERSHIP_HEADER))
    assert result.counts.created == 1
    assert "1 rows skipped: their URN is not in the registry" in result.notes


def test_joined_date_correction_is_recorded(schools, tmp_path):
    run(write(tmp_path / "a.csv", [member(10, 1, "01-09-2015")], MEMBERSHIP_HEADER))
    result = run(write(tmp_path / "b.csv", [member(10, 1, "01-09-2016")], MEMBERSHIP_HEADER))
    assert result.counts.updated == 1
    assert str(Membership.objects.get().joined_on) == "2016-09-01"


def test_same_school_twice_in_a_group_is_refused(schools, tmp_path):
    with pytest.raises(ImportFailed, match=r"a.csv, row 3, column 'URN': URN 1 is listed twice in group 10"):
        run(write(tmp_path / "a.csv", [member(10, 1), member(10, 1)], MEMBERSHIP_HEADER))
    assert not Group.objects.exists()


def test_bad_joined_date_is_refused(schools, tmp_path):
    with pytest.raises(ImportFailed, match=r"row 2, column 'Joined date': '2015-09-01' is not a date"):
        run(write(tmp_path / "a.csv", [member(10, 1, "2015-09-01")], MEMBERSHIP_HEADER))


def test_a_link_whose_group_has_no_type_is_refused(schools, tmp_path):
    rows = [member(10, 1), member(20, 2)]
    rows[1].update({"Group Type": ""})
    with pytest.raises(ImportFailed, match=r"row 3, column 'Group Type': is blank but is required"):
        run(write(tmp_path / "links.csv", rows, MEMBERSHIP_HEADER))
    assert not Membership.objects.exists()
