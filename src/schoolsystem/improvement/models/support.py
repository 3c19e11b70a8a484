"""Support directory (providers and offers) and school-to-school support (requests, deployments, ratings)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schoolsystem.core.models import TimeStampedModel
from schoolsystem.improvement.constants import (
    PriceModel,
    ProviderKind,
    Rag,
    SupportKind,
    SupportOrigin,
    SupportState,
)


class Provider(TimeStampedModel):
    """Who offers support. Linked to the registry object when there is one; otherwise just a name."""

    name = models.CharField(max_length=250)
    kind = models.CharField(max_length=40, choices=ProviderKind.choices)
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    establishment = models.ForeignKey(
        "registry.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    system_leader = models.ForeignKey(
        "registry.SystemLeader", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    la = models.ForeignKey(
        "registry.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def credit_school(self):
        """The school that earns credits when this provider gives support (lead school, NLE's school)."""
        if self.establishment_id:
            return self.establishment
        if self.system_leader_id and self.system_leader.establishment_id:
            return self.system_leader.establishment
        return None


class Offer(TimeStampedModel):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=30, choices=SupportKind.choices)
    needs = models.JSONField(default=list, help_text="Support kinds (needs) the offer addresses.")
    phases = models.JSONField(default=list, blank=True, help_text="Empty: every phase.")
    description = models.TextField(blank=True)
    # Area covered: a radius around a base point (Easting/Northing, metres); no radius means nationwide.
    base_easting = models.PositiveIntegerField(null=True, blank=True)
    base_northing = models.PositiveIntegerField(null=True, blank=True)
    radius_km = models.PositiveIntegerField(null=True, blank=True)
    days_per_term = models.PositiveIntegerField(default=0)
    schools_at_once = models.PositiveIntegerField(default=1)
    price_model = models.CharField(max_length=20, choices=PriceModel.choices, default=PriceModel.FREE)
    price_note = models.CharField(max_length=200, blank=True)
    credits_per_day = models.PositiveIntegerField(default=0)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SupportRequest(TimeStampedModel):
    """Request -> matched -> agreed -> deployed (objectives, milestones, termly reviews) -> closed with impact."""

    school = models.ForeignKey(
        "registry.Establishment", on_delete=models.PROTECT, related_name="support_requests"
    )
    state = models.CharField(max_length=20, choices=SupportState.choices, default=SupportState.REQUESTED)
    origin = models.CharField(max_length=20, choices=SupportOrigin.choices, default=SupportOrigin.SCHOOL)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    needs = models.JSONField(default=list)
    description = models.TextField()
    days_needed = models.PositiveIntegerField(default=1)
    peer_review = models.ForeignKey(
        "improvement.PeerReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    case = models.ForeignKey(
        "improvement.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="support_requests"
    )
    # [{"offer_id": .., "score": .., "reasons": [...]}] kept from matching, for the record.
    shortlist = models.JSONField(default=list, blank=True)
    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    days_agreed = models.PositiveIntegerField(default=0)
    objectives = models.JSONField(default=list, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    deployed_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    days_delivered = models.PositiveIntegerField(default=0)
    impact_summary = models.TextField(blank=True)
    impact = models.JSONField(default=dict, blank=True)  # {"source": "performance"|"officer", ...}
    state_changed_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"Support for {self.school.name} ({self.get_state_display()})"

    @property
    def needs_labels(self) -> list[str]:
        """The needs as the directory names them ("Leadership support"), not their codes."""
        return [SupportKind(n).label if n in SupportKind.values else n for n in self.needs]


class SupportMilestone(TimeStampedModel):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=250)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class SupportReview(TimeStampedModel):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    rag = models.CharField(max_length=10, choices=Rag.choices)
    progress = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review {self.reviewed_on} of request {self.request_id}"


class SupportRating(TimeStampedModel):
    """The supported school's rating of the support, shown on the offer (peer quality assurance)."""

    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="rating")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.offer}"


class CreditEntry(TimeStampedModel):
    """Credits ledger: a school earns credits by giving support and spends them by receiving it."""

    establishment = models.ForeignKey("registry.Establishment", on_delete=models.PROTECT, related_name="+")
    amount = models.IntegerField()
    reason = models.CharField(max_length=250)
    request = models.ForeignKey(
        SupportRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return f"{self.amount:+d} for {self.establishment_id}"
