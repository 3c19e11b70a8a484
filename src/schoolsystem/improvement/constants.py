"""Vocabulary and workflow tables of school improvement and intervention.

Sources: seed 002 (early intervention: warning notice on standards over time, a breakdown of leadership or governance,
or the safety of pupils or staff; strong intervention, quick exit), seed 003 (academy orders for inadequate maintained
schools, revocation in exceptional circumstances, consultation and open decisions), seed 000 (LA intervention options:
third-party support, federation, majority trust with an accredited lead partner, SLA with a MAT, IEB) and seed 001
(signposting, school-to-school support, health-checks).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from schoolsystem.accounts.constants import Role

# --------------------------------------------------------------------------------------------------------------
# Casework for schools causing concern


class CaseState(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    PRE_WARNING = "pre_warning", "Early conversation (pre-warning)"
    WARNING_NOTICE = "warning_notice", "Warning notice issued"
    INTERVENTION_CHOSEN = "intervention_chosen", "Intervention chosen"
    IMPLEMENTATION = "implementation", "Implementation"
    REVIEW = "review", "Termly review"
    ESCALATED = "escalated", "Escalated"
    EXITED = "exited", "Exited"
    CLOSED = "closed", "Closed without intervention"


CLOSED_CASE_STATES = frozenset({CaseState.EXITED, CaseState.CLOSED})
OPEN_CASE_STATES = frozenset(s for s in CaseState if s not in CLOSED_CASE_STATES)


class CaseSource(models.TextChoices):
    MANUAL = "manual", "Opened by hand"
    RISK_SCREEN = "risk_screen", "Risk screen"


class CaseSector(models.TextChoices):
    MAINTAINED = "maintained", "Maintained school"
    ACADEMY = "academy", "Academy"


class CaseAction(models.TextChoices):
    """Each move of the case workflow. `CASE_TRANSITIONS` says from where each may start and where it ends."""

    START_MONITORING = "start_monitoring", "Start monitoring"
    HOLD_EARLY_CONVERSATION = "hold_early_conversation", "Record an early conversation (pre-warning)"
    ISSUE_WARNING_NOTICE = "issue_warning_notice", "Issue a warning notice"
    CHOOSE_INTERVENTION = "choose_intervention", "Choose an intervention"
    START_IMPLEMENTATION = "start_implementation", "Start implementation"
    HOLD_REVIEW = "hold_review", "Record a termly review"
    EXIT = "exit", "Exit: criteria met"
    ESCALATE = "escalate", "Escalate"
    CLOSE = "close", "Close without intervention"


# action -> (allowed source states, target state). The only place the case workflow is defined.
CASE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    CaseAction.START_MONITORING: (frozenset({CaseState.IDENTIFIED}), CaseState.MONITORING),
    CaseAction.HOLD_EARLY_CONVERSATION: (
        frozenset({CaseState.IDENTIFIED, CaseState.MONITORING}),
        CaseState.PRE_WARNING,
    ),
    CaseAction.ISSUE_WARNING_NOTICE: (
        frozenset({CaseState.MONITORING, CaseState.PRE_WARNING, CaseState.ESCALATED}),
        CaseState.WARNING_NOTICE,
    ),
    CaseAction.CHOOSE_INTERVENTION: (
        frozenset({CaseState.WARNING_NOTICE, CaseState.ESCALATED}),
        CaseState.INTERVENTION_CHOSEN,
    ),
    CaseAction.START_IMPLEMENTATION: (frozenset({CaseState.INTERVENTION_CHOSEN}), CaseState.IMPLEMENTATION),
    CaseAction.HOLD_REVIEW: (frozenset({CaseState.IMPLEMENTATION, CaseState.REVIEW}), CaseState.REVIEW),
    CaseAction.EXIT: (frozenset({CaseState.REVIEW}), CaseState.EXITED),
    CaseAction.ESCALATE: (
        frozenset(
            {
                CaseState.MONITORING,
                CaseState.PRE_WARNING,
                CaseState.WARNING_NOTICE,
                CaseState.INTERVENTION_CHOSEN,
                CaseState.IMPLEMENTATION,
                CaseState.REVIEW,
            }
        ),
        CaseState.ESCALATED,
    ),
    CaseAction.CLOSE: (frozenset({CaseState.IDENTIFIED, CaseState.MONITORING}), CaseState.CLOSED),
}

# Moves that record a decision only the regional officer (for the Secretary of State) may take for an academy.
ACADEMY_REGIONAL_ONLY = frozenset(
    {CaseAction.ISSUE_WARNING_NOTICE, CaseAction.CHOOSE_INTERVENTION, CaseAction.EXIT}
)

CASE_WRITE_ROLES = frozenset({Role.LA_OFFICER, Role.REGIONAL_OFFICER})

# Escalating sends the case to the regional officer, who chooses the intervention from there: a move of the local
# authority officer. The regional officer it goes to does not escalate (the case's decisions are theirs already).
ESCALATION_ROLES = frozenset({Role.LA_OFFICER})


def allowed_actions(state: str) -> list[str]:
    return [action for action, (sources, _) in CASE_TRANSITIONS.items() if state in sources]


def action_role_refusal(action: str, *, sector: str, role: str, superuser: bool = False) -> str:
    """Why a user of `role` may not make the move `action` on a case of `sector` (maintained/academy), in words; ""
    when they may. The service refuses with it and the case page leaves the move out, so a page offers only the
    moves the service takes (docs/decisions/0091). A superuser may make any move."""
    if superuser:
        return ""
    if sector == CaseSector.ACADEMY and action in ACADEMY_REGIONAL_ONLY and role != Role.REGIONAL_OFFICER:
        return "For an academy this decision is the regional officer's, working with the trust."
    if action == CaseAction.ESCALATE and role not in ESCALATION_ROLES:
        return (
            "A case is escalated to the regional officer by a local authority officer. A regional officer does "
            "not escalate it: the case's decisions are theirs already."
        )
    return ""


class WarningGround(models.TextChoices):
    STANDARDS = "standards", "Unacceptably low standards of performance over time"
    LEADERSHIP = "leadership", "A serious breakdown in leadership or governance"
    SAFETY = "safety", "The safety of pupils or staff is threatened"


class InterventionOption(models.TextChoices):
    LA_SUPPORT = "la_support", "Local authority support"
    THIRD_PARTY_SUPPORT = (
        "third_party_support",
        "Third-party support (another school, an NLE or National Support School)",
    )
    FEDERATION = "federation", "Federation with a strong lead school"
    MAJORITY_TRUST = "majority_trust", "Majority trust with an accredited lead partner"
    SLA_WITH_MAT = "sla_with_mat", "Service-level agreement with a multi-academy trust"
    IEB = "ieb", "Interim executive board"
    SPONSORED_ACADEMY = "sponsored_academy", "Sponsored academy through an academy order"
    TRUST_TRANSFER = "trust_transfer", "Transfer to another trust (re-brokerage)"


@dataclass(frozen=True)
class OptionRule:
    """Who may choose an intervention option, for which kind of school, and whether it is structural."""

    maintained_roles: frozenset[str]  # empty: not available to maintained schools
    academy_roles: frozenset[str]  # empty: not available to academies
    structural: bool
    needs_partner: bool


_LA = frozenset({Role.LA_OFFICER, Role.REGIONAL_OFFICER})
_RO = frozenset({Role.REGIONAL_OFFICER})
_NONE: frozenset[str] = frozenset()

# Seed 000 (LA powers for maintained schools), seed 003 (RSC: academy orders; structural moves for academies).
INTERVENTION_RULES: dict[str, OptionRule] = {
    InterventionOption.LA_SUPPORT: OptionRule(_LA, _NONE, structural=False, needs_partner=False),
    InterventionOption.THIRD_PARTY_SUPPORT: OptionRule(_LA, _RO, structural=False, needs_partner=True),
    InterventionOption.FEDERATION: OptionRule(_LA, _NONE, structural=True, needs_partner=True),
    InterventionOption.MAJORITY_TRUST: OptionRule(_LA, _NONE, structural=True, needs_partner=True),
    InterventionOption.SLA_WITH_MAT: OptionRule(_LA, _RO, structural=False, needs_partner=True),
    InterventionOption.IEB: OptionRule(_LA, _NONE, structural=True, needs_partner=False),
    InterventionOption.SPONSORED_ACADEMY: OptionRule(_RO, _NONE, structural=True, needs_partner=False),
    InterventionOption.TRUST_TRANSFER: OptionRule(_NONE, _RO, structural=True, needs_partner=True),
}


def options_for(sector: str, role: str, *, superuser: bool = False) -> list[str]:
    """Intervention options a user of `role` may choose for a school of `sector` (maintained/academy)."""
    out = []
    for option, rule in INTERVENTION_RULES.items():
        roles = rule.maintained_roles if sector == CaseSector.MAINTAINED else rule.academy_roles
        if roles and (superuser or role in roles):
            out.append(option)
    return out


def is_inadequate(ofsted_rating: str) -> bool:
    """Ofsted's inadequate judgement, including its two categories (special measures, serious weaknesses)."""
    rating = (ofsted_rating or "").lower()
    return any(word in rating for word in ("inadequate", "special measures", "serious weaknesses"))


def compliance_period_applies(option: str, *, sector: str, ofsted_rating: str) -> bool:
    """Whether choosing `option` waits for the warning notice's compliance date to pass.

    An intervention that rests on the warning notice waits: the notice gives the school until its compliance date
    to comply, and the authority intervenes only if it has not (seed 002: warning notice, then intervention if
    the school cannot secure its own improvement). An academy order for a maintained school judged inadequate
    rests on Ofsted's judgement, not on the notice (seed 003: inadequate maintained schools get an academy order),
    so it does not wait."""
    return not (
        option == InterventionOption.SPONSORED_ACADEMY
        and sector == CaseSector.MAINTAINED
        and is_inadequate(ofsted_rating)
    )


class ConsultationOutcome(models.TextChoices):
    AGREED = "agreed", "The school agreed"
    AGREED_WITH_CONDITIONS = "agreed_with_conditions", "The school agreed with conditions"
    OBJECTED = "objected", "The school objected"
    REFUSED_TO_ENGAGE = "refused_to_engage", "The school refused to engage"
    AWAITING = "awaiting", "Awaiting the school's response"


# Outcomes that count as the school having been consulted (an objection is still a consultation).
CONSULTED_OUTCOMES = frozenset(
    {ConsultationOutcome.AGREED, ConsultationOutcome.AGREED_WITH_CONDITIONS, ConsultationOutcome.OBJECTED}
)


class AcademyOrderState(models.TextChoices):
    ISSUED = "issued", "Order issued"
    SPONSOR_FOUND = "sponsor_found", "Sponsor found"
    REVOKED = "revoked", "Order revoked"


ACADEMY_ORDER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "record_sponsor": (frozenset({AcademyOrderState.ISSUED}), AcademyOrderState.SPONSOR_FOUND),
    "revoke": (frozenset({AcademyOrderState.ISSUED}), AcademyOrderState.REVOKED),
}

# Deadlines, in days. Override any of them with settings.IMPROVEMENT_DEADLINES = {...}.
DEFAULT_DEADLINES = {
    "visit_interval_days": 91,  # a monitoring visit every term
    "review_interval_days": 91,  # a termly review during implementation
    # default compliance period offered on the warning-notice form, moved on to a working day (not a weekend or an
    # England and Wales bank holiday: engines.working_days)
    "warning_notice_compliance_days": 21,
    # how far back a warning notice issued earlier (on paper) may be dated when it is recorded: a notice dated
    # further back would have its compliance period over before the case shows it (an intervention waits for it)
    "warning_notice_backdate_days": 90,
    # the longest compliance period a warning notice may give, counted from the date issued: 12 weeks. The statutory
    # guidance "Schools causing concern" (DfE) sets the compliance period at normally no less than 15 working days and
    # no upper limit; a notice's purpose is prompt improvement, so a date further off is taken as mistyped (2030 for
    # 2026) rather than meant, and refused. Settings may raise it (docs/decisions/0060).
    "warning_notice_compliance_max_days": 84,
    "consultation_response_days": 14,
    "support_review_interval_days": 91,
}


def deadline_days(name: str) -> int:
    """A configurable deadline (settings.IMPROVEMENT_DEADLINES overrides DEFAULT_DEADLINES)."""
    return int({**DEFAULT_DEADLINES, **getattr(settings, "IMPROVEMENT_DEADLINES", {})}[name])


def warning_notice_backdate_hint() -> str:
    """The warning-notice form's hint for the date issued: how far back it may go. It used to advise recording an
    older notice with today's date, which would put a wrong legal date on the register and the deadlines (found in
    review)."""
    days = deadline_days("warning_notice_backdate_days")
    return (
        f"The date on the notice: today, unless you are recording a notice issued earlier, up to {days} days ago. "
        "An older notice cannot be recorded here."
    )


# --------------------------------------------------------------------------------------------------------------
# Open decisions (seed 003 proposal 7)


class DecisionType(models.TextChoices):
    INTERVENTION = "intervention", "Intervention"
    ACADEMY_ORDER = "academy_order", "Academy order"
    ACADEMY_ORDER_REVOCATION = "academy_order_revocation", "Academy order revoked"
    SPONSOR_MATCH = "sponsor_match", "Sponsor match"
    BROKERAGE = "brokerage", "Brokerage"
    REBROKERAGE = "rebrokerage", "Re-brokerage"
    ACCREDITATION = "accreditation", "Accreditation"
    OTHER = "other", "Other"


class DecisionOutcome(models.TextChoices):
    """What was decided. Only an approval settles the question; the others must never read as a match."""

    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


# How the public register words the headline of a decision that is not an approval (so "School: Trust" of a
# deferred proposal never reads as a match).
OUTCOME_HEADLINES = {
    DecisionOutcome.DECLINED: "Declined, not approved",
    DecisionOutcome.DEFERRED: "Deferred, no decision yet",
    DecisionOutcome.WITHDRAWN: "Withdrawn before a decision",
}

# What the register's date means for each outcome: only an approval or a refusal is a decision taken on that date;
# a deferral is the date the question was put off (no decision yet), a withdrawal the date it was withdrawn.
OUTCOME_DATE_WORDS = {
    DecisionOutcome.APPROVED: "Decided",
    DecisionOutcome.DECLINED: "Decided",
    DecisionOutcome.DEFERRED: "Deferred",
    DecisionOutcome.WITHDRAWN: "Withdrawn",
}

# The decision types the public register is for, all offered by its Type filter even before one is published.
# Accreditation decisions are the Secretary of State's: the filter offers them only once one is published.
PUBLISHED_DECISION_TYPES = [c for c in DecisionType if c != DecisionType.ACCREDITATION]

# Decision types that answer the same question for a school: a later approval of the same question supersedes the
# approval standing (explicitly, on the register). Types not listed (revocations, accreditation, other) never do.
DECISION_QUESTIONS = {
    "sponsor_match": "partner",
    "brokerage": "partner",
    "rebrokerage": "partner",
    "intervention": "intervention",
    "academy_order": "academy_order",
}


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


# Text fields of a decision that may be redacted on publication, with the label the published page gives them.
REDACTABLE_FIELDS = {
    "subject": "Subject",
    "decided_by_name": "Decided by",
    "options_considered": "Options considered",
    "criteria": "Criteria applied",
    "rationale": "Rationale",
    "consultation_outcome": "Consultation outcome",
}

# --------------------------------------------------------------------------------------------------------------
# Support directory and school-to-school support


class ProviderKind(models.TextChoices):
    SYSTEM_LEADER = "system_leader", "System leader (NLE, LLE, SLE, NLG)"
    TEACHING_SCHOOL_ALLIANCE = "teaching_school_alliance", "Teaching school alliance"
    TRUST = "trust", "Trust"
    LEAD_SCHOOL = "lead_school", "Lead school"
    LA_TRADED = "la_traded", "Local authority traded service"
    NATIONAL_ORGANISATION = "national_organisation", "National organisation"
    ACCREDITED_PROVIDER = "accredited_provider", "Accredited provider"


class SupportKind(models.TextChoices):
    LEADERSHIP = "leadership", "Leadership support"
    SUBJECT = "subject", "Subject support"
    GOVERNANCE_REVIEW = "governance_review", "Governance review"
    PEER_REVIEW = "peer_review", "Peer review"
    CPD = "cpd", "CPD programme"
    BEHAVIOUR = "behaviour", "Behaviour outreach"
    SEND = "send", "SEND outreach"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    FINANCE = "finance", "Finance and business"


class PriceModel(models.TextChoices):
    FREE = "free", "Free"
    TRADED = "traded", "Traded (paid)"
    CREDITS = "credits", "Credits"
    SUBSCRIPTION = "subscription", "Subscription"


PHASES = ("Primary", "Secondary", "All-through", "Special", "Nursery", "16 plus", "Not applicable")


class SupportState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    MATCHED = "matched", "Matched"
    AGREED = "agreed", "Agreed"
    DEPLOYED = "deployed", "In delivery"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


SUPPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "match": (frozenset({SupportState.REQUESTED, SupportState.MATCHED}), SupportState.MATCHED),
    "agree": (frozenset({SupportState.MATCHED}), SupportState.AGREED),
    "deploy": (frozenset({SupportState.AGREED}), SupportState.DEPLOYED),
    "review": (frozenset({SupportState.DEPLOYED}), SupportState.DEPLOYED),
    "close": (frozenset({SupportState.DEPLOYED}), SupportState.CLOSED),
    "withdraw": (
        frozenset({SupportState.REQUESTED, SupportState.MATCHED, SupportState.AGREED}),
        SupportState.WITHDRAWN,
    ),
}

# States in which an offer's days are committed to a request.
COMMITTED_SUPPORT_STATES = frozenset({SupportState.AGREED, SupportState.DEPLOYED})


class SupportOrigin(models.TextChoices):
    SCHOOL = "school", "Requested by the school"
    OFFICER = "officer", "Raised by an officer"
    PEER_REVIEW = "peer_review", "Raised by a peer review"
    CASE = "case", "Raised from a case"


class Rag(models.TextChoices):
    GREEN = "green", "On track"
    AMBER = "amber", "Some concerns"
    RED = "red", "Off track"


class PeerReviewState(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"
