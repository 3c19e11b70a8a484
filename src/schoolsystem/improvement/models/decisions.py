"""Open decisions (seed 003 proposal 7): every structural decision on a register the public can read."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from schoolsystem.core.models import TimeStampedModel
from schoolsystem.improvement.constants import DecisionOutcome, DecisionStatus, DecisionType


class DecisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=DecisionStatus.PUBLISHED)


class Decision(TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True)
    subject = models.CharField(max_length=300)
    decision_type = models.CharField(max_length=40, choices=DecisionType.choices, db_index=True)
    establishment = models.ForeignKey(
        "registry.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    la = models.ForeignKey(
        "registry.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    decided_by_name = models.CharField(max_length=200)
    decided_on = models.DateField(db_index=True)
    outcome = models.CharField(
        max_length=20, choices=DecisionOutcome.choices, default=DecisionOutcome.APPROVED, db_index=True
    )
    # A later approval of the same question for the same school (DECISION_QUESTIONS) supersedes this one.
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    options_considered = models.JSONField(default=list)
    criteria = models.JSONField(default=list)
    rationale = models.TextField()
    consultation_outcome = models.TextField(blank=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    status = models.CharField(
        max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT, db_index=True
    )
    published_on = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # [{"field": ..., "withheld": ..., "reason": ...}]: shown to the public in place of the field.
    redactions = models.JSONField(default=list, blank=True)
    # What the public search matches: the published, redacted text only (never the withheld text).
    public_text = models.TextField(blank=True)
    minutes = models.FileField(upload_to="decisions/minutes/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def is_published(self) -> bool:
        return self.status == DecisionStatus.PUBLISHED

    @property
    def is_live_approval(self) -> bool:
        return self.outcome == DecisionOutcome.APPROVED and self.superseded_by_id is None
