"""A case for a school causing concern: one model for maintained schools and academies (seed 002, 003)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from schoolsystem.core.models import TimeStampedModel
from schoolsystem.improvement.constants import (
    OPEN_CASE_STATES,
    AcademyOrderState,
    CaseAction,
    CaseSector,
    CaseSource,
    CaseState,
    ConsultationOutcome,
    InterventionOption,
    WarningGround,
)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_CASE_STATES)


class Case(TimeStampedModel):
    school = models.ForeignKey("registry.Establishment", on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(
        max_length=30, choices=CaseState.choices, default=CaseState.IDENTIFIED, db_index=True
    )
    state_changed_on = models.DateTimeField()
    sector = models.CharField(max_length=20, choices=CaseSector.choices)
    # For an academy: the trust the case works with (its current trust when the case opened).
    trust = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(max_length=20, choices=CaseSource.choices, default=CaseSource.MANUAL)
    # When the concern was identified, which may be before the case was recorded here (created_on): a warning
    # notice issued on paper first, say. The case's dated steps (notice, consultations) are on or after it.
    identified_on = models.DateField(default=timezone.localdate)
    reasons = models.JSONField(default=list, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(blank=True)
    # [{"text": "...", "met": bool}]: a case exits only when every criterion is met.
    exit_criteria = models.JSONField(default=list, blank=True)
    next_visit_due = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    warning_grounds = models.JSONField(default=list, blank=True)
    warning_notice_issued_on = models.DateField(null=True, blank=True)
    compliance_by = models.DateField(null=True, blank=True)
    intervention = models.CharField(max_length=30, choices=InterventionOption.choices, blank=True)
    intervention_partner_name = models.CharField(max_length=250, blank=True)
    intervention_partner_group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    intervention_chosen_on = models.DateField(null=True, blank=True)
    intervention_decision = models.ForeignKey(
        "improvement.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_on = models.DateField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    # Optimistic locking: every save bumps it; an edit loaded at an older version is refused (StaleEdit).
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(state__in=sorted(OPEN_CASE_STATES)),
                name="one_open_case_per_school",
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} – {self.school.name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES

    @property
    def warning_grounds_labels(self) -> list[str]:
        """The warning notice's grounds in words (seed 002), not their codes."""
        return [
            WarningGround(g).label if g in WarningGround.values else g for g in self.warning_grounds or []
        ]

    @property
    def exit_criteria_met(self) -> bool:
        return bool(self.exit_criteria) and all(c.get("met") for c in self.exit_criteria)


def _iso_words(value) -> str:
    """An ISO date kept in an event's data, in words (3 November 2026); as kept if it is not one."""
    from datetime import date

    from schoolsystem.core.formatting import govuk_date

    try:
        return govuk_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "none")


# Events of a case's history that are not workflow transitions (those carry their CaseAction label).
EVENT_LABELS = {
    "opened": "Case opened",
    "edited": "Summary or exit criteria edited",
    "visit": "Monitoring visit",
    "consultation": "Consultation with the school",
    "consultation_response": "The school's response to the consultation",
    "sponsor_found": "Sponsor found for the academy order",
    "academy_order_revoked": "Academy order revoked",
    "warning_notice_corrected": "Warning notice corrected",
    "warning_notice_withdrawn": "Warning notice withdrawn",
}


class CaseEvent(models.Model):
    """One entry of a case's history: a transition, a visit, a consultation, an edit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    occurred_on = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.action} on case {self.case_id}"

    @property
    def action_label(self) -> str:
        """What happened, in words: the transition's label or the label of a recorded event."""
        if self.action in CaseAction.values:
            return CaseAction(self.action).label
        return EVENT_LABELS.get(self.action, self.action.replace("_", " ").capitalize())

    @property
    def step_date_text(self) -> str:
        """The date of the step the event records, as entered, in words ("Held on 3 November 2026"), or what a
        correction of the warning notice changed; "" for events without one."""
        data = self.data or {}
        if self.action == "warning_notice_corrected":
            was, now = data.get("was") or {}, data
            changes = [
                f"{label} {_iso_words(was.get(key))} changed to {_iso_words(now.get(key))}"
                for key, label in (("issued_on", "issued"), ("compliance_by", "comply by"))
                if was.get(key) != now.get(key)
            ]
            if was.get("grounds") != now.get("grounds"):
                changes.append("grounds changed")
            text = "; ".join(changes)
            return text[:1].upper() + text[1:]
        if self.action == "warning_notice_withdrawn":
            was = data.get("was") or {}
            return f"Notice issued {_iso_words(was.get('issued_on'))}, comply by {_iso_words(was.get('compliance_by'))}"
        for key, words in (
            ("held_on", "Held on"),
            ("visited_on", "Visited on"),
            ("reviewed_on", "Reviewed on"),
            ("issued_on", "Issued on"),
        ):
            if data.get(key):
                return f"{words} {_iso_words(data[key])}"
        return ""

    @property
    def state_change(self) -> str:
        """'Monitoring → Early conversation (pre-warning)' when the event moved the case, else ''."""
        if self.from_state == self.to_state or not self.to_state:
            return ""
        labels = dict(CaseState.choices)
        before = labels.get(self.from_state, "New case") if self.from_state else "New case"
        return f"{before} → {labels.get(self.to_state, self.to_state)}"


class Consultation(TimeStampedModel):
    """The school is consulted before any brokering or structural decision (seed 003 proposal 6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    proposal = models.TextField(help_text="What was proposed to the school.")
    consulted_on = models.DateField()
    school_response = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=ConsultationOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-consulted_on", "-id"]

    def __str__(self) -> str:
        return f"Consultation {self.consulted_on} on case {self.case_id}"


class AcademyOrder(TimeStampedModel):
    """An academy order for an inadequate maintained school: issued -> sponsor found, or revoked (seed 003)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="academy_order")
    state = models.CharField(
        max_length=20, choices=AcademyOrderState.choices, default=AcademyOrderState.ISSUED
    )
    issued_on = models.DateField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sponsor_group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sponsor_found_on = models.DateField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    decision = models.ForeignKey(
        "improvement.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Academy order for {self.case.school.name}"
