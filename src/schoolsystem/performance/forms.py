from django import forms
from django.utils import timezone

from schoolsystem.core.forms import DateField, GovukMessages, choice_messages
from schoolsystem.performance.constants import NO_PHASE, ConcernLevel, SoftIntelligenceKind


class AtRiskFilterForm(GovukMessages, forms.Form):
    concern = forms.ChoiceField(
        required=False,
        label="Concern",
        choices=[
            ("", "Medium or high"),
            ("any", "Low, medium or high"),
            ("all", "All schools screened"),
        ]
        + [(c.value, c.label) for c in reversed(ConcernLevel)],
    )
    kind = forms.ChoiceField(
        required=False,
        label="Type",
        choices=[
            ("", "Any"),
            ("maintained", "Maintained schools"),
            ("academy", "Academies and free schools"),
        ],
    )
    phase = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any"),
            ("Primary", "Primary"),
            ("Secondary", "Secondary"),
            ("All-through", "All-through"),
            ("Middle deemed primary", "Middle deemed primary"),
            ("Middle deemed secondary", "Middle deemed secondary"),
            ("Nursery", "Nursery"),
            ("16 plus", "16 plus"),
            (NO_PHASE, "Not applicable (special and others)"),
        ],
    )
    monitored = forms.ChoiceField(
        required=False, label="Monitoring", choices=[("", "Any"), ("yes", "Being monitored")]
    )


class SoftIntelligenceForm(GovukMessages, forms.Form):
    """Intelligence counts in the school's risk screen at once: nothing is preselected, and the note is required
    (found in review: an empty form recorded "Headteacher turnover" with no note, and raised the school's flag)."""

    kind = forms.ChoiceField(
        choices=[("", "Choose the kind of intelligence"), *SoftIntelligenceKind.choices],
        label="What kind of intelligence",
        error_messages=choice_messages("what kind of intelligence it is"),
    )
    noted_on = DateField(label="Date", initial=timezone.localdate, what="the date of the intelligence")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="What happened and how you know it",
        error_messages={"required": "Enter a note saying what happened and how you know it"},
    )


class WithdrawIntelligenceForm(GovukMessages, forms.Form):
    """Withdraw one item (ids made unique per item: the page has a box for each)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Why you are withdrawing it",
        help_text="For example, recorded against the wrong school, or found to be unfounded",
        error_messages={"required": "Enter why you are withdrawing this intelligence"},
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, prefix=f"withdraw-{item.pk}" if item else None, **kwargs)


class MonitoringForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why you are monitoring this school",
        error_messages={"required": "Enter why you are monitoring this school"},
    )


class PublicSchoolSearchForm(GovukMessages, forms.Form):
    """The public search for a school's report card (no sign-in): a name, URN or postcode; open schools unless
    closed ones are asked for."""

    q = forms.CharField(
        max_length=100,
        label="School name, URN or postcode",
        help_text="For example, St Mary's, 125000 or GU1 3AA",
        error_messages={
            "required": "Enter a school name, URN or postcode",
            "max_length": "School name, URN or postcode must be 100 characters or less",
        },
    )
    closed = forms.BooleanField(required=False, label="Include schools that have closed")
