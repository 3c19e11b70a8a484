"""Brokerage: rounds of schools needing a partner, explained candidates, the proposed plan and its workflow
(due diligence -> consultation -> advisory board -> hand-off), and partner profiles (seed 003)."""

from django.conf import settings
from django.db import models

from schoolsystem.brokerage.constants import (
    BoardOutcome,
    ConsultationOutcome,
    DueDiligenceItem,
    DueDiligenceOutcome,
    MoveType,
    ProposalStatus,
    RoundStatus,
    Scenario,
)
from schoolsystem.core.models import TimeStampedModel


class PartnerProfile(TimeStampedModel):
    """What brokerage knows about a trust beyond GIAS: room for new schools, reach, concerns, faith, strengths.
    Edited by regional officers; a trust without a profile gets the defaults (constants.DEFAULT_CAPACITY_*)."""

    group = models.OneToOneField("registry.Group", on_delete=models.CASCADE, related_name="brokerage_profile")
    capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="New schools the trust can take now. Blank: derived from its size."
    )
    max_distance_km = models.FloatField(
        default=50.0, help_text="Furthest a new school may be from its schools."
    )
    max_new_per_year = models.PositiveSmallIntegerField(null=True, blank=True)
    open_serious_concern = models.BooleanField(default=False)
    concern_note = models.CharField(max_length=300, blank=True)
    denomination = models.CharField(max_length=100, blank=True)
    diocesan_consent = models.JSONField(default=list, blank=True, help_text="Dioceses that consent.")
    expertise = models.JSONField(default=list, blank=True)
    accepts_estate_risk = models.BooleanField(
        default=True, help_text="Takes schools with PFI, land or buildings risk."
    )

    def __str__(self) -> str:
        return f"Brokerage profile of {self.group}"


PLAN_METHODS = {
    "min_cost_flow": "Proved optimal (min-cost flow).",
    "cp_sat": "Proved optimal with the group and yearly-limit rules (CP-SAT).",
    "cp_sat_time_limited": "The best plan found within the time limit; not proved optimal (CP-SAT).",
    "greedy": "Best pair first; not optimal.",
}


class Round(TimeStampedModel):
    """One brokerage exercise: one school (an academy order) or many (a closing MAT), in one LA's area."""

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    scenario = models.CharField(max_length=20, choices=Scenario.choices)
    la = models.ForeignKey(
        "registry.LocalAuthority", on_delete=models.PROTECT, related_name="brokerage_rounds"
    )
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    leaving_group = models.ForeignKey(
        "registry.Group",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The trust the schools are leaving (re-brokerage) or that is closing.",
    )
    weights = models.JSONField(default=dict, blank=True)
    rules = models.JSONField(default=dict, blank=True)
    plan_summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def started_on(self):
        """The day the round started (it was created): nothing of its brokerage happened before it."""
        from django.utils import timezone

        return timezone.localdate(self.created_on)

    @property
    def plan_method(self) -> str:
        """How the proposed plan was found, in words (the solver name is kept in `plan_summary`)."""
        return PLAN_METHODS.get(self.plan_summary.get("solver", ""), "")


class RoundPlan(TimeStampedModel):
    """The inputs the engine planned the round from, and the plan it proposed: the baseline of every what-if.
    The register moves on after a plan (hand-offs change memberships, profiles change capacities), so a what-if
    re-built from it would compare unlike with unlike; it changes the stored inputs instead. Replaced when the
    round is planned again. Kept apart from Round so pages that list rounds do not load it."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="plan_record")
    inputs = models.JSONField(help_text="schools, partners, rules and weights as the engine saw them")
    result = models.JSONField(help_text="assignments, orphans and totals of the plan proposed")

    def __str__(self) -> str:
        return f"Plan of {self.round_id}"


class RoundSchool(TimeStampedModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="schools")
    establishment = models.ForeignKey("registry.Establishment", on_delete=models.PROTECT, related_name="+")
    move_type = models.CharField(max_length=20, choices=MoveType.choices, blank=True)
    performing = models.BooleanField(default=False, help_text="Performing schools help choose their trust.")
    preferences = models.JSONField(default=list, blank=True, help_text="Ranked partner keys, e.g. group:12.")
    group_key = models.CharField(max_length=40, blank=True, help_text="Schools with one key go together.")
    join_year = models.PositiveSmallIntegerField(null=True, blank=True)
    needs = models.JSONField(default=list, blank=True)
    finance_flag = models.BooleanField(default=False)
    estate_flag = models.BooleanField(default=False, help_text="PFI contract, land or buildings issues.")
    orphan_reason = models.CharField(max_length=40, blank=True)
    orphan_detail = models.TextField(blank=True)

    class Meta:
        ordering = ["establishment__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "establishment"], name="one_school_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.establishment} in {self.round.reference}"


class Candidate(models.Model):
    """A snapshot of one partner considered for one school: its fit broken down, or why it was excluded."""

    round_school = models.ForeignKey(RoundSchool, on_delete=models.CASCADE, related_name="candidates")
    partner_key = models.CharField(max_length=40)
    partner_name = models.CharField(max_length=250)
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eligible = models.BooleanField()
    rank = models.PositiveIntegerField(null=True, blank=True)
    fit = models.FloatField(null=True, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    breakdown = models.JSONField(default=list, blank=True)  # [{name, value, weight, points}]
    reasons = models.JSONField(default=list, blank=True)  # [{code, label, message}]

    class Meta:
        ordering = ["-eligible", "rank", "partner_name"]

    def __str__(self) -> str:
        return f"{self.partner_name} for {self.round_school_id}"


class Proposal(TimeStampedModel):
    """One line of the plan: this school to this partner, and its way through to a decision."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    round_school = models.ForeignKey(RoundSchool, on_delete=models.CASCADE, related_name="proposals")
    partner_key = models.CharField(max_length=40)
    partner_name = models.CharField(max_length=250)
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="brokerage_proposals"
    )
    fit = models.FloatField()
    distance_km = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, db_index=True
    )
    status_changed_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round_school__establishment__name"]

    def __str__(self) -> str:
        return f"{self.round_school.establishment.name} to {self.partner_name}"


class DueDiligenceCheck(TimeStampedModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="checks")
    item = models.CharField(max_length=20, choices=DueDiligenceItem.choices)
    outcome = models.CharField(
        max_length=20, choices=DueDiligenceOutcome.choices, default=DueDiligenceOutcome.PENDING
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "item"], name="one_check_per_item")]


class Consultation(TimeStampedModel):
    """The school's consultation (seed 003 proposal 6: every school is consulted before it is brokered)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField()
    summary = models.TextField()
    outcome = models.CharField(max_length=20, choices=ConsultationOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class BoardDecision(TimeStampedModel):
    """The advisory board's decision, published on the decision register (seed 003 proposal 7)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=BoardOutcome.choices)
    reasons = models.TextField()
    decided_on = models.DateField()
    decided_by_name = models.CharField(max_length=200)
    register_decision_id = models.CharField(
        max_length=40, blank=True, help_text="The public register's decision id, when published there."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-id"]


class HandOff(TimeStampedModel):
    """The approved move taking effect: the registry Membership it created (docs/decisions/0072)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="hand_off")
    effective_on = models.DateField()
    membership = models.ForeignKey(
        "registry.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school's new membership of the receiving trust.",
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
