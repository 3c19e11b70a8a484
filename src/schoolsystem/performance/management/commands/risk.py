"""`schoolsystem risk run | backtest`"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Risk screen: `run` screens every open state-funded school; `backtest` checks flags against later Ofsted outcomes."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run", "backtest"])
        parser.add_argument(
            "--data-dir", default="../shared/data", help="folder with performance/ and gias/ (backtest)"
        )
        parser.add_argument(
            "--until", default="2017-2018", help="last results year the screen may see (backtest)"
        )
        parser.add_argument(
            "--gias", help="later GIAS establishments file (default: gias/edubase_surrey_936_2021-04.csv)"
        )
        parser.add_argument(
            "--links", help="GIAS links file (default: gias/links_edubasealldata_2021-05.csv)"
        )
        parser.add_argument("--la", default="936", help="LA code of the performance files (backtest)")

    def handle(self, *args, action, **opts):
        if action == "run":
            from schoolsystem.performance.services import risk_screen_run

            n = risk_screen_run(by=None)
            self.stdout.write(self.style.SUCCESS(f"Screened {n} schools."))
            return
        from schoolsystem.performance.backtest import run_backtest

        data = Path(opts["data_dir"])
        if not data.exists() and Path("/work/shared/data").exists():
            data = Path("/work/shared/data")
        until = opts["until"]
        perf = data / "performance"
        ks2 = sorted(p for p in perf.glob(f"*_{opts['la']}_ks2final.csv") if p.name[:9] <= until)
        ks4 = sorted(p for p in perf.glob(f"*_{opts['la']}_ks4final.csv") if p.name[:9] <= until)
        if not ks2 and not ks4:
            raise CommandError(f"no KS2/KS4 files up to {until} in {perf}")
        gias = Path(opts["gias"]) if opts["gias"] else data / "gias" / "edubase_surrey_936_2021-04.csv"
        links = Path(opts["links"]) if opts["links"] else data / "gias" / "links_edubasealldata_2021-05.csv"
        after = date(int(until[5:]), 8, 31)
        result = run_backtest(
            ks2_files=ks2, ks4_files=ks4, gias=gias, links=links if links.exists() else None, after=after
        )
        self.stdout.write(f"Results used: {', '.join(p.name for p in ks2 + ks4)}")
        self.stdout.write(f"Outcomes: {gias.name}, inspections after {after:%d %B %Y}")
        self.stdout.write(
            f"Schools inspected later: {result.schools}; judged RI or inadequate: {result.positives}"
        )
        self.stdout.write(
            f"{'flagged at':<12}{'flagged':>8}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}{'recall':>9}{'precision':>11}"
        )
        for r in result.rows:
            self.stdout.write(
                f"{r['cutoff'] + '+':<12}{r['flagged']:>8}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}{r['tn']:>5}"
                f"{r['recall']:>9.2f}{r['precision']:>11.2f}"
            )
        if result.schools:
            self.stdout.write(
                f"Chance: flagging schools at random has precision {result.positives / result.schools:.2f} "
                "(the share of schools later judged RI or inadequate) at any recall."
            )
