"""`schoolsystem broker SCHOOLS.csv PARTNERS.csv [--weights W.json] [--rules R.json] [--out PLAN.csv]`

For analysts: runs the matching engine over files, no database. The plan goes to --out (or stdout), the orphan
schools with their reasons to stdout.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schoolsystem.engines.matching import Problem, RuleSet, Weights, plan_problem
from schoolsystem.engines.matching.files import FileError, plan_csv, read_partners, read_schools


class Command(BaseCommand):
    help = (
        "Plan which partner takes which school, from two CSV files, without the database "
        "(columns: docs/data-formats.md, 'Brokerage files')."
    )

    def add_arguments(self, parser):
        parser.add_argument("schools", help="CSV of schools needing a partner (id, name, ...)")
        parser.add_argument("partners", help="CSV of candidate partners (id, name, capacity, ...)")
        parser.add_argument("--weights", help='JSON object of fit weights, e.g. {"distance": 0.5}')
        parser.add_argument(
            "--rules", help='JSON object of rule settings, e.g. {"default_max_distance_km": 30}'
        )
        parser.add_argument("--out", help="write the plan CSV here (default: stdout)")
        parser.add_argument(
            "--solver",
            default="auto",
            choices=["auto", "min_cost_flow", "cp_sat", "greedy"],
            help="auto: min-cost flow, or CP-SAT when schools must go together or yearly limits apply",
        )

    def handle(self, *args, schools, partners, weights, rules, out, solver, **options):
        try:
            s = read_schools(schools)
            p = read_partners(partners)
            w = Weights.from_dict(json.loads(Path(weights).read_text())) if weights else Weights()
            r = RuleSet.from_dict(json.loads(Path(rules).read_text())) if rules else RuleSet()
            problem = Problem(s, p, r, w)
            result = plan_problem(problem, solver=solver)
        except (FileError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        text = plan_csv(result, {x.id: x.name for x in p})
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
        self.stdout.write(
            f"{len(result.assignments)} placed, {len(result.orphans)} orphan school(s), total fit {result.total_fit} "
            f"({result.solver})"
        )
        for o in result.orphans:
            self.stdout.write(f"ORPHAN {o.school_id}: {o.reason}: {o.detail}")
