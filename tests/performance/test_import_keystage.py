"""KS2 and KS4 performance tables: real Surrey files, suppression codes, year layouts and bad files."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolsystem.core.imports import ImportFailed
from schoolsystem.core.models import ImportRecord
from schoolsystem.performance.imports import KS2Import, KS4Import, parse_measures
from schoolsystem.performance.models import KeyStageResult
from schoolsystem.performance.selectors import benchmarks, owners, risk_input
from schoolsystem.registry.imports import GiasEstablishmentImport
from schoolsystem.registry.models import Establishment

YEARS = ["2016-2017", "2017-2018", "2018-2019"]
# Wyke Primary School, Normandy (Surrey): an academy converter in all three years.
WYKE = 145543


def test_parse_measures_keeps_codes_as_reasons_and_reads_percents():
    import pandas as pd

    values, reasons, invalid = parse_measures(pd.Series(["67%", "SUPP", "1.5", "NE", "", "-0.4", "abc"]))
    assert values[0] == 67.0 and values[2] == 1.5 and values[5] == -0.4
    assert list(reasons[:5]) == ["", "SUPP", "", "NE", "blank"]
    assert list(invalid) == [False, False, False, False, False, False, True]


@pytest.mark.realdata
@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_real_surrey_ks2_file_imports_with_benchmarks(shared_data, year):
    result = KS2Import().run(shared_data / "performance" / f"{year}_936_ks2final.csv", progress=False)
    rows = KeyStageResult.objects.filter(key_stage="ks2", year=year)
    assert result.counts.rows == rows.count() > 200
    assert rows.filter(level="la", la_code="936").count() == 1
    assert rows.filter(level="england").count() == 1
    england = rows.get(level="england")
    assert england.urn is None and 60 <= england.rwm_expected <= 66


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_surrey_primary_has_three_years_of_results(shared_data):
    for year in YEARS:
        KS2Import().run(shared_data / "performance" / f"{year}_936_ks2final.csv", progress=False)
    results = {r.year: r for r in KeyStageResult.objects.filter(urn=WYKE, key_stage="ks2")}
    latest = results["2018-2019"]
    # Facts of the 2018-19 file, row for URN 145543: PTRWM_EXP 78%, READPROG 1.7, WRITPROG 1.9, MATPROG 2.
    assert (latest.rwm_expected, latest.reading_progress, latest.writing_progress, latest.maths_progress) == (
        78.0,
        1.7,
        1.9,
        2.0,
    )
    assert latest.eligible_pupils == 27
    assert (
        latest.missing["PTRWM_EXP_FSM6CLA1A"] == "SUPP" if "PTRWM_EXP_FSM6CLA1A" in latest.missing else True
    )
    assert latest.import_record.file_name == "2018-2019_936_ks2final.csv" and latest.source_row >= 2
    # Kingswood Primary School kept its URN over the three years: PTRWM_EXP 70%, 82%, 65%; READPROG 2.6, 0.4, 1.4.
    kingswood = KeyStageResult.objects.filter(urn=124937, key_stage="ks2").order_by("year")
    assert [(r.year, r.rwm_expected, r.reading_progress) for r in kingswood] == [
        ("2016-2017", 70.0, 2.6),
        ("2017-2018", 82.0, 0.4),
        ("2018-2019", 65.0, 1.4),
    ]


@pytest.mark.realdata
@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
def test_real_surrey_ks4_file_imports(shared_data, year):
    KS4Import().run(shared_data / "performance" / f"{year}_936_ks4final.csv", progress=False)
    rows = KeyStageResult.objects.filter(key_stage="ks4", year=year)
    assert rows.filter(level="la").count() == 1 and rows.filter(level="england").count() == 1
    schools = rows.filter(level="school")
    assert schools.count() > 80
    assert schools.exclude(progress8=None).count() > 50
    # NP/NE/SUPP cells are missing with their reason, never zero.
    with_reason = [r for r in schools if r.progress8 is None]
    assert all(r.missing.get("progress8") for r in with_reason)


@pytest.mark.realdata
@pytest.mark.django_db
def test_suppressed_cells_are_missing_with_reason_not_zero(shared_data):
    KS2Import().run(shared_data / "performance" / "2018-2019_936_ks2final.csv", progress=False)
    suppressed = [
        r for r in KeyStageResult.objects.filter(key_stage="ks2") if r.missing.get("reading_progress")
    ]
    assert suppressed, "the Surrey file has schools with suppressed progress"
    assert all(r.reading_progress is None for r in suppressed)
    assert {r.missing["reading_progress"] for r in suppressed} <= {
        "SUPP",
        "NA",
        "LOWCOV",
        "NE",
        "NP",
        "blank",
    }


def _write(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


KS2_HEADER = [
    "RECTYPE", "LEA", "URN", "SCHNAME", "NFTYPE", "TOTPUPS", "TELIG", "PTFSM6CLA1A", "PTRWM_EXP", "PTRWM_HIGH",
    "READPROG", "WRITPROG", "MATPROG", "READ_AVERAGE", "MAT_AVERAGE", "READPROG_DESCR", "PSENELEK",
]  # fmt: skip


def _ks2_row(urn: str, rwm: str = "70%", read: str = "0.5") -> list[str]:
    return [
        "1",
        "936",
        urn,
        "A School",
        "CY",
        "200",
        "30",
        "20%",
        rwm,
        "10%",
        read,
        "0.1",
        "-0.3",
        "105",
        "104",
        "Average",
        "2%",
    ]


@pytest.mark.django_db
def test_text_in_numeric_field_fails_with_file_row_column_and_writes_nothing(tmp_path):
    path = _write(
        tmp_path,
        "2018-2019_999_ks2final.csv",
        KS2_HEADER,
        [_ks2_row("100001"), _ks2_row("100002", read="good")],
    )
    with pytest.raises(ImportFailed) as exc:
        KS2Import().run(path, progress=False)
    assert "2018-2019_999_ks2final.csv, row 3, column 'READPROG': 'good' is not a number" in exc.value.message
    assert KeyStageResult.objects.count() == 0 and ImportRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("urn", ["99999999999999999999", "-1", "0", "12.5"])
def test_a_urn_that_is_not_one_fails_with_its_row_and_writes_nothing(tmp_path, urn):
    """Found by fuzzing: a 20-digit URN crashed the cast (TypeError) and -1 failed the write."""
    path = _write(tmp_path, "2018-2019_999_ks2final.csv", KS2_HEADER, [_ks2_row("100001"), _ks2_row(urn)])
    with pytest.raises(ImportFailed) as exc:
        KS2Import().run(path, progress=False)
    assert f"2018-2019_999_ks2final.csv, row 3, column 'URN': {urn!r} is not a URN" in exc.value.message
    assert KeyStageResult.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "limit"), [("LEA", "9360", 3), ("NFTYPE", "X" * 11, 10), ("SCHNAME", "S" * 201, 200)]
)
def test_a_value_longer_than_its_field_fails_with_its_row_before_the_write(tmp_path, column, value, limit):
    """Found by fuzzing on PostgreSQL: an over-long LA code, school type or name failed the write part-way
    (SQLite stores any length, so only PostgreSQL showed it)."""
    row = _ks2_row("100002")
    row[KS2_HEADER.index(column)] = value
    path = _write(tmp_path, "2018-2019_999_ks2final.csv", KS2_HEADER, [_ks2_row("100001"), row])
    with pytest.raises(ImportFailed) as exc:
        KS2Import().run(path, progress=False)
    assert f"row 3, column '{column}': is longer than {limit} characters" in exc.value.message
    assert KeyStageResult.objects.count() == 0


@pytest.mark.django_db
def test_missing_urn_column_fails_clearly(tmp_path):
    header = [h for h in KS2_HEADER if h != "URN"]
    rows = [[v for h, v in zip(KS2_HEADER, _ks2_row("100001"), strict=True) if h != "URN"]]
    path = _write(tmp_path, "2018-2019_999_ks2final.csv", header, rows)
    with pytest.raises(ImportFailed) as exc:
        KS2Import().run(path, progress=False)
    assert "row 1, column 'URN': required column is missing" in exc.value.message
    assert KeyStageResult.objects.count() == 0


@pytest.mark.django_db
def test_wrong_year_layout_is_refused(tmp_path):
    # A 2016-17 layout (SEN statement-or-EHC column, no progress descriptor) named as 2018-19.
    header = [("PSENELSE" if h == "PSENELEK" else h) for h in KS2_HEADER if h != "READPROG_DESCR"]
    row = [v for h, v in zip(KS2_HEADER, _ks2_row("100001"), strict=True) if h != "READPROG_DESCR"]
    path = _write(tmp_path, "2018-2019_999_ks2final.csv", header, [row])
    with pytest.raises(ImportFailed) as exc:
        KS2Import().run(path, progress=False)
    assert "'PSENELEK': required column is missing" in exc.value.message
    assert "'READPROG_DESCR': required column is missing" in exc.value.message
    # The same file under its real year imports.
    ok = _write(tmp_path, "2016-2017_999_ks2final.csv", header, [row])
    assert KS2Import().run(ok, progress=False).counts.created == 1


@pytest.mark.django_db
def test_unknown_urn_is_kept_and_noted(tmp_path):
    path = _write(tmp_path, "2018-2019_999_ks2final.csv", KS2_HEADER, [_ks2_row("999999", rwm="SUPP")])
    result = KS2Import().run(path, progress=False)
    row = KeyStageResult.objects.get(urn=999999)
    assert row.rwm_expected is None and row.missing["rwm_expected"] == "SUPP"
    assert any("not in the registry" in n for n in result.notes)


@pytest.mark.django_db
def test_cli_dry_run_writes_nothing_and_year_option_overrides_name(tmp_path, capsys):
    path = _write(tmp_path, "ks2_results.csv", KS2_HEADER, [_ks2_row("100001")])
    with pytest.raises(CommandError, match="cannot tell the academic year"):
        call_command("import_data", "ks2", str(path))
    call_command("import_data", "ks2", str(path), "--year", "2018-2019", "--dry-run")
    assert KeyStageResult.objects.count() == 0
    call_command("import_data", "ks2", str(path), "--year", "2018-2019")
    assert KeyStageResult.objects.get(urn=100001).year == "2018-2019"


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_ks4_england_benchmark_is_the_state_funded_row_with_progress8(shared_data):
    """Found in review: report cards compared KS4 with England's all-schools row (RECTYPE 5: Attainment 8 44.7,
    no Progress 8), not the state-funded one (RECTYPE 7: 46.7 and -0.03, DfE's headline figures)."""
    KS4Import().run(shared_data / "performance" / "2018-2019_936_ks4final.csv", progress=False)
    england = benchmarks("ks4", "936").set_index("area").loc["England"]
    assert (england["attainment8"], england["progress8"], england["basics_94"]) == (46.7, -0.03, 65.0)


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_special_schools_without_a_gias_phase_are_screened_on_their_ks2_progress(shared_data):
    """Found in review: most special schools have phase 'Not applicable' in GIAS, so the risk screen gave them no
    key stage and ignored their KS2 progress (Manor Mead School, 125473: maths progress -3.5)."""
    GiasEstablishmentImport().run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv", progress=False)
    KS2Import().run(shared_data / "performance" / "2018-2019_936_ks2final.csv", progress=False)
    manor_mead = Establishment.objects.filter(urn=125473)
    assert manor_mead.get().phase == ""  # 'Not applicable' in the file
    row = risk_input(manor_mead, as_of=date(2019, 9, 1)).iloc[0]
    assert (row["key_stage"], row["mat_0"]) == ("ks2", -3.5)


@pytest.mark.realdata
@pytest.mark.django_db
def test_real_converters_report_card_reads_its_predecessors_census_and_has_similar_schools(shared_data):
    """Found in review: 7 of Surrey's 20 academies that converted since the 2018-19 files showed no roll or FSM
    (the census is under the predecessor's URN), and all 20 had no similar-schools comparison."""
    from schoolsystem.performance import reportcard
    from schoolsystem.performance.imports import CensusImport
    from schoolsystem.performance.models import CensusRecord
    from schoolsystem.registry.imports import GiasLinkImport

    GiasEstablishmentImport().run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv", progress=False)
    GiasLinkImport().run(shared_data / "gias" / "links_edubasealldata_2021-05.csv", progress=False)
    KS2Import().run(shared_data / "performance" / "2018-2019_936_ks2final.csv", progress=False)
    CensusImport().run(shared_data / "census" / "2018-2019_england_census.csv", progress=False)
    academy = Establishment.objects.get(urn=147427)
    assert not CensusRecord.objects.filter(urn=academy.urn).exists()
    card = reportcard.build(academy)
    ks2 = card["sections"][0]
    earlier = [u for u in owners([academy.urn])[0] if u != academy.urn]
    predecessor = CensusRecord.objects.get(urn__in=earlier, year="2018-2019")
    assert card["context"]["roll"] == predecessor.roll
    assert card["context"]["fsm"] == predecessor.fsm_percent
    assert card["context"]["source"] == f"School census 2018-2019 (its predecessor, URN {predecessor.urn})"
    assert any(row["similar"] is not None for row in ks2["comparison"])
