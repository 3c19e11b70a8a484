import json
import re

import pytest
from django.core.management import CommandError, call_command


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_broker_command_writes_plan_and_prints_orphans(tmp_path, capsys):
    schools = write(
        tmp_path,
        "schools.csv",
        "id,name,phase,easting,northing,religious_character\n"
        "100,Low Road,Primary,500000,150000,\n"
        "101,St Luke's,Primary,500500,150000,Roman Catholic\n",
    )
    partners = write(
        tmp_path,
        "partners.csv",
        "id,name,capacity,phases,locations\nT1,Oak Trust,2,Primary,500000 151000;520000 150000\n",
    )
    weights = write(tmp_path, "w.json", json.dumps({"distance": 1.0}))
    out = tmp_path / "plan.csv"
    call_command("broker", str(schools), str(partners), "--weights", str(weights), "--out", str(out))
    lines = out.read_text().splitlines()
    assert lines[0] == "school_id,partner_id,partner_name,fit,distance_km"
    assert lines[1].startswith("100,T1,Oak Trust,")
    printed = capsys.readouterr().out
    assert "1 placed, 1 orphan" in printed
    assert "ORPHAN 101: no_eligible_partner" in printed and "faith ethos (1)" in printed


def test_broker_command_reports_bad_files(tmp_path):
    schools = write(tmp_path, "schools.csv", "id,name,easting\n1,A,500000\n")
    partners = write(tmp_path, "partners.csv", "id,name\nT1,Oak\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("broker", str(schools), str(partners))
    schools = write(tmp_path, "schools.csv", "id,name,easting\n1,A,not-a-number\n")
    partners = write(tmp_path, "partners.csv", "id,name,capacity\nT1,Oak,1\n")
    with pytest.raises(CommandError, match="row 2 easting"):
        call_command("broker", str(schools), str(partners))


@pytest.mark.parametrize(
    ("schools_text", "partners_text", "message"),
    [
        (
            "id,name,easting\n1,A,inf\n",
            "id,name,capacity\nT1,Oak,1\n",
            "row 2 easting: 'inf' is not a number",
        ),
        (
            "id,name,pupils\n1,A,-40\n",
            "id,name,capacity\nT1,Oak,1\n",
            "'-40' is not a whole number of 0 or more",
        ),
        ("id,name,pupils\n1,A,12.5\n", "id,name,capacity\nT1,Oak,1\n", "'12.5' is not a whole number"),
        ("id,name\n1,A\n", "id,name,capacity,locations\nT1,Oak,1,nan 150000\n", "'nan' is not a number"),
    ],
)
def test_broker_files_refuse_what_is_not_a_finite_number_or_a_whole_number(
    tmp_path, schools_text, partners_text, message
):
    """Found while checking every file reader for hostile numbers: "inf" or "nan" was taken as a coordinate, and a
    negative count as a count."""
    schools = write(tmp_path, "schools.csv", schools_text)
    partners = write(tmp_path, "partners.csv", partners_text)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("broker", str(schools), str(partners))


def test_broker_command_refuses_a_misspelt_column_instead_of_ignoring_it(tmp_path):
    schools = write(tmp_path, "schools.csv", "id,name,pupil\n1,A,300\n")
    partners = write(tmp_path, "partners.csv", "id,name,capacity\nT1,Oak,1\n")
    with pytest.raises(
        CommandError, match=r"schools.csv: unknown column\(s\) 'pupil'; the columns are id, name, urn"
    ):
        call_command("broker", str(schools), str(partners))


def test_every_broker_column_is_documented():
    from pathlib import Path

    from schoolsystem.engines.matching import files

    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-formats.md").read_text()
    section = doc[doc.index("## Brokerage files") :]
    columns = [*files.SCHOOL_COLUMNS, *files.SCHOOL_OPTIONAL, *files.PARTNER_COLUMNS, *files.PARTNER_OPTIONAL]
    assert [c for c in columns if f"`{c}`" not in section] == []
