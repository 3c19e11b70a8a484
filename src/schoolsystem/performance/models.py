"""Performance data (KS2/KS4 tables, census, Ofsted), the risk screen's rule sets and results, and the soft
intelligence officers record.

Published figures are keyed by URN, not by a foreign key to Establishment: a performance file may be imported
before the GIAS file that names its schools, and the national files name schools outside any one LA. Pages join
by URN (and by predecessor URNs through registry.EstablishmentLink). See docs/decisions/0050.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from schoolsystem.core.models import TimeStampedModel
from schoolsystem.performance.constants import (
    CategoryOfConcern,
    ConcernLevel,
    InspectionFramework,
    KeyStage,
    RecordLevel,
    SoftIntelligenceKind,
)


class Provenance(models.Model):
    """Where a figure came from: the import (file, who, when), the academic year and the row of the file."""

    import_record = models.ForeignKey("core.ImportRecord", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField(help_text="Row of the file (the header is row 1).")
    # Measure -> reason it has no value ("SUPP", "NE", "LOWCOV", ...): missing is never zero.
    missing = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class KeyStageResult(Provenance):
    """One row of a KS2 or KS4 performance table: a school, an LA or England in one academic year.

    Headline measures have their own columns (the analytics read them vectorised); every other numeric column
    of the row is kept in `measures`."""

    key_stage = models.CharField(max_length=3, choices=KeyStage.choices)
    year = models.CharField(max_length=9, help_text="Academic year, e.g. 2018-2019.")
    level = models.CharField(max_length=20, choices=RecordLevel.choices)
    urn = models.PositiveIntegerField("URN", null=True, blank=True)
    la_code = models.CharField(max_length=3, blank=True)
    school_name = models.CharField(max_length=200, blank=True)
    school_type = models.CharField(max_length=10, blank=True, help_text="NFTYPE, e.g. CY, ACC, AC.")
    total_pupils = models.PositiveIntegerField(null=True, blank=True)
    eligible_pupils = models.PositiveIntegerField(null=True, blank=True)
    disadvantaged_percent = models.FloatField(null=True, blank=True)
    # KS2
    rwm_expected = models.FloatField("% meeting expected standard in RWM", null=True, blank=True)
    rwm_higher = models.FloatField("% achieving higher standard in RWM", null=True, blank=True)
    reading_progress = models.FloatField(null=True, blank=True)
    writing_progress = models.FloatField(null=True, blank=True)
    maths_progress = models.FloatField(null=True, blank=True)
    reading_score = models.FloatField(null=True, blank=True)
    maths_score = models.FloatField(null=True, blank=True)
    # KS4
    attainment8 = models.FloatField(null=True, blank=True)
    progress8 = models.FloatField(null=True, blank=True)
    progress8_lower = models.FloatField(null=True, blank=True)
    progress8_upper = models.FloatField(null=True, blank=True)
    basics_94 = models.FloatField("% grade 4+ in English and maths", null=True, blank=True)
    ebacc_entry = models.FloatField("% entering the EBacc", null=True, blank=True)
    ebacc_aps = models.FloatField("EBacc average point score", null=True, blank=True)
    measures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["key_stage", "year", "urn"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_stage", "year", "urn"],
                condition=Q(urn__isnull=False),
                name="one_result_per_school",
            ),
            models.UniqueConstraint(
                fields=["key_stage", "year", "level", "la_code"],
                condition=Q(urn__isnull=True),
                name="one_benchmark_per_area",
            ),
        ]
        indexes = [models.Index(fields=["urn", "key_stage", "year"]), models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        who = self.urn or self.la_code or self.get_level_display()
        return f"{self.get_key_stage_display()} {self.year} {who}"


class CensusRecord(Provenance):
    """A school's January census in one year: roll, FSM, SEN, EAL."""

    urn = models.PositiveIntegerField("URN")
    year = models.CharField(max_length=9)
    la_code = models.CharField(max_length=3, blank=True)
    school_type = models.CharField(max_length=60, blank=True)
    roll = models.PositiveIntegerField("number on roll", null=True, blank=True)
    fsm_percent = models.FloatField("% eligible for FSM", null=True, blank=True)
    fsm_ever_percent = models.FloatField("% FSM in the last 6 years", null=True, blank=True)
    sen_support_percent = models.FloatField("% SEN support", null=True, blank=True)
    sen_ehc_percent = models.FloatField("% with an EHC plan", null=True, blank=True)
    eal_percent = models.FloatField("% EAL", null=True, blank=True)

    class Meta:
        ordering = ["urn", "year"]
        constraints = [models.UniqueConstraint(fields=["urn", "year"], name="one_census_per_school_year")]

    def __str__(self) -> str:
        return f"Census {self.year} {self.urn}"


class AbsenceRecord(Provenance):
    """A school's absence in one academic year (DfE performance tables 'YYYY-YYYY_LLL_abs.csv')."""

    urn = models.PositiveIntegerField("URN")
    year = models.CharField(max_length=9)
    overall_absence_percent = models.FloatField("% of sessions missed", null=True, blank=True)
    persistent_absence_percent = models.FloatField("% of pupils persistently absent", null=True, blank=True)

    class Meta:
        ordering = ["urn", "year"]
        constraints = [models.UniqueConstraint(fields=["urn", "year"], name="one_absence_per_school_year")]

    def __str__(self) -> str:
        return f"Absence {self.year} {self.urn}"


class ExclusionRecord(Provenance):
    """A school's suspensions and permanent exclusions in one academic year (docs/data-formats.md)."""

    urn = models.PositiveIntegerField("URN")
    year = models.CharField(max_length=9)
    permanent_exclusions = models.PositiveIntegerField(null=True, blank=True)
    permanent_exclusion_rate = models.FloatField("permanent exclusions per 100 pupils", null=True, blank=True)
    suspensions = models.PositiveIntegerField(null=True, blank=True)
    suspension_rate = models.FloatField("suspensions per 100 pupils", null=True, blank=True)

    class Meta:
        ordering = ["urn", "year"]
        constraints = [
            models.UniqueConstraint(fields=["urn", "year"], name="one_exclusion_record_per_school_year")
        ]

    def __str__(self) -> str:
        return f"Exclusions {self.year} {self.urn}"


class Inspection(Provenance):
    """One Ofsted inspection outcome, in either layout.

    Legacy (management information): grades 1-4 with sub-judgements and category of concern.
    Report card (from November 2025): evaluation areas on the five-point scale in `evaluations`
    ({"inclusion": 3, ...}; 1 Exceptional .. 5 Urgent improvement) and safeguarding met/not met."""

    urn = models.PositiveIntegerField("URN", db_index=True)
    framework = models.CharField(max_length=12, choices=InspectionFramework.choices)
    inspection_number = models.CharField(max_length=20, blank=True)
    inspection_type = models.CharField(max_length=80, blank=True)
    start_date = models.DateField()
    publication_date = models.DateField(null=True, blank=True)
    overall_effectiveness = models.PositiveSmallIntegerField(null=True, blank=True)
    category_of_concern = models.CharField(max_length=3, choices=CategoryOfConcern.choices, blank=True)
    quality_of_education = models.PositiveSmallIntegerField(null=True, blank=True)
    behaviour_and_attitudes = models.PositiveSmallIntegerField(null=True, blank=True)
    personal_development = models.PositiveSmallIntegerField(null=True, blank=True)
    leadership_and_management = models.PositiveSmallIntegerField(null=True, blank=True)
    early_years = models.PositiveSmallIntegerField(null=True, blank=True)
    sixth_form = models.PositiveSmallIntegerField(null=True, blank=True)
    evaluations = models.JSONField(default=dict, blank=True)
    safeguarding_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["urn", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn", "start_date", "framework"], name="one_inspection_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"Inspection {self.urn} {self.start_date}"


class RuleSet(TimeStampedModel):
    """A versioned set of risk-screen thresholds. Results point at the version that produced them, so a
    year's screen stays reproducible after the thresholds change."""

    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(unique=True)
    thresholds = models.JSONField()
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_rule_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RiskResult(TimeStampedModel):
    """The risk screen's outcome for one school under one rule set: overall concern and each metric's flag."""

    establishment = models.ForeignKey(
        "registry.Establishment", on_delete=models.CASCADE, related_name="risk_results"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="results")
    concern = models.CharField(max_length=10, choices=ConcernLevel.choices, db_index=True)
    majors = models.PositiveSmallIntegerField(default=0)
    minors = models.PositiveSmallIntegerField(default=0)
    # [{"metric": "progress", "flag": "major", "reason": "..."}] in metric order.
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["-majors", "-minors"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "rule_set"], name="one_result_per_rule_set")
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.concern}"


class SoftIntelligence(TimeStampedModel):
    """Something an officer knows that the data does not show (seed 001: turnover, missed meetings, complaints)."""

    establishment = models.ForeignKey(
        "registry.Establishment", on_delete=models.CASCADE, related_name="soft_intelligence"
    )
    kind = models.CharField(max_length=30, choices=SoftIntelligenceKind.choices)
    noted_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Withdrawn (recorded in error, or found to be unfounded): kept, with who and why, and no longer counted.
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-noted_on", "-id"]
        verbose_name_plural = "soft intelligence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.noted_on})"


class Monitoring(TimeStampedModel):
    """An officer marks a school for monitoring; ending it sets `ended_on` (rows are kept)."""

    establishment = models.ForeignKey(
        "registry.Establishment", on_delete=models.CASCADE, related_name="monitoring"
    )
    reason = models.TextField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"], condition=Q(ended_on__isnull=True), name="one_open_monitoring"
            )
        ]

    def __str__(self) -> str:
        return f"Monitoring {self.establishment_id}"
