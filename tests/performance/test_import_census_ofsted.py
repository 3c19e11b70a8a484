"""Census and Ofsted imports: real census file, both Ofsted layouts, bad files."""

from datetime import date
from pathlib import Path

import pytest

from schoolsystem.core.imports import ImportFailed
from schoolsystem.performance.imports import CensusImport, OfstedImport
from schoolsystem.performance.models import CensusRecord, Inspection


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_england_census_imports_roll_fsm_sen_eal(shared_data):
    result = CensusImport().run(shared_data / "census" / "2018-2019_england_census.csv", progress=False)
    assert CensusRecord.objects.count() == result.counts.rows - 3 or CensusRecord.objects.count() > 23_000
    first = CensusRecord.objects.get(urn=100000)
    # Row 2 of the file: NOR 285, NUMFSM 32, PNUMFSMEVER 16.2, PSENELK 17.5, PSENELSE 1.8, PNUMEAL 49.5.
    assert (
        first.roll,
        first.fsm_ever_percent,
        first.sen_support_percent,
        first.sen_ehc_percent,
        first.eal_percent,
    ) == (285, 16.2, 17.5, 1.8, 49.5)
    assert first.fsm_percent == pytest.approx(11.2)
    assert any("national total" in n for n in result.notes)
    na = CensusRecord.objects.filter(eal_percent=None).first()
    assert na.missing["eal_percent"] == "NA"


LEGACY_HEADER = (
    "URN,Inspection number,Inspection type,Inspection start date,Publication date,Overall effectiveness,"
    "Category of concern,Quality of education,Behaviour and attitudes,Personal development,"
    "Effectiveness of leadership and management,Early years provision (where applicable),"
    "Sixth form provision (where applicable),Safeguarding is effective?"
)
CARD_HEADER = (
    "URN,Inspection number,Inspection type,Inspection start date,Publication date,Inclusion,Curriculum and teaching,"
    "Achievement,Attendance and behaviour,Personal development and well-being,Leadership and governance,"
    "Early years,Sixth form,Safeguarding"
)


def _file(tmp_path: Path, name: str, header: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_legacy_ofsted_layout_imports_grades_and_category(tmp_path):
    path = _file(
        tmp_path, "ofsted_mi.csv", LEGACY_HEADER,
        "100001,10001,Section 5,12/03/2019,20/04/2019,4,SM,4,3,3,4,,NULL,No",
        "100002,10002,Section 8,01/10/2018,01/11/2018,2,,2,2,2,2,2,,Yes",
    )  # fmt: skip
    result = OfstedImport().run(path, progress=False)
    assert result.counts.created == 2
    weak = Inspection.objects.get(urn=100001)
    assert (weak.framework, weak.overall_effectiveness, weak.category_of_concern) == ("legacy", 4, "SM")
    assert weak.start_date == date(2019, 3, 12) and weak.safeguarding_met is False and weak.sixth_form is None


@pytest.mark.django_db
def test_report_card_layout_imports_five_point_areas(tmp_path):
    path = _file(
        tmp_path, "ofsted_cards.csv", CARD_HEADER,
        "100001,20001,Full,18/11/2025,10/01/2026,Needs attention,Expected standard,Urgent improvement,"
        "Strong standard,Exceptional,Needs attention,Not applicable,,Met",
    )  # fmt: skip
    OfstedImport().run(path, progress=False)
    card = Inspection.objects.get(urn=100001)
    assert card.framework == "report_card" and card.overall_effectiveness is None
    assert card.evaluations == {
        "inclusion": 4,
        "curriculum_and_teaching": 3,
        "achievement": 5,
        "attendance_and_behaviour": 2,
        "personal_development": 1,
        "leadership_and_governance": 4,
    }
    assert card.safeguarding_met is True


@pytest.mark.django_db
def test_bad_grade_and_date_fail_with_row_and_column_and_write_nothing(tmp_path):
    path = _file(
        tmp_path, "ofsted_mi.csv", LEGACY_HEADER,
        "100001,10001,Section 5,12/03/2019,20/04/2019,Good,,,,,,,,Yes",
        "100002,10002,Section 5,2019-03-12,,2,,,,,,,,Yes",
    )  # fmt: skip
    with pytest.raises(ImportFailed) as exc:
        OfstedImport().run(path, progress=False)
    assert "row 2, column 'Overall effectiveness': 'Good' is not one of 1, 2, 3, 4" in exc.value.message
    assert "row 3, column 'Inspection start date'" in exc.value.message
    assert Inspection.objects.count() == 0


@pytest.mark.django_db
def test_file_of_neither_layout_is_refused(tmp_path):
    path = _file(tmp_path, "other.csv", "URN,Name", "100001,A school")
    with pytest.raises(ImportFailed, match="not an Ofsted outcomes file"):
        OfstedImport().run(path, progress=False)


@pytest.mark.django_db
def test_reimporting_a_corrected_file_updates_the_inspection(tmp_path):
    OfstedImport().run(
        _file(tmp_path, "a.csv", LEGACY_HEADER, "100001,1,S5,12/03/2019,,3,,,,,,,,Yes"), progress=False
    )
    result = OfstedImport().run(
        _file(tmp_path, "b.csv", LEGACY_HEADER, "100001,1,S5,12/03/2019,,2,,,,,,,,Yes"), progress=False
    )
    assert (result.counts.created, result.counts.updated) == (0, 1)
    assert Inspection.objects.get(urn=100001).overall_effectiveness == 2


@pytest.mark.django_db
def test_a_census_value_longer_than_its_field_fails_with_its_row(tmp_path):
    """Found by fuzzing on PostgreSQL: an over-long LA code or school type failed the write part-way."""
    path = tmp_path / "2018-2019_england_census.csv"
    header = "URN,LA,SCHOOLTYPE,NOR,NUMFSM,PNUMFSMEVER,PSENELK,PSENELSE,PNUMEAL\n"
    figures = ",200,20,12.0,10.0,2.0,5.0\n"
    path.write_text(header + "100001,9360,Community" + figures + "100002,936," + "T" * 61 + figures)
    with pytest.raises(ImportFailed) as exc:
        CensusImport().run(path, progress=False)
    assert "row 2, column 'LA': is longer than 3 characters" in exc.value.message
    assert "row 3, column 'SCHOOLTYPE': is longer than 60 characters" in exc.value.message
    assert not CensusRecord.objects.exists()
