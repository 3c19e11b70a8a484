"""Analytics benchmark: report-card summaries and the risk screen for every school in a national synthetic
system (25,000 schools, three years of KS2/KS4 results, census, Ofsted ratings), read from the database and
computed vectorised, against a plain pandas pass over the same data already in memory.

    python bench/analytics.py [--quick]

Prints the times and ends with `ratio=<ours / plain pandas>`. Target: ours <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup_django() -> None:
    tmp = tempfile.mkdtemp(prefix="bench-analytics-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,500 schools instead of 25,000")
    args = parser.parse_args()
    n = 2_500 if args.quick else 25_000
    setup_django()
    from datetime import date

    import numpy as np
    import pandas as pd

    from schoolsystem.core.models import ImportRecord
    from schoolsystem.engines.risk import screen
    from schoolsystem.performance.models import CensusRecord, KeyStageResult
    from schoolsystem.performance.reportcard import summary_table
    from schoolsystem.performance.selectors import active_rule_set, risk_input
    from schoolsystem.registry.models import Establishment, LocalAuthority
    from schoolsystem.synthetic.performance import frames

    rng = np.random.default_rng(2026)
    ratings = rng.choice(
        ["Outstanding", "Good", "Requires improvement", "Inadequate", ""],
        size=n,
        p=[0.2, 0.6, 0.1, 0.04, 0.06],
    )
    phases = rng.choice(["Primary", "Secondary", "Not applicable"], size=n, p=[0.8, 0.15, 0.05])
    schools = [
        {"urn": 100000 + i, "name": f"School {i}", "phase": str(phases[i]), "pupils": int(rng.integers(60, 1500)),
         "fsm": float(rng.uniform(2, 50)), "ofsted": str(ratings[i])}
        for i in range(n)
    ]  # fmt: skip
    t0 = time.perf_counter()
    data = frames(schools, seed=1)
    las = LocalAuthority.objects.bulk_create(
        [LocalAuthority(code=f"{800 + k}", name=f"LA {k}") for k in range(150)]
    )
    Establishment.objects.bulk_create(
        [
            Establishment(urn=s["urn"], la=las[i % 150], name=s["name"], type_name="Community school",
                          type_group="Local authority maintained schools", status="open", state_funded=True,
                          phase=s["phase"], capacity=int(s["pupils"] * 1.1), pupils=s["pupils"], fsm_percent=s["fsm"],
                          ofsted_rating=s["ofsted"], ofsted_last_inspection=date(2017, 1, 1) if s["ofsted"] else None)
            for i, s in enumerate(schools)
        ],
        batch_size=2000,
    )  # fmt: skip
    rec = ImportRecord.objects.create(kind="bench", file_name="synthetic", sha256="0" * 64)
    objs = []
    for r in data["ks2"].itertuples():
        objs.append(KeyStageResult(key_stage="ks2", year=r.year, level="school", urn=r.urn, eligible_pupils=int(r.eligible),
                                   rwm_expected=r.rwm, reading_progress=r.read, writing_progress=r.writ, maths_progress=r.mat,
                                   import_record=rec, source_row=2))  # fmt: skip
    for r in data["ks4"].itertuples():
        objs.append(KeyStageResult(key_stage="ks4", year=r.year, level="school", urn=r.urn, eligible_pupils=int(r.eligible),
                                   attainment8=r.att8, progress8=r.p8, progress8_upper=r.p8upp, import_record=rec, source_row=2))  # fmt: skip
    for ks, field, value in (("ks2", "rwm_expected", 65.0), ("ks4", "attainment8", 46.7)):
        for year in sorted(data["ks2"]["year"].unique()):
            objs.append(
                KeyStageResult(
                    key_stage=ks,
                    year=year,
                    level="england",
                    import_record=rec,
                    source_row=3,
                    **{field: value},
                )
            )
    KeyStageResult.objects.bulk_create(objs, batch_size=5000)
    census = data["census"][data["census"]["year"] >= "2017-2018"]
    CensusRecord.objects.bulk_create(
        [
            CensusRecord(
                urn=r.urn, year=r.year, roll=int(r.roll), fsm_percent=r.fsm, import_record=rec, source_row=2
            )
            for r in census.itertuples()
        ],
        batch_size=5000,
    )
    rules = active_rule_set().thresholds
    print(
        f"setup: {n} schools, {len(objs)} results rows, {len(census)} census rows in {time.perf_counter() - t0:.1f}s"
    )

    # ours: read from the database and compute (what the pages, API and risk_screen_run do)
    t1 = time.perf_counter()
    from schoolsystem.performance.selectors import results_frame

    frame = risk_input(Establishment.objects.all(), as_of=date(2019, 9, 1))
    t_input = time.perf_counter() - t1
    screened = screen(frame, rules, date(2019, 9, 1))
    t_screen = time.perf_counter() - t1 - t_input
    results = results_frame(Establishment.objects.values_list("urn", flat=True))
    print(
        f"  risk input {t_input:.2f}s, screen {t_screen:.2f}s, results {time.perf_counter() - t1 - t_input - t_screen:.2f}s"
    )
    england = pd.DataFrame(
        list(
            KeyStageResult.objects.filter(level="england").values(
                "key_stage", "year", "rwm_expected", "attainment8"
            )
        )
    )
    summaries = summary_table(results, england)
    ours = time.perf_counter() - t1
    print(f"ours (DB read + risk screen + report-card summaries): {ours:.2f}s; "
          f"{(screened['concern'] != 'none').sum()} schools of concern, {len(summaries)} summaries")  # fmt: skip

    # baseline: plain pandas over the same in-memory data, the headline rules only
    t2 = time.perf_counter()
    ks2 = data["ks2"].pivot_table(index="urn", columns="year", values=["rwm", "read", "writ", "mat"])
    ks4 = data["ks4"].pivot_table(index="urn", columns="year", values=["p8", "p8upp", "att8"])
    latest = sorted(data["ks2"]["year"].unique())[-1]
    first = sorted(data["ks2"]["year"].unique())[0]
    low = ks2[[("read", latest), ("writ", latest), ("mat", latest)]].min(axis=1)
    flags2 = np.where(low < -3, 2, np.where(low < -1.5, 1, 0))
    floor2 = (ks2[("rwm", latest)] < 65) & (
        (ks2[("read", latest)] < -5) | (ks2[("writ", latest)] < -7) | (ks2[("mat", latest)] < -5)
    )
    flags4 = np.where(ks4[("p8", latest)] < -0.5, 2, np.where(ks4[("p8", latest)] < -0.25, 1, 0))
    trend2 = ks2[("rwm", latest)] - ks2[("rwm", first)]
    base = pd.DataFrame(schools).set_index("urn")
    ofsted = base["ofsted"].isin(["Requires improvement", "Inadequate"])
    plain = time.perf_counter() - t2
    print(
        f"plain pandas pass (in memory, headline rules): {plain:.3f}s; {int(flags2.astype(bool).sum() + flags4.astype(bool).sum() + floor2.sum() + ofsted.sum() + (trend2 < -10).sum())} flags"
    )
    print(f"target <= 5 s: {'met' if ours <= 5 else 'NOT met'}")
    print(f"ratio={ours / plain:.1f}")


if __name__ == "__main__":
    main()
