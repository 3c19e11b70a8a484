"""Models of school improvement and intervention: casework, decisions, support directory and peer review."""

from schoolsystem.improvement.models.cases import AcademyOrder, Case, CaseEvent, Consultation
from schoolsystem.improvement.models.decisions import Decision
from schoolsystem.improvement.models.reviews import PeerReview, PeerReviewAction, PeerReviewer
from schoolsystem.improvement.models.support import (
    CreditEntry,
    Offer,
    Provider,
    SupportMilestone,
    SupportRating,
    SupportRequest,
    SupportReview,
)

__all__ = [
    "AcademyOrder",
    "Case",
    "CaseEvent",
    "Consultation",
    "CreditEntry",
    "Decision",
    "Offer",
    "PeerReview",
    "PeerReviewAction",
    "PeerReviewer",
    "Provider",
    "SupportMilestone",
    "SupportRating",
    "SupportRequest",
    "SupportReview",
]
