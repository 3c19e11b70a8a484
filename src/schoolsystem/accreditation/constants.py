"""Choices and the allowed-transition tables of the accreditation workflow (seed 000 §3)."""

from django.db import models

from schoolsystem.accounts.constants import Role
from schoolsystem.engines import accreditation as rules


class AccreditationType(models.TextChoices):
    ASP = "ASP", "Accredited School Provider"
    ASG = "ASG", "Accredited Schools Group"


OrgType = models.TextChoices(
    "OrgType", [(t.name, (t.value, rules.ORG_TYPE_LABELS[t])) for t in rules.OrgType]
)


class Denomination(models.TextChoices):
    NONE = "", "No religious character"
    COFE = "CofE", "Church of England"
    RC = "RC", "Roman Catholic"
    OTHER = "other", "Other faith"


class Route(models.TextChoices):
    OWN_RIGHT = "own_right", "In its own right"
    WITH_CO_PARTNER = "with_co_partner", "With an educational co-partner"
    CONSORTIUM = "consortium", "As a consortium led by a non-educational organisation"


class PartnerKind(models.TextChoices):
    CO_PARTNER = "co_partner", "Educational co-partner"
    CONSORTIUM_MEMBER = "consortium_member", "Consortium member"


class Phase(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"


class Criterion(models.TextChoices):
    VISION = "vision", "Part One: vision"
    CAPACITY = "capacity", "Part One: capacity"
    LEADERSHIP_MANAGEMENT = "leadership_management", "Part Two: leadership and management"
    PUPIL_ACHIEVEMENT = "pupil_achievement", "Part Two: pupil achievement"
    PARTNERSHIP_WORKING = "partnership_working", "Part Two: partnership working"
    EDUCATION_STRATEGY = "education_strategy", "Education strategy (non-educational organisations)"
    CO_PARTNER_TRACK_RECORD = "co_partner_track_record", "Part Two: the education co-partner's track record"


# Guidance shown beside each evidence box: what to give, by sector (seed 000 §2.7–2.12; §1.4 for the
# partnership length, §2.10–2.11 for non-educational organisations). No section numbers in the text users see.
GUIDANCE: dict[str, dict[str, str]] = {
    Criterion.VISION: {
        "all": "Your vision for leading improvement in primary schools, including those in very challenging "
        "circumstances, and your long-term commitment (partnerships last five to ten years or are permanent).",
    },
    Criterion.CAPACITY: {
        "all": "Capacity to lead a partnership of this kind: leaders, staff and governors you can deploy, and how "
        "your own organisation's standards will be protected while you support others.",
        "school": "Schools: who will lead while your head works in the supported school; your own latest outcomes.",
        "non_educational": "How you will access primary expertise and school-improvement experience.",
    },
    Criterion.LEADERSHIP_MANAGEMENT: {
        "all": "Evidence of strong leadership and management and of governance able to be held accountable.",
        "school": "Schools: Ofsted judgements on leadership and management; succession planning.",
        "trust": "Trusts, federations and dioceses: how the board holds heads to account across your schools.",
        "non_educational": "Private and third sector: governance and financial strength; how educational "
        "leadership is assured.",
    },
    Criterion.PUPIL_ACHIEVEMENT: {
        "all": "Outcomes for children and young people, including Early Years Foundation Stage and Key Stage 2.",
        "school": "Schools: attainment and progress over three years, including disadvantaged pupils.",
        "trust": "Trusts, federations and dioceses: outcomes in each school you are accountable for.",
    },
    Criterion.PARTNERSHIP_WORKING: {
        "all": "Your record of leading improvement in other schools through partnership, and its impact.",
        "trust": "Groups: each school you have led through a formal partnership, before and after.",
    },
    Criterion.EDUCATION_STRATEGY: {
        "all": "Organisations that are not educational: your education strategy and how you will access the "
        "primary expertise and school-improvement experience needed to raise standards.",
    },
    Criterion.CO_PARTNER_TRACK_RECORD: {
        "all": "The Part Two track-record section, completed by your education co-partner.",
    },
}


class Heading(models.TextChoices):
    VISION = "vision", rules.HEADING_LABELS[rules.Heading.VISION]
    GOVERNANCE = "governance", rules.HEADING_LABELS[rules.Heading.GOVERNANCE]
    TRACK_RECORD = "track_record", rules.HEADING_LABELS[rules.Heading.TRACK_RECORD]
    EXPERTISE = "expertise", rules.HEADING_LABELS[rules.Heading.EXPERTISE]
    CAPACITY = "capacity", rules.HEADING_LABELS[rules.Heading.CAPACITY]


SCORE_CHOICES = [(k, f"{k} – {v}") for k, v in rules.SCORE_LABELS.items()]


class Recommendation(models.TextChoices):
    ACCREDIT = "accredit", "Accredit"
    DO_NOT_ACCREDIT = "do_not_accredit", "Do not accredit"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    INELIGIBLE = "ineligible", "Not eligible"
    SUBMITTED = "submitted", "Submitted"
    IN_ASSESSMENT = "in_assessment", "Being assessed"
    AWAITING_INFORMATION = "awaiting_information", "Further information requested"
    ADVISORY_REVIEW = "advisory_review", "With the advisory group"
    AWAITING_DECISION = "awaiting_decision", "With the Secretary of State"
    ACCREDITED = "accredited", "Accredited"
    NOT_ACCREDITED = "not_accredited", "Not accredited: feedback being written"
    FEEDBACK_REVIEW = "feedback_review", "Not accredited: feedback with the advisory group"
    FEEDBACK_RELEASED = "feedback_released", "Not accredited: feedback sent"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Action(models.TextChoices):
    SUBMIT = "submit", "Submit"
    REFUSE_INELIGIBLE = "refuse_ineligible", "Refuse as not eligible"
    ASSIGN = "assign", "Assign an assessor"
    REQUEST_INFORMATION = "request_information", "Ask for further information"
    PROVIDE_INFORMATION = "provide_information", "Provide further information"
    RECOMMEND = "recommend", "Recommend"
    ADVISORY_REVIEW = "advisory_review", "Advisory group review"
    DECIDE_ACCREDIT = "decide_accredit", "Accredit"
    DECIDE_REFUSE = "decide_refuse", "Do not accredit"
    WRITE_FEEDBACK = "write_feedback", "Write feedback"
    RETURN_FEEDBACK = "return_feedback", "Return feedback to the assessor"
    RELEASE_FEEDBACK = "release_feedback", "Release feedback"
    WITHDRAW = "withdraw", "Withdraw"


# What each history entry records, in words (past tense: the Action labels are what buttons say).
HISTORY_LABELS: dict[str, str] = {
    "submit": "Proposal submitted",
    "refuse_ineligible": "Refused as not eligible",
    "assign": "Assessor assigned",
    "request_information": "Further information asked for",
    "provide_information": "Further information provided",
    "recommend": "Recommendation made",
    "advisory_review": "Reviewed by the advisory group",
    "decide_accredit": "Accredited by the Secretary of State",
    "decide_refuse": "Not accredited by the Secretary of State",
    "write_feedback": "Feedback written",
    "return_feedback": "Feedback returned to the assessor",
    "release_feedback": "Feedback released to the applicant",
    "withdraw": "Proposal withdrawn",
    "start": "Proposal started",
    "arrangement_recorded": "Out-of-round arrangement recorded",
    "complaint_lodged": "Complaint made",
    "complaint_review": "Complaint review started",
    "complaint_answer": "Complaint answered",
    "accreditation_suspend": "Accreditation suspended",
    "accreditation_reinstate": "Accreditation reinstated",
    "accreditation_renew": "Accreditation renewed after review",
    "accreditation_withdraw": "Accreditation withdrawn after review",
}

S, A = Status, Action
# action -> (allowed source states, target state). RECOMMEND's target depends on the type (ASG goes to the
# advisory group first, §3.2), so it has two rows keyed by type in RECOMMEND_TARGET.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.REFUSE_INELIGIBLE: (frozenset({S.DRAFT}), S.INELIGIBLE),
    A.ASSIGN: (frozenset({S.SUBMITTED, S.IN_ASSESSMENT}), S.IN_ASSESSMENT),
    A.REQUEST_INFORMATION: (frozenset({S.IN_ASSESSMENT}), S.AWAITING_INFORMATION),
    A.PROVIDE_INFORMATION: (frozenset({S.AWAITING_INFORMATION}), S.IN_ASSESSMENT),
    A.RECOMMEND: (frozenset({S.IN_ASSESSMENT}), S.AWAITING_DECISION),
    A.ADVISORY_REVIEW: (frozenset({S.ADVISORY_REVIEW}), S.AWAITING_DECISION),
    A.DECIDE_ACCREDIT: (frozenset({S.AWAITING_DECISION}), S.ACCREDITED),
    A.DECIDE_REFUSE: (frozenset({S.AWAITING_DECISION}), S.NOT_ACCREDITED),
    A.WRITE_FEEDBACK: (frozenset({S.NOT_ACCREDITED}), S.FEEDBACK_REVIEW),
    A.RETURN_FEEDBACK: (frozenset({S.FEEDBACK_REVIEW}), S.NOT_ACCREDITED),
    A.RELEASE_FEEDBACK: (frozenset({S.FEEDBACK_REVIEW}), S.FEEDBACK_RELEASED),
    A.WITHDRAW: (
        frozenset({S.DRAFT, S.SUBMITTED, S.IN_ASSESSMENT, S.AWAITING_INFORMATION}),
        S.WITHDRAWN,
    ),
}
RECOMMEND_TARGET = {AccreditationType.ASP: S.AWAITING_DECISION, AccreditationType.ASG: S.ADVISORY_REVIEW}

# Who may take each action. The applicant actions also need the application to be their organisation's,
# the assessor actions the assessor assigned (checked in services).
ACTION_ROLES: dict[str, frozenset[str]] = {
    A.SUBMIT: frozenset({Role.APPLICANT}),
    A.REFUSE_INELIGIBLE: frozenset({Role.APPLICANT}),  # the system refuses at submission
    A.ASSIGN: frozenset({Role.DECISION_MAKER}),
    A.REQUEST_INFORMATION: frozenset({Role.ASSESSOR}),
    A.PROVIDE_INFORMATION: frozenset({Role.APPLICANT}),
    A.RECOMMEND: frozenset({Role.ASSESSOR}),
    A.ADVISORY_REVIEW: frozenset({Role.ADVISORY_GROUP}),
    A.DECIDE_ACCREDIT: frozenset({Role.DECISION_MAKER}),
    A.DECIDE_REFUSE: frozenset({Role.DECISION_MAKER}),
    A.WRITE_FEEDBACK: frozenset({Role.ASSESSOR}),
    A.RETURN_FEEDBACK: frozenset({Role.ADVISORY_GROUP}),
    A.RELEASE_FEEDBACK: frozenset({Role.ADVISORY_GROUP}),
    A.WITHDRAW: frozenset({Role.APPLICANT}),
}

EDITABLE_STATES = frozenset({S.DRAFT})
OPEN_STATES = frozenset(
    {S.SUBMITTED, S.IN_ASSESSMENT, S.AWAITING_INFORMATION, S.ADVISORY_REVIEW, S.AWAITING_DECISION}
)


class AccreditationStatus(models.TextChoices):
    ACTIVE = "active", "Accredited"
    SUSPENDED = "suspended", "Suspended"
    WITHDRAWN = "withdrawn", "Withdrawn"


ACCREDITATION_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "suspend": (frozenset({AccreditationStatus.ACTIVE}), AccreditationStatus.SUSPENDED),
    "reinstate": (frozenset({AccreditationStatus.SUSPENDED}), AccreditationStatus.ACTIVE),
    "renew": (
        frozenset({AccreditationStatus.ACTIVE, AccreditationStatus.SUSPENDED}),
        AccreditationStatus.ACTIVE,
    ),
    "withdraw": (
        frozenset({AccreditationStatus.ACTIVE, AccreditationStatus.SUSPENDED}),
        AccreditationStatus.WITHDRAWN,
    ),
}
ACCREDITATION_ROLES = frozenset({Role.DECISION_MAKER})


class ComplaintStatus(models.TextChoices):
    LODGED = "lodged", "Received"
    UNDER_REVIEW = "under_review", "Being reviewed"
    ANSWERED = "answered", "Answered"


COMPLAINT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "review": (frozenset({ComplaintStatus.LODGED}), ComplaintStatus.UNDER_REVIEW),
    "answer": (frozenset({ComplaintStatus.UNDER_REVIEW}), ComplaintStatus.ANSWERED),
}
# §3.3: concerns go "in writing to DCSF": the decision maker's office reviews and answers them.
COMPLAINT_ROLES = frozenset({Role.DECISION_MAKER})

# Attachments: validated by core.uploads.validate_document (types, size, signature).
