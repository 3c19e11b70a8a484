"""Peer review and health-checks inside a partnership (seed 001, 002)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from schoolsystem.core.models import TimeStampedModel
from schoolsystem.improvement.constants import ActionStatus, PeerReviewState


class PeerReview(TimeStampedModel):
    partnership = models.ForeignKey("registry.Group", on_delete=models.PROTECT, related_name="peer_reviews")
    school = models.ForeignKey(
        "registry.Establishment", on_delete=models.PROTECT, related_name="peer_reviews"
    )
    review_on = models.DateField()
    state = models.CharField(max_length=20, choices=PeerReviewState.choices, default=PeerReviewState.PLANNED)
    focus_areas = models.JSONField(default=list)
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="following"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-review_on", "-id"]

    def __str__(self) -> str:
        return f"Peer review of {self.school.name} on {self.review_on}"


class PeerReviewer(models.Model):
    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="reviewers")
    name = models.CharField(max_length=200)
    establishment = models.ForeignKey("registry.Establishment", on_delete=models.PROTECT, related_name="+")
    # Copied from the review so the database itself refuses a reviewer from the reviewed school.
    reviewed_school = models.ForeignKey("registry.Establishment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(establishment=F("reviewed_school")), name="reviewer_not_from_reviewed_school"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PeerReviewAction(TimeStampedModel):
    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)
    # Follow-through: the action of the previous review this one carries forward.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]
