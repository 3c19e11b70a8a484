"""The committed calibration table against the real DfE files it was measured on."""

import pytest

from schoolsystem.synthetic.calibration import CALIBRATION, QUANTILES, compare, compute_calibration


def test_committed_calibration_is_a_table_of_numbers_not_rows():
    assert abs(sum(CALIBRATION["type_mix"].values()) - 1) < 0.01
    assert abs(sum(CALIBRATION["ofsted_mix"].values()) - 1) < 0.01
    for quantiles in CALIBRATION["pupils_quantiles"].values():
        assert len(quantiles) == len(QUANTILES)
        assert quantiles == sorted(quantiles)


def test_compare_names_each_value_that_drifted_beyond_tolerance():
    drifted = {**CALIBRATION, "sat_share": CALIBRATION["sat_share"] + 0.05}
    assert compare(drifted, CALIBRATION) == [
        f"sat_share: committed {drifted['sat_share']}, real {CALIBRATION['sat_share']}"
    ]
    assert compare(CALIBRATION, CALIBRATION) == []
    sizes = {k: list(v) for k, v in CALIBRATION["pupils_quantiles"].items()}
    sizes["State-funded primary"][4] *= 1.2
    problems = compare({**CALIBRATION, "pupils_quantiles": sizes}, CALIBRATION)
    assert len(problems) == 1 and problems[0].startswith("pupils_quantiles.State-funded primary[4]")


@pytest.mark.realdata
def test_committed_calibration_matches_the_real_files(shared_data):
    computed = compute_calibration(shared_data)
    assert compare(CALIBRATION, computed) == []
    # Facts of the files themselves, so a changed source is noticed.
    assert computed["ofsted_mix"]["Serious Weaknesses"] > 0
    assert computed["pupils_quantiles"]["State-funded primary"][4] == 239.0
