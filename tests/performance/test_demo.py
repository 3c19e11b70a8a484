"""The performance demo loader on a small hand-made LA."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from schoolsystem.core.demo import DemoContext
from schoolsystem.performance import demo
from schoolsystem.performance.models import (
    AbsenceRecord,
    CensusRecord,
    ExclusionRecord,
    Inspection,
    KeyStageResult,
    RiskResult,
    SoftIntelligence,
)
from schoolsystem.registry.models import Establishment, LocalAuthority
from schoolsystem.synthetic.performance import frames


@pytest.mark.django_db
def test_demo_loader_imports_three_years_and_builds_an_at_risk_list(tmp_path: Path, make_user):
    la = LocalAuthority.objects.create(code="998", name="Demoshire")
    ratings = ["Good", "Outstanding", "Requires improvement", "Inadequate", "Good", "Special Measures"]
    for i in range(30):
        Establishment.objects.create(
            urn=900000 + i, la=la, name=f"School {i}", type_name="Community school", type_group="Local authority maintained schools",
            status="open", state_funded=True, phase="Secondary" if i % 5 == 0 else "Primary", capacity=300, pupils=250 - i,
            fsm_percent=10 + i, ofsted_rating=ratings[i % len(ratings)],
            ofsted_last_inspection=date(2024, 1, 10) + timedelta(days=i),
        )  # fmt: skip
    officer = make_user("la_officer", scope_la=la)
    ctx = DemoContext(la=la, users={"la_officer": officer}, seed=7, out_dir=tmp_path, log=lambda s: None)
    demo.load(ctx)
    assert set(KeyStageResult.objects.filter(level="school").values_list("year", flat=True)) == {
        "2016-2017",
        "2017-2018",
        "2018-2019",
    }
    assert KeyStageResult.objects.filter(key_stage="ks4", level="school").count() == 18
    assert KeyStageResult.objects.filter(level="la", key_stage="ks2").count() == 3
    assert CensusRecord.objects.count() == 90 and Inspection.objects.count() == 60
    assert AbsenceRecord.objects.count() == ExclusionRecord.objects.count() == 90
    assert RiskResult.objects.count() == 30
    assert RiskResult.objects.filter(concern="high").exists()
    assert SoftIntelligence.objects.exists()
    # The latest inspection on the report card is the one GIAS publishes for the school (same date).
    for est in Establishment.objects.filter(la=la):
        latest = Inspection.objects.filter(urn=est.urn).order_by("-start_date").first()
        assert latest.start_date == est.ofsted_last_inspection


def test_synthetic_results_follow_the_ofsted_rating():
    schools = [
        {
            "urn": i,
            "phase": "Primary",
            "pupils": 300,
            "fsm": 15.0,
            "ofsted": "Outstanding" if i % 2 else "Inadequate",
        }
        for i in range(400)
    ]
    ks2 = frames(schools, seed=1)["ks2"]
    infants = frames([{**s, "high_age": 7} for s in schools[:10]], seed=1)
    assert infants["ks2"].empty and infants["census"]["urn"].nunique() == 10
    latest = ks2[ks2["year"] == "2018-2019"]
    strong = latest[latest["urn"] % 2 == 1]["rwm"].mean()
    weak = latest[latest["urn"] % 2 == 0]["rwm"].mean()
    assert strong > weak + 15
