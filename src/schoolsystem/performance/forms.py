from django import forms
from django.utils import timezone

from schoolsystem.core.forms import DateField
from schoolsystem.performance.constants import ConcernLevel, SoftIntelligenceKind


class AtRiskFilterForm(forms.Form):
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
            ("Not applicable", "Not applicable (special and others)"),
        ],
    )
    monitored = forms.ChoiceField(
        required=False, label="Monitoring", choices=[("", "Any"), ("yes", "Being monitored")]
    )


class SoftIntelligenceForm(forms.Form):
    kind = forms.ChoiceField(choices=SoftIntelligenceKind.choices, label="What kind of intelligence")
    noted_on = DateField(label="Date", initial=timezone.localdate, what="the date of the intelligence")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Note")


class MonitoringForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why monitor this school")
