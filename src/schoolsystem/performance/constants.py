"""Choices and fixed vocabularies of the performance app."""

from django.db import models


class KeyStage(models.TextChoices):
    KS2 = "ks2", "Key stage 2"
    KS4 = "ks4", "Key stage 4"


class RecordLevel(models.TextChoices):
    """What a performance-table row describes. The DfE numbers RECTYPE differently in KS2 and KS4 files."""

    SCHOOL = "school", "Mainstream school"
    SPECIAL = "special", "Special school"
    LA = "la", "Local authority"
    ENGLAND = "england", "England (all schools)"
    ENGLAND_STATE = "england_state", "England (state-funded schools)"
    ENGLAND_MAINTAINED = "england_maintained", "England (maintained schools)"


# RECTYPE -> level, per key stage (ks2_meta / ks4_meta 2018-2019, column 1).
RECTYPE_LEVEL = {
    KeyStage.KS2: {
        1: RecordLevel.SCHOOL,
        2: RecordLevel.SPECIAL,
        3: RecordLevel.LA,
        4: RecordLevel.ENGLAND,
        5: RecordLevel.ENGLAND_STATE,
    },
    KeyStage.KS4: {
        1: RecordLevel.SCHOOL,
        2: RecordLevel.SPECIAL,
        4: RecordLevel.LA,
        5: RecordLevel.ENGLAND,
        7: RecordLevel.ENGLAND_MAINTAINED,
    },
}
SCHOOL_LEVELS = (RecordLevel.SCHOOL, RecordLevel.SPECIAL)


class InspectionFramework(models.TextChoices):
    LEGACY = "legacy", "Graded inspection (1 to 4)"
    REPORT_CARD = "report_card", "Report card (from November 2025)"


# Legacy management-information grades.
LEGACY_GRADES = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}


class CategoryOfConcern(models.TextChoices):
    NONE = "", "None"
    SPECIAL_MEASURES = "SM", "Special measures"
    SERIOUS_WEAKNESSES = "SWK", "Serious weaknesses"


# Report-card five-point scale (Ofsted school inspection toolkit, November 2025); 1 is best, like the legacy grades.
REPORT_CARD_SCALE = {
    1: "Exceptional",
    2: "Strong standard",
    3: "Expected standard",
    4: "Needs attention",
    5: "Urgent improvement",
}
REPORT_CARD_AREAS = {
    "inclusion": "Inclusion",
    "curriculum_and_teaching": "Curriculum and teaching",
    "achievement": "Achievement",
    "attendance_and_behaviour": "Attendance and behaviour",
    "personal_development": "Personal development and well-being",
    "leadership_and_governance": "Leadership and governance",
    "early_years": "Early years",
    "sixth_form": "Sixth form",
}


class SoftIntelligenceKind(models.TextChoices):
    HEAD_TURNOVER = "head_turnover", "Headteacher turnover"
    GOVERNOR_TURNOVER = "governor_turnover", "Governor turnover"
    STAFF_TURNOVER = "staff_turnover", "Staff turnover"
    MISSED_NETWORK_MEETING = "missed_network_meeting", "Missed network meetings"
    COMPLAINT = "complaint", "Complaint"
    OTHER = "other", "Other concern"


class ConcernLevel(models.TextChoices):
    NONE = "none", "No concern"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


CONCERN_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}


# GIAS's phase for special schools and others; the importer stores it blank (a GIAS blank), so a filter on it
# takes both.
NO_PHASE = "Not applicable"
