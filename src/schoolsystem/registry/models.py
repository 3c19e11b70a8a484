"""The registry: every establishment, group and tie of a local education system, as GIAS publishes them
plus the informal partnerships and system leaders GIAS does not record."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from schoolsystem.core.models import TimeStampedModel
from schoolsystem.registry.constants import (
    FORMAL_GROUP_TYPES,
    OPEN_STATUSES,
    EstablishmentStatus,
    GroupStatus,
    GroupType,
    MembershipRole,
    SystemLeaderDesignation,
)

OFSTED_LABELS = {
    "Serious Weaknesses": "Inadequate (serious weaknesses)",
    "Special Measures": "Inadequate (special measures)",
}
# GIAS's values for "no religious character" (blank, "None", "Does not apply", ...), lower-cased.
NO_RELIGIOUS_CHARACTER = frozenset({"", "none", "does not apply", "no religious character", "not applicable"})
# GIAS's "Not applicable", which the importer stores as blank (engines.tabular.BLANKS), where GIAS always gives a
# value (phase, trust flag): shown as GIAS shows it, not as a gap in the record.
NOT_APPLICABLE = "Not applicable"
# GIAS's statutory high age of further education colleges: no upper age.
OPEN_ENDED_AGE = 99


class LocalAuthority(TimeStampedModel):
    code = models.CharField("LA code", max_length=3, unique=True)
    name = models.CharField(max_length=120)
    region_code = models.CharField(max_length=10, blank=True)
    region_name = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EstablishmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def state_funded(self):
        return self.filter(state_funded=True)


class Establishment(TimeStampedModel):
    """A school or other provider, keyed by URN. Conversion to an academy closes one URN and opens another;
    `EstablishmentLink` rows keep the chain."""

    urn = models.PositiveIntegerField("URN", unique=True)
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="establishments")
    establishment_number = models.CharField(max_length=4, blank=True)
    name = models.CharField(max_length=200, db_index=True)
    type_name = models.CharField("type", max_length=100, db_index=True)
    type_group = models.CharField("type group", max_length=100, db_index=True)
    status = models.CharField(max_length=20, choices=EstablishmentStatus.choices, db_index=True)
    # Derived at import from the type group (engines.gias.is_state_funded): used by isolation and risk.
    state_funded = models.BooleanField(default=False, db_index=True)
    phase = models.CharField(max_length=40, blank=True, db_index=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    religious_character = models.CharField(max_length=100, blank=True)
    religious_ethos = models.CharField(max_length=100, blank=True)
    diocese = models.CharField(max_length=100, blank=True)
    admissions_policy = models.CharField(max_length=40, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    pupils = models.PositiveIntegerField(null=True, blank=True)
    boys = models.PositiveIntegerField(null=True, blank=True)
    girls = models.PositiveIntegerField(null=True, blank=True)
    fsm_percent = models.FloatField("FSM %", null=True, blank=True)
    trust_school_flag = models.CharField(max_length=60, blank=True)
    federation_flag = models.CharField(max_length=60, blank=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    website = models.CharField(max_length=300, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    head_name = models.CharField(max_length=200, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    urban_rural = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=60, blank=True)
    district = models.CharField(max_length=100, blank=True, db_index=True)
    ward = models.CharField(max_length=100, blank=True)
    constituency = models.CharField(max_length=100, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    open_reason = models.CharField(max_length=100, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=100, blank=True)
    ofsted_rating = models.CharField("Ofsted rating", max_length=40, blank=True, db_index=True)
    ofsted_last_inspection = models.DateField(null=True, blank=True)
    gias_last_changed = models.DateField(null=True, blank=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def laestab(self) -> str:
        return f"{self.la.code}{self.establishment_number}" if self.establishment_number else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def ofsted_label(self) -> str:
        """GIAS's rating in the words inspection reports use: its "Serious Weaknesses" and "Special Measures" are
        the two kinds of an inadequate judgement."""
        return OFSTED_LABELS.get(self.ofsted_rating, self.ofsted_rating)

    @property
    def phase_label(self) -> str:
        """The phase, or "Not applicable": GIAS gives every establishment a phase, and writes "Not applicable" for
        special schools, pupil referral units and children's centres, which the importer stores as blank."""
        return self.phase or NOT_APPLICABLE

    @property
    def ages_label(self) -> str:
        """'ages 4 to 11'; 'ages 16 and over' for GIAS's open-ended 99 (further education colleges); '' unknown."""
        low, high = self.statutory_low_age, self.statutory_high_age
        if low is None:
            return ""
        if high is None or high >= OPEN_ENDED_AGE:
            return f"ages {low} and over"
        return f"ages {low} to {high}"

    @property
    def urban_rural_label(self) -> str:
        """The ONS urban/rural class without GIAS's "(England/Wales)" prefix."""
        return self.urban_rural.removeprefix("(England/Wales) ").strip()

    @property
    def has_religious_character(self) -> bool:
        """GIAS writes "None" or "Does not apply" for a school without one: those are not a character to show."""
        return self.religious_character.strip().lower() not in NO_RELIGIOUS_CHARACTER

    @property
    def is_academy(self) -> bool:
        return self.type_group in {"Academies", "Free Schools"} or self.type_name.startswith(
            ("Academy", "Free school")
        )

    @property
    def address(self) -> str:
        parts = [self.street, self.locality, self.address3, self.town, self.county, self.postcode]
        return ", ".join(p for p in parts if p)


class Group(TimeStampedModel):
    """A trust, federation, sponsor or partnership. Formal ones come from GIAS (uid set); informal ones are made here."""

    uid = models.PositiveIntegerField("GIAS group UID", null=True, blank=True, unique=True)
    group_id = models.CharField("GIAS group ID", max_length=20, blank=True, db_index=True)
    name = models.CharField(max_length=250, db_index=True)
    group_type = models.CharField(max_length=40, choices=GroupType.choices, db_index=True)
    companies_house_number = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=GroupStatus.choices, default=GroupStatus.OPEN)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    la = models.ForeignKey(
        LocalAuthority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups",
        help_text="Lead LA, for partnerships that belong to one area.",
    )
    description = models.TextField(blank=True)
    head_office_postcode = models.CharField(max_length=10, blank=True)
    head_office_easting = models.PositiveIntegerField(null=True, blank=True)
    head_office_northing = models.PositiveIntegerField(null=True, blank=True)
    head_name = models.CharField("head of group", max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_formal(self) -> bool:
        return self.group_type in FORMAL_GROUP_TYPES


class Membership(TimeStampedModel):
    """A school's tie to a group. Leaving sets `left_on`; rows are never deleted, so history is kept."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group__name", "-joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "group"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.establishment.name} in {self.group.name}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def is_planned(self) -> bool:
        """Recorded ahead of its start (a brokered move with a future effective date): not yet in effect."""
        return self.left_on is None and self.joined_on is not None and self.joined_on > timezone.localdate()

    @property
    def is_leaving(self) -> bool:
        """Ended on a date still to come: the school is in the group until then."""
        return self.left_on is not None and self.left_on > timezone.localdate()

    @property
    def status(self) -> str:
        """ "Current" (in effect today, leaving included: the school is in the group until it leaves), "Planned"
        (recorded ahead of its joining date) or "Former": as the group page counts and its CSV says."""
        if self.is_planned:
            return "Planned"
        if self.left_on is None or self.is_leaving:
            return "Current"
        return "Former"


class EstablishmentLink(TimeStampedModel):
    """A GIAS establishment link: URN -> LinkURN with a type (Predecessor, Successor, ... - merged, ...).
    Kept by URN, not FK: the national links file names establishments outside the imported area."""

    urn = models.PositiveIntegerField("URN", db_index=True)
    linked_urn = models.PositiveIntegerField("linked URN", db_index=True)
    linked_name = models.CharField(max_length=200, blank=True)
    # GIAS link types run to 62 characters ("Merged - expansion in school capacity and changer in age range").
    link_type = models.CharField(max_length=100)
    established_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["urn", "established_on"]
        constraints = [models.UniqueConstraint(fields=["urn", "linked_urn", "link_type"], name="unique_link")]

    def __str__(self) -> str:
        return f"{self.urn} {self.link_type} {self.linked_urn}"


class SystemLeader(TimeStampedModel):
    """NLE / LLE / SLE / NLG: who, where, in what, and how much capacity they have to deploy."""

    name = models.CharField(max_length=200)
    designation = models.CharField(max_length=3, choices=SystemLeaderDesignation.choices)
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.PROTECT, related_name="system_leaders"
    )
    national_support_school = models.BooleanField(
        default=False, help_text="For an NLE: their school is a National Support School."
    )
    teaching_school_alliance = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="system_leaders"
    )
    specialism = models.CharField(max_length=200, blank=True)
    phase = models.CharField(max_length=40, blank=True)
    designated_on = models.DateField(null=True, blank=True)
    designation_ends_on = models.DateField(null=True, blank=True)
    days_per_term = models.PositiveSmallIntegerField(
        default=0, help_text="Days of capacity to deploy per term."
    )

    class Meta:
        ordering = ["designation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.designation})"
