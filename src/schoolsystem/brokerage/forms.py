"""Page forms. They only parse input; rules live in services (whose errors are added back to the form)."""

from django import forms

from schoolsystem.brokerage.constants import (
    MAX_PREFERENCES,
    PREFERENCE_ORDINALS,
    WEIGHT_LABELS,
    BoardOutcome,
    ConsultationOutcome,
    DueDiligenceItem,
    DueDiligenceOutcome,
    MoveType,
    Scenario,
)
from schoolsystem.core.forms import DateField
from schoolsystem.engines.matching import Weights


class RoundForm(forms.Form):
    """Start a round. `las`: the LAs the user may run rounds in (a choice only when there are several);
    `trusts`: open trusts with schools in those LAs, for a closing trust or re-brokerage from a trust."""

    title = forms.CharField(max_length=200)
    scenario = forms.ChoiceField(choices=Scenario.choices)
    la = forms.ChoiceField(label="Local authority", required=False)
    leaving_group = forms.ChoiceField(
        required=False,
        label="Closing or current trust",
        help_text="For a whole trust closing, or schools moving from a trust.",
    )

    def __init__(self, *args, las=(), trusts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.las = {str(la.pk): la for la in las}
        if len(self.las) > 1:
            self.fields["la"].choices = [("", "Choose a local authority")] + [
                (k, la.name) for k, la in self.las.items()
            ]
            self.fields["la"].required = True
        else:
            del self.fields["la"]
        self.trusts = {str(g.pk): g for g in trusts}
        self.fields["leaving_group"].choices = [("", "Not a trust closure or a move from a trust")] + [
            (k, g.name) for k, g in self.trusts.items()
        ]

    def clean(self):
        data = super().clean()
        data["la"] = self.las.get(data.get("la") or "") or next(iter(self.las.values()), None)
        data["leaving_group"] = self.trusts.get(data.get("leaving_group") or "")
        return data


class AddSchoolForm(forms.Form):
    """Add a school to a round. The kind of move is asked only in a re-brokerage round, where it is needed."""

    urn = forms.IntegerField(label="URN", min_value=1)
    move_type = forms.ChoiceField(
        label="Kind of move",
        choices=[("", "Choose the kind of move"), *MoveType.choices],
        error_messages={"required": "Choose the kind of move."},
    )
    performing = forms.BooleanField(
        required=False,
        label="Performing school",
        help_text="A performing school ranks the trusts it would join; only those it lists are proposed.",
    )
    finance_flag = forms.BooleanField(required=False, label="Financial concerns")
    estate_flag = forms.BooleanField(
        required=False,
        label="PFI, land or buildings issues",
        help_text="Only partners willing to take on estate risk are proposed.",
    )
    group_key = forms.CharField(
        required=False,
        max_length=40,
        label="Must go with (group name)",
        help_text="Schools given the same name here, such as a federation, go to the same partner or none of them do.",
    )

    def __init__(self, *args, scenario: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if scenario != Scenario.REBROKERAGE:
            del self.fields["move_type"]


class WhatIfForm(forms.Form):
    partner = forms.ChoiceField(required=False, label="Trust or partner to change")
    capacity = forms.IntegerField(
        required=False, min_value=0, max_value=50, label="Its capacity", help_text="Schools it could take on."
    )

    def __init__(self, *args, weights: dict | None = None, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "No change")] + list(partners)
        current = Weights.from_dict(weights or {}).as_dict()
        for name in Weights.COMPONENTS:
            self.fields[f"w_{name}"] = forms.FloatField(
                label=f"Weight of {WEIGHT_LABELS.get(name, name.replace('_', ' '))}",
                min_value=0,
                max_value=10,
                initial=current[name],
            )
        self.fields[
            "w_distance"
        ].help_text = "How much each part of the fit score counts (0 to 10; only their proportions matter)."

    def clean(self):
        data = super().clean()
        # A capacity that failed its own check already says so; only a missing one needs asking for.
        if data.get("partner") and data.get("capacity") is None and "capacity" not in self.errors:
            self.add_error("capacity", "Enter the capacity to try.")
        weights = {n: data.get(f"w_{n}") for n in Weights.COMPONENTS}
        if all(v is not None for v in weights.values()) and sum(weights.values()) <= 0:
            self.add_error(None, "At least one weight must be above zero.")
        return data

    def weights(self) -> dict:
        return {n: self.cleaned_data[f"w_{n}"] for n in Weights.COMPONENTS}


class DueDiligenceForm(forms.Form):
    item = forms.ChoiceField(choices=DueDiligenceItem.choices)
    outcome = forms.ChoiceField(choices=[c for c in DueDiligenceOutcome.choices if c[0] != "pending"])
    note = forms.CharField(required=False, widget=forms.Textarea)


class ConsultationForm(forms.Form):
    held_on = DateField(label="Date held", what="the date the consultation was held")
    outcome = forms.ChoiceField(choices=ConsultationOutcome.choices)
    summary = forms.CharField(widget=forms.Textarea)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=BoardOutcome.choices)
    reasons = forms.CharField(widget=forms.Textarea)
    decided_on = DateField(label="Date decided", what="the date of the decision")
    decided_by_name = forms.CharField(max_length=200, label="Decided by")


class HandOffForm(forms.Form):
    effective_on = DateField(label="Effective date", what="the date the move takes effect")
    note = forms.CharField(required=False, widget=forms.Textarea)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the proposal withdrawn?",
        error_messages={"required": "Give a reason."},
    )


class CloseRoundForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the round closing?",
        help_text="Recorded as the reason each open proposal of the round is withdrawn.",
        error_messages={"required": "Give a reason."},
    )


class PreferencesForm(forms.Form):
    """A performing school's ranked choice of partners: a select per rank, the 1st required. `partners`:
    (key, label) of the partners eligible for the school; `current`: the keys recorded so far, by rank."""

    def __init__(self, *args, partners=(), current=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = list(current)
        for k, ordinal in enumerate(PREFERENCE_ORDINALS[:MAX_PREFERENCES]):
            self.fields[f"choice_{k + 1}"] = forms.ChoiceField(
                label=f"{ordinal} choice",
                required=k == 0,
                choices=[("", "Choose a partner" if k == 0 else "No further choice"), *partners],
                initial=current[k] if k < len(current) else "",
                error_messages={
                    "required": "Choose the partner the school would most like to join.",
                    "invalid_choice": "Choose a partner from the list: that one is not eligible for this school.",
                },
            )

    def clean(self):
        data = super().clean()
        names = list(self.fields)
        picks = [data.get(n) or "" for n in names]
        for k, name in enumerate(names):
            if name in self.errors:
                continue
            later = [PREFERENCE_ORDINALS[j] for j in range(k + 1, len(picks)) if picks[j]]
            if not picks[k] and later and k > 0:
                self.add_error(
                    name,
                    f"Choose a {PREFERENCE_ORDINALS[k]} choice, or leave the {later[0]} choice empty.",
                )
            elif picks[k] and picks[k] in picks[:k]:
                first = PREFERENCE_ORDINALS[picks.index(picks[k])]
                self.add_error(name, f"Choose a different partner: that one is already the {first} choice.")
        return data

    def preferences(self) -> list[str]:
        return [self.cleaned_data[n] for n in self.fields if self.cleaned_data.get(n)]
