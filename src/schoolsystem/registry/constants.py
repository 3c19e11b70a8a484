from django.db import models


class EstablishmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED_TO_CLOSE = "proposed_to_close", "Open, but proposed to close"
    PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (EstablishmentStatus.OPEN, EstablishmentStatus.PROPOSED_TO_CLOSE)

# GIAS's own status names -> ours.
GIAS_STATUS = {
    "Open": EstablishmentStatus.OPEN,
    "Open, but proposed to close": EstablishmentStatus.PROPOSED_TO_CLOSE,
    "Proposed to open": EstablishmentStatus.PROPOSED_TO_OPEN,
    "Closed": EstablishmentStatus.CLOSED,
}


class GroupType(models.TextChoices):
    # Formal groups, as GIAS records them.
    MULTI_ACADEMY_TRUST = "mat", "Multi-academy trust"
    SINGLE_ACADEMY_TRUST = "sat", "Single-academy trust"
    FEDERATION = "federation", "Federation"
    TRUST = "trust", "Trust"
    UMBRELLA_TRUST = "umbrella_trust", "Umbrella trust"
    SPONSOR = "sponsor", "Academy sponsor"
    STATUTORY_COLLABORATION = "statutory_collaboration", "Statutory collaboration"
    # Informal kinds GIAS lacks: created in the app or from CSV.
    TEACHING_SCHOOL_ALLIANCE = "teaching_school_alliance", "Teaching school alliance"
    COLLABORATIVE_PARTNERSHIP = "collaborative_partnership", "Collaborative partnership"
    LOCAL_STRATEGIC_PARTNERSHIP = "local_strategic_partnership", "Local strategic partnership"
    DIOCESAN_NETWORK = "diocesan_network", "Diocesan network"
    NATIONAL_NETWORK = "national_network", "National network"
    BEHAVIOUR_PARTNERSHIP = "behaviour_partnership", "Behaviour partnership"
    SEND_NETWORK = "send_network", "SEND network"


# The trusts a school is a member of. GIAS also lists many of them as an academy sponsor under the same name;
# that sponsor record is not a trust (registry.selectors.fold_sponsor_records, brokerage's sponsor folding).
TRUST_GROUP_TYPES = (GroupType.MULTI_ACADEMY_TRUST, GroupType.SINGLE_ACADEMY_TRUST, GroupType.TRUST)

FORMAL_GROUP_TYPES = {
    GroupType.MULTI_ACADEMY_TRUST,
    GroupType.SINGLE_ACADEMY_TRUST,
    GroupType.FEDERATION,
    GroupType.TRUST,
    GroupType.UMBRELLA_TRUST,
    GroupType.SPONSOR,
    GroupType.STATUTORY_COLLABORATION,
}

# GIAS "Group Type" names -> ours.
GIAS_GROUP_TYPE = {
    "Multi-academy trust": GroupType.MULTI_ACADEMY_TRUST,
    "Single-academy trust": GroupType.SINGLE_ACADEMY_TRUST,
    "Federation": GroupType.FEDERATION,
    "Trust": GroupType.TRUST,
    "School sponsor": GroupType.SPONSOR,
    "Academy sponsor": GroupType.SPONSOR,
    "Umbrella trust": GroupType.UMBRELLA_TRUST,
}


class GroupStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"
    CLOSED = "closed", "Closed"


class MembershipRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    STRATEGIC_PARTNER = "strategic_partner", "Strategic partner"


class SystemLeaderDesignation(models.TextChoices):
    NLE = "NLE", "National Leader of Education"
    LLE = "LLE", "Local Leader of Education"
    SLE = "SLE", "Specialist Leader of Education"
    NLG = "NLG", "National Leader of Governance"


# A URN (unique reference number) has up to 6 digits: schools' have 6, children's centres' 5 (20115 in Surrey's
# file). Forms and the API refuse a number outside these bounds before any lookup (a 20-digit one overflowed
# SQLite's).
URN_MIN, URN_MAX = 1, 999999
