"""Forms of the registry pages (GET filters: no writes here)."""

from django import forms

from schoolsystem.core.forms import DateField, GovukMessages
from schoolsystem.registry.constants import (
    FORMAL_GROUP_TYPES,
    URN_MAX,
    URN_MIN,
    EstablishmentStatus,
    GroupType,
    MembershipRole,
    SystemLeaderDesignation,
)
from schoolsystem.registry.selectors import (
    ANY_STATUS,
    LEADERS_ANY,
    LEADERS_CURRENT,
    LEADERS_ENDED,
    LeaderFilters,
    SearchFilters,
)


class SchoolSearchForm(GovukMessages, forms.Form):
    """School search filters. Type and phase choices are the values present in the area shown."""

    q = forms.CharField(required=False, max_length=100, label="Name, URN or postcode")
    type = forms.ChoiceField(required=False, label="Type")
    phase = forms.ChoiceField(required=False, label="Phase")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[
            ("", "Open schools"),
            (ANY_STATUS, "Any status, including closed"),
            *EstablishmentStatus.choices,
        ],
    )

    def __init__(self, data, *, types: list[str], phases: list[str]):
        super().__init__(data)
        self.fields["type"].choices = [("", "Any type")] + [(t, t) for t in types]
        self.fields["phase"].choices = [("", "Any phase")] + [(p, p) for p in phases]

    def filters(self) -> SearchFilters:
        # An unknown choice (a stale bookmark) is left out of cleaned_data: dropped rather than refusing the search,
        # so it is not an error either (the page would say "Error:" in its title and show none).
        self.is_valid()
        data = self.cleaned_data
        # The one error kept is a search text over its limit (a paste gone wrong): the page says so and lists
        # nothing, rather than silently searching for everything.
        q_errors = self.errors.get("q")
        self.errors.clear()
        if q_errors:
            self.errors["q"] = q_errors
        return SearchFilters(
            q=data.get("q", ""),
            type_name=data.get("type", ""),
            phase=data.get("phase", ""),
            status=data.get("status", ""),
        )


# --- Informal partnerships and system leaders (writes go through registry.services) -------------------------


INFORMAL_CHOICES = [(t.value, t.label) for t in GroupType if t not in FORMAL_GROUP_TYPES]


class PartnershipForm(GovukMessages, forms.Form):
    name = forms.CharField(max_length=250, label="Name")
    group_type = forms.ChoiceField(choices=INFORMAL_CHOICES, label="Kind of partnership")
    description = forms.CharField(
        required=False, label="About the partnership", widget=forms.Textarea(attrs={"rows": 3})
    )
    opened_on = DateField(required=False, label="Started on", what="the date it started")


class MembershipAddForm(GovukMessages, forms.Form):
    urn = forms.IntegerField(label="URN of the school", min_value=URN_MIN, max_value=URN_MAX)
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.MEMBER, label="Role")
    joined_on = DateField(label="Joined on", what="the date the school joined")


class JoinPartnershipForm(GovukMessages, forms.Form):
    """Add one school to one of the partnerships the user may edit (from the school's page or the isolated list)."""

    group = forms.ModelChoiceField(
        queryset=None, label="Partnership", empty_label="Choose a partnership", to_field_name="pk"
    )
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.MEMBER, label="Role")
    joined_on = DateField(label="Joined on", what="the date the school joined")

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = partnerships
        self.fields["group"].label_from_instance = lambda g: f"{g.name} ({g.get_group_type_display()})"
        self.fields["group"].error_messages["required"] = "Choose the partnership the school joins"
        self.fields["group"].error_messages["invalid_choice"] = "Choose one of the partnerships listed"


class SystemLeaderFilterForm(GovukMessages, forms.Form):
    """Filters of the system leaders list (GET)."""

    q = forms.CharField(required=False, max_length=100, label="Name or specialism")
    designation = forms.ChoiceField(
        required=False,
        label="Designation",
        choices=[("", "Any designation"), *SystemLeaderDesignation.choices],
    )
    phase = forms.ChoiceField(required=False, label="Phase")
    status = forms.ChoiceField(
        required=False,
        label="Designation status",
        choices=[
            (LEADERS_CURRENT, "Current designations"),
            (LEADERS_ENDED, "Ended designations"),
            (LEADERS_ANY, "Current and ended"),
        ],
    )

    def __init__(self, data, *, phases: list[str]):
        super().__init__(data)
        self.fields["phase"].choices = [("", "Any phase")] + [(p, p) for p in phases]

    def filters(self) -> LeaderFilters:
        # An unknown choice (a stale bookmark) is dropped rather than refusing the list.
        self.is_valid()
        data = self.cleaned_data
        return LeaderFilters(
            q=data.get("q", ""),
            designation=data.get("designation", ""),
            phase=data.get("phase", ""),
            status=data.get("status", LEADERS_CURRENT),
        )


class MembershipEndForm(GovukMessages, forms.Form):
    left_on = DateField(label="Left on", what="the date the school left")


class SystemLeaderForm(GovukMessages, forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    designation = forms.ChoiceField(choices=SystemLeaderDesignation.choices, label="Designation")
    urn = forms.IntegerField(
        label="URN of their school", min_value=URN_MIN, max_value=URN_MAX, required=False,
        help_text="Leave blank only for a National Leader of Governance without a school (administrators).",
    )  # fmt: skip
    national_support_school = forms.BooleanField(
        required=False, label="Their school is a National Support School", widget=forms.Select(
            choices=[(False, "No"), (True, "Yes")]
        ),
    )  # fmt: skip
    specialism = forms.CharField(max_length=200, required=False, label="Specialism")
    phase = forms.ChoiceField(
        required=False, label="Phase",
        choices=[("", "Not recorded"), ("Primary", "Primary"), ("Secondary", "Secondary"), ("All-through", "All-through"),
                 ("Special", "Special"), ("Nursery", "Nursery"), ("16 plus", "16 plus")],
    )  # fmt: skip
    designated_on = DateField(required=False, label="Designated on", what="the designation date")
    designation_ends_on = DateField(
        required=False, label="Designation ends on", what="the date the designation ends"
    )
    days_per_term = forms.IntegerField(
        min_value=0, max_value=65, initial=0, label="Days of support they can give each term"
    )


class PartnershipUploadForm(GovukMessages, forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[
            ("partnerships", "Partnerships and their member schools"),
            ("system-leaders", "System leaders"),
        ],
        widget=forms.RadioSelect,
        initial="partnerships",
    )
    file = forms.FileField(
        label="CSV file", help_text="Comma-separated, UTF-8 or Windows-1252, at most 5 MB."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a CSV file (.csv).")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB.")
        return upload
