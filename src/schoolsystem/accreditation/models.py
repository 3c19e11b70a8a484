"""Accreditation of school-improvement providers: organisations, proposals, assessment, outcomes (seed 000)."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q

from schoolsystem.accreditation.constants import (
    HISTORY_LABELS,
    SCORE_CHOICES,
    AccreditationStatus,
    AccreditationType,
    ComplaintStatus,
    Criterion,
    Denomination,
    Heading,
    OrgType,
    PartnerKind,
    Recommendation,
    Route,
    Status,
)
from schoolsystem.core.formatting import govuk_date
from schoolsystem.core.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL


class Organisation(TimeStampedModel):
    """An organisation that applies for accreditation (seed 000 §2.2–2.4), tied to the registry where it is
    a school (Establishment) or a trust, federation or diocese network (Group)."""

    name = models.CharField(max_length=250)
    org_type = models.CharField("type of organisation", max_length=40, choices=OrgType.choices)
    is_educational = models.BooleanField(
        default=True,
        help_text="False for private and third sector organisations without educational expertise.",
    )
    establishment = models.ForeignKey(
        "registry.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    national_support_school = models.BooleanField(default=False)
    denomination = models.CharField(max_length=10, choices=Denomination.choices, blank=True)
    diocese = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMember(TimeStampedModel):
    """Which organisation an applicant user speaks for. An applicant sees only its organisation's proposals."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="accreditation_membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.user} for {self.organisation}"


class Round(TimeStampedModel):
    """A termly application round (§3.4)."""

    name = models.CharField(max_length=100, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="round_dates")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({govuk_date(self.opens_on)} to {govuk_date(self.closes_on)})"


class Application(TimeStampedModel):
    """A proposal for accreditation as an ASP or ASG. Editable while a draft; locked once submitted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    accreditation_type = models.CharField(max_length=3, choices=AccreditationType.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True)
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    out_of_round_reason = models.TextField(blank=True)
    # §3.4 "by arrangement": who in the department agreed the out-of-round proposal and when, recorded by the
    # decision maker's office, separately from the reason the applicant gives.
    out_of_round_agreed_by = models.CharField(max_length=200, blank=True)
    out_of_round_agreed_on = models.DateField(null=True, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.OWN_RIGHT)
    education_strategy = models.TextField(blank=True)
    phases = models.JSONField(default=list, blank=True)
    la_codes = models.JSONField("areas (LA codes)", default=list, blank=True)
    proposed_capacity = models.PositiveSmallIntegerField(default=1)
    schools_led_in_formal_partnership = models.PositiveSmallIntegerField(default=0)
    primary_schools_governed = models.PositiveSmallIntegerField(default=0)
    ineligibility_reasons = models.JSONField(default=list, blank=True)
    submitted_on = models.DateTimeField(null=True, blank=True)
    assessor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    recommendation_note = models.TextField(blank=True)
    advisory_note = models.TextField(blank=True)
    decision_note = models.TextField(blank=True)
    decided_on = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    feedback = models.TextField(blank=True)
    feedback_review_note = models.TextField(blank=True)
    feedback_released_on = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_on"]
        indexes = [models.Index(fields=["assessor", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation.name} ({self.accreditation_type})"

    @property
    def reference(self) -> str:
        return f"ACC-{self.pk:05d}" if self.pk else "ACC-new"

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT


class Partner(TimeStampedModel):
    """An educational co-partner or consortium member (§2.10–2.12). Need not be accredited; must meet the
    track-record criteria, so its track record is recorded."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(max_length=20, choices=PartnerKind.choices, default=PartnerKind.CO_PARTNER)
    name = models.CharField(max_length=250)
    is_educational = models.BooleanField(default=True)
    track_record = models.TextField(blank=True)
    establishment = models.ForeignKey(
        "registry.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Evidence(TimeStampedModel):
    """The applicant's evidence against one criterion (Part One, Part Two, §2.10–2.11 sections)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    text = models.TextField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="one_evidence_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.criterion}"


def attachment_path(instance, filename: str) -> str:
    return f"accreditation/{instance.application_id}/{Path(filename).name}"


class Attachment(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    criterion = models.CharField(max_length=30, choices=Criterion.choices, blank=True)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ConflictDeclaration(TimeStampedModel):
    """An assessor's declared conflict of interest with an organisation: they cannot assess its proposals."""

    assessor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="accreditation_conflicts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessor", "organisation"], name="one_conflict_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.assessor} / {self.organisation}"


class Score(TimeStampedModel):
    """The assessor's score against one decision heading, with notes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    heading = models.CharField(max_length=20, choices=Heading.choices)
    score = models.PositiveSmallIntegerField(choices=SCORE_CHOICES)
    notes = models.TextField(blank=True)
    scored_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "heading"], name="one_score_per_heading"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=4), name="score_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.heading}={self.score}"


class InformationRequest(TimeStampedModel):
    """A request for further information (§3.2). The assessment clock stops from `requested_on` until
    `answered_on`."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    request = models.TextField()
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_on = models.DateTimeField()
    response = models.TextField(blank=True)
    answered_on = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["requested_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_on__isnull=True),
                name="one_open_information_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} request {self.requested_on:%d %b %Y}"


class HistoryEntry(models.Model):
    """The application's own history, shown to everyone who may see it (the audit log holds field changes)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    occurred_on = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"

    @property
    def action_label(self) -> str:
        return HISTORY_LABELS.get(self.action, self.action.replace("_", " ").capitalize())

    @property
    def actor_name(self) -> str:
        """The person's name (their username only if they have none); empty for the system."""
        return self.actor.display_name if self.actor else ""

    @property
    def actor_role(self) -> str:
        """The person's role in words, e.g. "Accreditation assessor"."""
        if self.actor is None:
            return ""
        return "Administrator" if self.actor.is_superuser else self.actor.get_role_display()

    @property
    def to_status_label(self) -> str:
        return dict(Status.choices).get(self.to_status, self.to_status)


class Accreditation(TimeStampedModel):
    """The outcome of a successful proposal: what the organisation is accredited for, where, how many schools."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="accreditation")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accreditations")
    accreditation_type = models.CharField(max_length=3, choices=AccreditationType.choices)
    status = models.CharField(
        max_length=20, choices=AccreditationStatus.choices, default=AccreditationStatus.ACTIVE, db_index=True
    )
    phases = models.JSONField(default=list)
    la_codes = models.JSONField(default=list)
    capacity = models.PositiveSmallIntegerField()
    current_schools = models.PositiveSmallIntegerField(default=0)
    accredited_on = models.DateField()
    review_due_on = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    suspended_on = models.DateField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["active", "suspended"]),
                name="one_current_accreditation_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.accreditation_type}, {self.status})"


class Coverage(models.Model):
    """One phase or LA code an accreditation covers: the register filters on these rows in the database
    (an indexed equality) instead of on the JSON lists, whose containment lookups differ between SQLite and
    PostgreSQL. Written with the accreditation (`services.coverage_sync`)."""

    class Kind(models.TextChoices):
        PHASE = "phase", "Phase"
        LA = "la", "LA code"

    accreditation = models.ForeignKey("Accreditation", on_delete=models.CASCADE, related_name="coverage")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    code = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["accreditation", "kind", "code"], name="one_coverage_row")
        ]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.accreditation_id} {self.kind}={self.code}"


class LedSchool(TimeStampedModel):
    """A school an accredited provider currently leads. `source` says whether an officer recorded it or it
    follows from the registry (a current lead Membership of the provider's group or school)."""

    class Source(models.TextChoices):
        RECORDED = "recorded", "Recorded by an officer"
        REGISTRY = "registry", "From the registry"

    accreditation = models.ForeignKey("Accreditation", on_delete=models.CASCADE, related_name="led_schools")
    establishment = models.ForeignKey("registry.Establishment", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RECORDED)

    class Meta:
        ordering = ["establishment__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "establishment", "source"], name="one_led_school_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accreditation_id} leads {self.establishment_id}"


class Complaint(TimeStampedModel):
    """An unsuccessful applicant's concerns about the assessment or its result (§3.3)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="complaints")
    status = models.CharField(max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.LODGED)
    text = models.TextField()
    lodged_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.TextField(blank=True)
    answered_on = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"Complaint on {self.application.reference}"
