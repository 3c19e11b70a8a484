"""Brokerage choices and the workflow's allowed transitions (seed 003)."""

from django.db import models

from schoolsystem.registry.constants import TRUST_GROUP_TYPES  # noqa: F401 (re-exported)


class Scenario(models.TextChoices):
    ACADEMY_ORDER = "academy_order", "Academy order: find a sponsor trust"
    LEAD_PARTNER = "lead_partner", "Lead partner for a federation or majority trust (accredited pool)"
    REBROKERAGE = (
        "rebrokerage",
        "Re-brokerage: join a MAT, form a new MAT, or move from an under-performing MAT",
    )
    MAT_CLOSURE = "mat_closure", "Whole-MAT closure: re-broker every school"


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open: adding schools"
    SHORTLISTED = "shortlisted", "Shortlists drawn up"
    PLANNED = "planned", "Plan proposed"
    # Every school's move is agreed and, where the register can show it, handed over: nothing is left to work.
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"


ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.OPEN: {RoundStatus.SHORTLISTED, RoundStatus.PLANNED, RoundStatus.CLOSED},
    RoundStatus.SHORTLISTED: {
        RoundStatus.SHORTLISTED,
        RoundStatus.PLANNED,
        RoundStatus.OPEN,
        RoundStatus.CLOSED,
    },
    RoundStatus.PLANNED: {RoundStatus.PLANNED, RoundStatus.OPEN, RoundStatus.COMPLETED, RoundStatus.CLOSED},
    RoundStatus.COMPLETED: set(),
    RoundStatus.CLOSED: set(),
}


class MoveType(models.TextChoices):
    """Scenario 3 sub-cases (seed 003 'Re-brokerage' 1-3)."""

    JOIN_MAT = "join_mat", "A single academy joins a MAT"
    FORM_MAT = "form_mat", "A single academy forms a new MAT"
    MOVE = "move", "An under-performing academy moves to another trust"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DUE_DILIGENCE = "due_diligence", "Trust's due diligence"
    CONSULTATION = "consultation", "School consultation"
    AWAITING_DECISION = "awaiting_decision", "Awaiting advisory board"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"
    HANDED_OVER = "handed_over", "Handed over"


# from -> allowed to. The advisory board's four outcomes are the only ways out of AWAITING_DECISION.
PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.PROPOSED: {ProposalStatus.DUE_DILIGENCE, ProposalStatus.WITHDRAWN},
    ProposalStatus.DUE_DILIGENCE: {ProposalStatus.CONSULTATION, ProposalStatus.WITHDRAWN},
    ProposalStatus.CONSULTATION: {ProposalStatus.AWAITING_DECISION, ProposalStatus.WITHDRAWN},
    ProposalStatus.AWAITING_DECISION: {
        ProposalStatus.APPROVED,
        ProposalStatus.DECLINED,
        ProposalStatus.DEFERRED,
        ProposalStatus.WITHDRAWN,
    },
    ProposalStatus.DEFERRED: {ProposalStatus.AWAITING_DECISION, ProposalStatus.WITHDRAWN},
    ProposalStatus.APPROVED: {ProposalStatus.HANDED_OVER},
    ProposalStatus.DECLINED: set(),
    ProposalStatus.WITHDRAWN: set(),
    ProposalStatus.HANDED_OVER: set(),
}

OPEN_PROPOSAL_STATUSES = {
    ProposalStatus.PROPOSED,
    ProposalStatus.DUE_DILIGENCE,
    ProposalStatus.CONSULTATION,
    ProposalStatus.AWAITING_DECISION,
    ProposalStatus.DEFERRED,
}


class BoardOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DueDiligenceItem(models.TextChoices):
    CAPACITY = "capacity", "Capacity and willingness"
    FINANCE = "finance", "Finance"
    LAND_PFI = "land_pfi", "Land and PFI"
    BUILDINGS = "buildings", "Buildings"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    DIOCESAN_CONSENT = "diocesan_consent", "Diocesan consent"


class DueDiligenceOutcome(models.TextChoices):
    PENDING = "pending", "Not yet checked"
    SATISFIED = "satisfied", "Satisfied"
    CONCERN = "concern", "Concern raised"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ConsultationOutcome(models.TextChoices):
    SUPPORTIVE = "supportive", "Supportive"
    MIXED = "mixed", "Mixed"
    OPPOSED = "opposed", "Opposed"


# The fit score's parts in words (engines.matching.Weights.COMPONENTS), for pages and published decisions.
WEIGHT_LABELS = {
    "distance": "distance to the partner's nearest school",
    "track_record": "track record (scorecard)",
    "phase": "phase fit",
    "size": "size fit",
    "needs": "expertise in the school's needs",
    "headroom": "spare capacity",
    "preference": "the school's preference",
}

# Registry group types that can take schools as trusts/sponsors.
PARTNER_GROUP_TYPES = ("mat", "sat", "sponsor", "trust")
# Those a school is a member of: registry.constants.TRUST_GROUP_TYPES (imported above).

# Default capacity for new schools when a trust's profile does not set one (by current size): a small trust
# can take one school, a mid-sized two, a large one three. A regional officer overrides it in the profile.
DEFAULT_CAPACITY_BY_SIZE = ((5, 1), (15, 2))
DEFAULT_CAPACITY_LARGE = 3

# A performing school in a whole-MAT closure ranks at most this many partners (seed 003 re-brokerage 4).
MAX_PREFERENCES = 3
PREFERENCE_ORDINALS = ("1st", "2nd", "3rd")
