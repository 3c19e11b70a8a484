"""The `gias-groups` import: the real open-trusts file, the richer all-groups layout, upsert by UID."""

import pytest

from schoolsystem.core.audit import history_for
from schoolsystem.core.imports import ImportFailed
from schoolsystem.registry.imports import GiasEstablishmentImport, GiasGroupImport
from schoolsystem.registry.models import Group
from tests.registry.gias_files import school, write

pytestmark = pytest.mark.django_db
SHORT = ["Group UID", "Group ID", "Group Name", "Companies House Number", "Group Type (code)", "Group Type"]
RICH = [
    *SHORT,
    "Closed Date",
    "Group Status (code)",
    "Group Status",
    "Open date",
    "Group Street",
    "Group Town",
    "Group Postcode",
    "Head of Group Title",
    "Head of Group First Name",
    "Head of Group Last Name",
]


def group(uid, name="Oak Trust", kind="Multi-academy trust", **extra):
    row = dict(zip(SHORT, [str(uid), f"TR{uid}", name, "01234567", "06", kind], strict=True))
    row.update(extra)
    return row


def run(path, **kw):
    return GiasGroupImport().run(path, progress=False, **kw)


@pytest.mark.realdata
def test_open_trusts_file_imports_all_groups(shared_data):
    result = run(shared_data / "gias" / "groups_open_sats_and_mats_2016-11-22.csv")
    assert result.counts.created == 3122
    assert Group.objects.filter(group_type="mat").count() == 1180
    assert Group.objects.filter(group_type="sat").count() == 1942
    aet = Group.objects.get(uid=2053)
    assert (aet.name, aet.group_id, aet.companies_house_number) == (
        "Academies Enterprise Trust",
        "TR00008",
        "06625091",
    )


def test_rich_layout_fills_status_dates_postcode_and_head(tmp_path):
    row = group(
        7,
        **{
            "Closed Date": "",
            "Group Status (code)": "OPEN",
            "Group Status": "Open",
            "Open date": "01-09-2012",
            "Group Street": "1 High St",
            "Group Town": "Guildford",
            "Group Postcode": "GU1 1AA",
            "Head of Group Title": "Dr",
            "Head of Group First Name": "Ann",
            "Head of Group Last Name": "Lee",
        },
    )
    run(write(tmp_path / "allgroupsdata.csv", [row], RICH))
    g = Group.objects.get(uid=7)
    assert (g.status, str(g.opened_on), g.head_office_postcode, g.head_name) == (
        "open",
        "2012-09-01",
        "GU1 1AA",
        "Dr Ann Lee",
    )


def test_reimport_updates_and_closes_by_uid_with_history(tmp_path):
    run(write(tmp_path / "a.csv", [group(1), group(2, "Elm Trust")]))
    closed = group(2, "Elm Trust", **{"Group Status": "Closed", "Closed Date": "31-08-2020"})
    result = run(
        write(
            tmp_path / "b.csv",
            [group(1, "Oak Academies Trust"), closed],
            [*SHORT, "Group Status", "Closed Date"],
        )
    )
    c = result.counts
    assert (c.created, c.updated, c.unchanged, c.closed) == (0, 1, 0, 1)
    oak = Group.objects.get(uid=1)
    assert history_for(oak).first().changes == {"name": ["Oak Trust", "Oak Academies Trust"]}
    elm = Group.objects.get(uid=2)
    assert (elm.status, str(elm.closed_on)) == ("closed", "2020-08-31")


def test_group_created_from_establishment_file_takes_its_uid(tmp_path):
    row = school(
        1, **{"TrustSchoolFlag (name)": "Supported by a multi-academy trust", "Trusts (name)": "OAK TRUST"}
    )
    GiasEstablishmentImport().run(write(tmp_path / "e.csv", [row]), progress=False)
    created = Group.objects.get()
    result = run(write(tmp_path / "g.csv", [group(99, "Oak Trust")]))
    assert (result.counts.created, result.counts.updated) == (0, 1)
    adopted = Group.objects.get()
    assert (adopted.pk, adopted.uid, adopted.name) == (created.pk, 99, "Oak Trust")


def test_unknown_group_type_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match=r"g.csv, row 2, column 'Group Type': 'Club' is not one of"):
        run(write(tmp_path / "g.csv", [group(1, kind="Club")]))
    assert not Group.objects.exists()


@pytest.mark.parametrize(("column", "kw"), [("Group Type", {"kind": ""}), ("Group Name", {"name": ""})])
def test_a_group_without_its_type_or_name_is_refused(tmp_path, column, kw):
    """Found by fuzzing: a blank group type failed the write (NOT NULL) instead of naming the cell."""
    with pytest.raises(ImportFailed, match=rf"g.csv, row 3, column '{column}': is blank but is required"):
        run(write(tmp_path / "g.csv", [group(1), group(2, **kw)]))
    assert not Group.objects.exists()


@pytest.mark.parametrize("uid", ["-1", "99999999999999999999"])
def test_a_group_uid_that_is_not_a_whole_number_in_range_is_refused(tmp_path, uid):
    """Found by fuzzing: -1 failed the write (a CHECK constraint), a 20-digit UID crashed the cast."""
    with pytest.raises(
        ImportFailed, match=rf"row 2, column 'Group UID': '{uid}' is not a whole number from 0 to"
    ):
        run(write(tmp_path / "g.csv", [group(uid)]))
    assert not Group.objects.exists()


def test_a_trust_the_groups_file_names_name_comma_the_is_the_establishment_files_the_name(tmp_path):
    """Found in review: "Kemnal Academies Trust, The" in the groups file and "THE KEMNAL ACADEMIES TRUST" in the
    establishment file became two trusts, one with the UID and no members, one with the members."""
    row = school(
        1,
        **{
            "TrustSchoolFlag (name)": "Supported by a multi-academy trust",
            "Trusts (name)": "THE KEMNAL ACADEMIES TRUST",
        },
    )
    GiasEstablishmentImport().run(write(tmp_path / "e.csv", [row]), progress=False)
    run(write(tmp_path / "g.csv", [group(3201, "Kemnal Academies Trust, The")]))
    trust = Group.objects.get()
    assert trust.uid == 3201 and trust.memberships.count() == 1
