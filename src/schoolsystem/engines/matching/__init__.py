"""Matching schools to trusts, sponsors and lead partners (seed 003). Pure Python: no Django imports."""

from schoolsystem.engines.matching.evaluate import FIT_SCALE, EdgeSet, Problem
from schoolsystem.engines.matching.plan import (
    PlanChange,
    diff_plans,
    explain_orphans,
    orphan_penalty,
    plan,
    plan_problem,
)
from schoolsystem.engines.matching.types import (
    RULES,
    Assignment,
    Component,
    Exclusion,
    Orphan,
    PartnerCandidate,
    PartnerKind,
    Plan,
    Reason,
    RuleSet,
    SchoolNeed,
    ScoredCandidate,
    Shortlist,
    Weights,
)

__all__ = [
    "FIT_SCALE",
    "RULES",
    "Assignment",
    "Component",
    "EdgeSet",
    "Exclusion",
    "Orphan",
    "PartnerCandidate",
    "PartnerKind",
    "Plan",
    "PlanChange",
    "Problem",
    "Reason",
    "RuleSet",
    "SchoolNeed",
    "ScoredCandidate",
    "Shortlist",
    "Weights",
    "diff_plans",
    "explain_orphans",
    "orphan_penalty",
    "plan",
    "plan_problem",
]
