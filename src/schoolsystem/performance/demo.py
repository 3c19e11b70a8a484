"""Performance demo content: three years of synthetic KS2/KS4 results, census and Ofsted outcomes for the demo
LA's schools, written as files and imported through the real pipelines; then soft intelligence and a
monitoring mark recorded through the services, and the risk screen run, so the at-risk list has content."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from schoolsystem.performance.constants import SoftIntelligenceKind
from schoolsystem.performance.imports import (
    AbsenceImport,
    CensusImport,
    ExclusionImport,
    KS2Import,
    KS4Import,
    OfstedImport,
)
from schoolsystem.performance.models import RiskResult
from schoolsystem.performance.services import monitoring_start, risk_screen_run, soft_intelligence_record
from schoolsystem.registry.models import Establishment
from schoolsystem.synthetic.performance import write_performance_files


def load(ctx) -> None:
    if RiskResult.objects.filter(establishment__la=ctx.la).exists():
        # `demo_data --force` runs the loaders again: the results, soft intelligence and monitoring are there.
        ctx.log("performance: demo results already present; skipped")
        return
    schools = list(
        Establishment.objects.open()
        .state_funded()
        .filter(la=ctx.la)
        .values(
            "urn",
            "name",
            "phase",
            "pupils",
            "fsm_percent",
            "ofsted_rating",
            "ofsted_last_inspection",
            "statutory_high_age",
        )
    )
    rows = [{"urn": s["urn"], "name": s["name"], "phase": s["phase"], "pupils": s["pupils"] or 200, "fsm": s["fsm_percent"],
             "ofsted": s["ofsted_rating"], "ofsted_date": s["ofsted_last_inspection"],
             "high_age": s["statutory_high_age"]} for s in schools]  # fmt: skip
    paths = write_performance_files(rows, ctx.out_dir / "performance", la_code=ctx.la.code, seed=ctx.seed)
    pipelines = {
        "ks2": KS2Import,
        "ks4": KS4Import,
        "census": CensusImport,
        "absence": AbsenceImport,
        "exclusions": ExclusionImport,
        "ofsted": OfstedImport,
    }
    for kind, files in paths.items():
        for path in files:
            result = pipelines[kind]().run(path, force=True, progress=False)
            ctx.log(f"performance: imported {path.name}: {result.counts}")
    screened = risk_screen_run(by=None)
    officer = ctx.users.get("la_officer")
    if officer is not None:
        rng = random.Random(ctx.seed)
        today = timezone.localdate()
        concerning = list(
            RiskResult.objects.filter(
                establishment__la=ctx.la, concern__in=["medium", "high"]
            ).select_related("establishment")[:12]
        )
        for result in rng.sample(concerning, min(5, len(concerning))):
            for _ in range(rng.randint(1, 3)):
                soft_intelligence_record(
                    establishment=result.establishment,
                    kind=rng.choice(SoftIntelligenceKind.values),
                    noted_on=today - timedelta(days=rng.randint(5, 200)),
                    note="Raised at the termly visit.",
                    by=officer,
                )
        if concerning:
            monitoring_start(
                establishment=concerning[0].establishment,
                reason="Falling results and a new headteacher.",
                by=officer,
            )
        risk_screen_run(
            establishments=Establishment.objects.filter(la=ctx.la).open().state_funded(), by=officer
        )
    at_risk = RiskResult.objects.filter(establishment__la=ctx.la, concern__in=["medium", "high"]).count()
    ctx.log(
        f"performance: screened {screened} schools; {at_risk} of concern (medium or high) in {ctx.la.name}"
    )
