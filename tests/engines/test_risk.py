"""The risk screen engine: exact flags on hand-made schools, missing-data treatment, monotonicity."""

import copy
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolsystem.engines.risk import DEFAULT_RULES, RuleError, flags_of, precision_recall, screen

AS_OF = date(2019, 9, 1)


def _primary(**over):
    row = {
        "urn": 1, "key_stage": "ks2", "rwm_0": 70.0, "rwm_1": 72.0, "rwm_2": 71.0,
        "read_0": 0.5, "writ_0": 0.2, "mat_0": 0.1, "read_1": 0.0, "writ_1": 0.0, "mat_1": 0.0,
        "read_2": 0.0, "writ_2": 0.0, "mat_2": 0.0, "ofsted_grade": 2.0, "ofsted_category": "",
        "inspection_date": pd.Timestamp("2017-01-10"), "roll": 400, "roll_prev": 410, "capacity": 420,
        "soft_count": 0, "soft_kinds": "",
    }  # fmt: skip
    row.update(over)
    return row


def run(*rows, rules=None):
    return screen(pd.DataFrame(list(rows)), rules or DEFAULT_RULES, AS_OF)


def test_a_sound_school_has_no_concern():
    out = run(_primary())
    assert out.loc[0, "concern"] == "none" and out.loc[0, "majors"] == 0 and out.loc[0, "minors"] == 0


def test_ks2_floor_standard_needs_both_attainment_and_progress_below():
    below = run(_primary(rwm_0=60.0, mat_0=-5.5)).iloc[0]
    assert below["floor_flag"] == 2 and below["concern"] == "high"
    assert below["progress_reason"] == "Maths progress -5.5 (below -3.0)"
    attainment_only = run(_primary(rwm_0=60.0)).iloc[0]
    assert attainment_only["floor_flag"] == 0


def test_ks4_floor_uses_progress8_and_its_upper_confidence_limit():
    row = {"urn": 2, "key_stage": "ks4", "p8_0": -0.6, "p8upp_0": 0.1}
    assert run(row).loc[0, "floor_flag"] == 0
    row["p8upp_0"] = -0.2
    out = run(row).iloc[0]
    assert (
        out["floor_flag"] == 2
        and out["progress_flag"] == 2
        and out["progress_reason"] == "Progress 8 -0.60 (below -0.50)"
    )


def test_coasting_needs_every_one_of_three_years_for_a_major_flag():
    coasting = {"rwm_0": 80.0, "rwm_1": 80.0, "rwm_2": 80.0, "writ_0": -4.0, "writ_1": -4.0, "writ_2": -4.0}
    assert run(_primary(**coasting)).loc[0, "coasting_flag"] == 2
    two_years = dict(coasting, writ_2=0.0)
    assert run(_primary(**two_years)).loc[0, "coasting_flag"] == 1
    recovered = dict(coasting, writ_0=0.0)
    assert run(_primary(**recovered)).loc[0, "coasting_flag"] == 0


def test_falling_attainment_reports_the_drop():
    out = run(_primary(rwm_0=50.0, rwm_2=72.0)).iloc[0]
    assert out["attainment_trend_flag"] == 2
    assert (
        out["attainment_trend_reason"]
        == "Fell 22.0 percentage points in RWM at the expected standard over 2 years"
    )


def test_requires_improvement_and_categories_are_major_and_decisive():
    ri = run(_primary(ofsted_grade=3.0)).iloc[0]
    assert ri["ofsted_flag"] == 2 and ri["concern"] == "high"
    sm = run(_primary(ofsted_grade=4.0, ofsted_category="SM")).iloc[0]
    assert sm["ofsted_reason"] == "Judged inadequate: special measures"


def test_report_card_urgent_improvement_or_safeguarding_not_met_is_major():
    base = _primary(ofsted_grade=np.nan, ofsted_worst=4.0, ofsted_safeguarding_met=1.0)
    assert run(base).loc[0, "ofsted_flag"] == 1
    assert run(dict(base, ofsted_worst=5.0)).loc[0, "ofsted_flag"] == 2
    assert run(dict(base, ofsted_worst=3.0, ofsted_safeguarding_met=0.0)).loc[0, "ofsted_reason"] == (
        "Report card: safeguarding not met"
    )


def test_roll_and_soft_intelligence():
    out = run(
        _primary(roll=200, capacity=420, roll_prev=260, soft_count=3, soft_kinds="Headteacher turnover")
    ).iloc[0]
    assert out["roll_flag"] == 2
    assert out["roll_reason"] == "48% of capacity filled (200 of 420); roll fell 23% in a year"
    assert out["soft_intelligence_flag"] == 2 and out["soft_intelligence_reason"].startswith("3 items")


def test_missing_data_treatment_is_configurable():
    no_progress = _primary(read_0=np.nan, writ_0=np.nan, mat_0=np.nan)
    assert run(no_progress).loc[0, "progress_reason"] == "No data"
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["missing"]["progress"] = "major"
    out = run(no_progress, rules=rules).iloc[0]
    assert (
        out["progress_flag"] == 2
        and out["progress_reason"] == "No data: the rules count missing data as a major concern"
    )
    rules["missing"]["progress"] = "sometimes"
    with pytest.raises(RuleError):
        run(no_progress, rules=rules)


def test_flags_of_lists_every_metric_in_order():
    flags = flags_of(run(_primary(ofsted_grade=3.0)).iloc[0])
    assert [f["metric"] for f in flags][:3] == ["progress", "attainment_trend", "ofsted"]
    assert flags[2] == {"metric": "ofsted", "label": "Latest Ofsted outcome", "flag": "major",
                        "reason": "Latest Ofsted judgement: Requires improvement"}  # fmt: skip


def test_precision_and_recall():
    pr = precision_recall(np.array([1, 1, 0, 0, 1]), np.array([1, 0, 1, 0, 1]))
    assert (pr["tp"], pr["fp"], pr["fn"], pr["tn"]) == (2, 1, 1, 1)
    assert pr["recall"] == pytest.approx(2 / 3) and pr["precision"] == pytest.approx(2 / 3)


LEVEL = {"none": 0, "low": 1, "medium": 2, "high": 3}


@settings(max_examples=60, deadline=None)
@given(
    read=st.floats(-8, 5),
    worse=st.floats(0, 5),
    rwm=st.floats(30, 100),
    grade=st.sampled_from([1.0, 2.0, 3.0, 4.0]),
)
def test_worse_progress_never_lowers_the_concern(read, worse, rwm, grade):
    a = run(
        _primary(read_0=read, rwm_0=rwm, ofsted_grade=grade),
        _primary(read_0=read - worse, rwm_0=rwm, ofsted_grade=grade),
    )
    assert LEVEL[a.loc[1, "concern"]] >= LEVEL[a.loc[0, "concern"]]
    assert a.loc[1, "majors"] + a.loc[1, "minors"] >= a.loc[0, "majors"] + a.loc[0, "minors"] - 0


@pytest.mark.parametrize(
    "absence, persistent, flag, reason",
    [
        (4.5, 10.0, 0, ""),
        (6.5, 10.0, 1, "6.5% of sessions missed"),
        (5.0, 16.0, 1, "16.0% of pupils persistently absent"),
        (8.2, 26.0, 2, "8.2% of sessions missed; 26.0% of pupils persistently absent"),
    ],
)
def test_attendance_flags_overall_and_persistent_absence(absence, persistent, flag, reason):
    out = run(_primary(absence_0=absence, persistent_0=persistent)).iloc[0]
    assert (out["attendance_flag"], out["attendance_reason"]) == (flag, reason)


def test_attendance_missing_is_ignored_by_default_and_can_be_a_flag():
    assert run(_primary()).iloc[0]["attendance_flag"] == 0
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["missing"]["attendance"] = "minor"
    out = run(_primary(), rules=rules).iloc[0]
    assert (
        out["attendance_flag"] == 1
        and out["attendance_reason"] == "No data: the rules count missing data as a minor concern"
    )


def test_a_version_1_rule_set_without_attendance_screens_as_it_did():
    old = copy.deepcopy(DEFAULT_RULES)
    del old["attendance"]
    del old["missing"]["attendance"]
    old["version"] = 1
    school = _primary(absence_0=12.0, persistent_0=40.0)
    out = run(school, rules=old).iloc[0]
    assert out["attendance_flag"] == 0 and out["concern"] == run(_primary(), rules=old).iloc[0]["concern"]
    assert run(school).iloc[0]["attendance_flag"] == 2  # the current rule set sees it


def test_the_concern_levels_are_said_in_words_from_the_rule_set():
    """Found in review: a school was High with 1 major flag and another Medium with 1 major and 3 minor, and no page
    said why (a major Ofsted or floor flag is decisive)."""
    from schoolsystem.engines.risk import DEFAULT_RULES, concern_rule_words

    assert concern_rule_words(DEFAULT_RULES) == [
        "High: 2 or more major flags, or a major flag on Latest Ofsted outcome or Floor standard",
        "Medium: a major flag, or 3 or more minor flags",
        "Low: a minor flag",
    ]
    changed = {**DEFAULT_RULES, "concern": {**DEFAULT_RULES["concern"], "decisive": [], "high_majors": 3}}
    assert concern_rule_words(changed)[0] == "High: 3 or more major flags"
