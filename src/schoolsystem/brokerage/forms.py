"""Page forms. They only parse input; rules live in services (whose errors are added back to the form)."""

from django import forms
from django.utils import timezone

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
from schoolsystem.brokerage.rules import (
    CONSULTATION_HELD_ON,
    DECIDED_ON,
    closing_trust_error,
    concern_note_error,
    hand_off_date_error,
    ineligible_preference,
    not_before_round,
    preference_errors,
)
from schoolsystem.core.forms import (
    DateField,
    GovukMessages,
    check_not_after_today,
    choice_messages,
)
from schoolsystem.engines.matching import Weights


class RoundForm(GovukMessages, forms.Form):
    """Start a round. `las`: the LAs the user may run rounds in (a choice only when there are several);
    `trusts`: the multi-academy trusts with schools in those LAs, one of which a whole-MAT closure names. A closing
    trust with any other scenario is refused beside the field, as the service refuses it (rules.closing_trust_error).
    (The Design System's conditional reveal would hide the question under the closure's radio, but its script puts
    aria-expanded on the radio, a known critical axe finding, govuk-frontend issue 979, which the sweep forbids.)"""

    field_order = ["title", "la", "scenario", "leaving_group"]

    title = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the title of the round",
            "max_length": "The title must be 200 characters or less",
        },
    )
    scenario = forms.ChoiceField(
        choices=Scenario.choices, widget=forms.RadioSelect, error_messages=choice_messages("the scenario")
    )
    la = forms.ChoiceField(
        label="Local authority", required=False, error_messages=choice_messages("the local authority")
    )
    leaving_group = forms.ChoiceField(
        required=False,
        label="Closing trust (whole-MAT closure only)",
        help_text="The multi-academy trust that is closing: each of its schools is brokered to another trust. "
        "Leave it empty for any other scenario.",
        error_messages=choice_messages("the closing trust"),
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
        # A trust is named with its GIAS group ID where it has one: trusts' names are often near each other
        # ("Keystone Academies Trust", "Keystone Academy Trust"; found in review).
        self.fields["leaving_group"].choices = [("", "Not a whole-MAT closure")] + [
            (k, f"{g.name} ({g.group_id})" if g.group_id else g.name) for k, g in self.trusts.items()
        ]

    def clean(self):
        data = super().clean()
        data["la"] = self.las.get(data.get("la") or "") or next(iter(self.las.values()), None)
        data["leaving_group"] = self.trusts.get(data.get("leaving_group") or "")
        if "scenario" in data and "leaving_group" not in self.errors:
            no_trust = closing_trust_error(
                scenario=data["scenario"], has_leaving_group=data["leaving_group"] is not None
            )
            if no_trust:
                self.add_error("leaving_group", no_trust)
        return data


class AddSchoolForm(GovukMessages, forms.Form):
    """Add a school to a round. The kind of move is asked only in a re-brokerage round, where it is needed; whether
    the school is performing only in a whole-MAT closure, the one round whose schools help choose their trust."""

    urn = forms.IntegerField(
        label="URN",
        min_value=1,
        error_messages=dict.fromkeys(
            ("invalid", "min_value"), "Enter the URN of the school as a number, for example 125000"
        )
        | {"required": "Enter the URN of the school"},
    )
    move_type = forms.ChoiceField(
        label="Kind of move",
        choices=[("", "Choose the kind of move"), *MoveType.choices],
        error_messages=choice_messages("the kind of move"),
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
        error_messages={"max_length": "The group name must be 40 characters or less"},
        help_text="Schools given the same name here, such as a federation, go to the same partner or none of them do.",
    )

    def __init__(self, *args, scenario: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if scenario != Scenario.REBROKERAGE:
            del self.fields["move_type"]
        if scenario != Scenario.MAT_CLOSURE:
            del self.fields["performing"]


class WhatIfForm(GovukMessages, forms.Form):
    partner = forms.ChoiceField(
        required=False,
        label="Trust or partner to change",
        error_messages=choice_messages("the trust or partner to change"),
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=50,
        label="Its capacity",
        help_text="Schools it could take on.",
        error_messages={
            "invalid": "Enter the capacity to try as a whole number",
            "min_value": "The capacity to try must be between 0 and 50",
            "max_value": "The capacity to try must be between 0 and 50",
        },
    )

    def __init__(self, *args, weights: dict | None = None, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "No change")] + list(partners)
        current = Weights.from_dict(weights or {}).as_dict()
        for name in Weights.COMPONENTS:
            part = WEIGHT_LABELS.get(name, name.replace("_", " "))
            what = f"the weight of {part}"
            self.fields[f"w_{name}"] = forms.FloatField(
                label=f"Weight of {part}",
                min_value=0,
                max_value=10,
                initial=current[name],
                error_messages={
                    "required": f"Enter {what}",
                    "invalid": f"Enter {what} as a number, for example 1.5",
                    "min_value": f"The weight of {part} must be between 0 and 10",
                    "max_value": f"The weight of {part} must be between 0 and 10",
                },
            )
        self.fields[
            "w_distance"
        ].help_text = "How much each part of the fit score counts (0 to 10; only their proportions matter)."

    def clean(self):
        data = super().clean()
        # A capacity that failed its own check already says so; only a missing one needs asking for.
        if data.get("partner") and data.get("capacity") is None and "capacity" not in self.errors:
            self.add_error("capacity", "Enter the capacity to try")
        if not data.get("partner") and data.get("capacity") is not None and "partner" not in self.errors:
            self.add_error("partner", "Select the trust or partner whose capacity to try")
        weights = {n: data.get(f"w_{n}") for n in Weights.COMPONENTS}
        if all(v is not None for v in weights.values()) and sum(weights.values()) <= 0:
            self.add_error(None, "At least one weight must be above zero")
        return data

    def weights(self) -> dict:
        return {n: self.cleaned_data[f"w_{n}"] for n in Weights.COMPONENTS}


class DueDiligenceForm(GovukMessages, forms.Form):
    # Nothing is chosen until the user chooses: a default outcome would record "satisfied" for a check not made.
    item = forms.ChoiceField(
        choices=[("", "Choose the check"), *DueDiligenceItem.choices],
        error_messages=choice_messages("the check"),
    )
    outcome = forms.ChoiceField(
        choices=[("", "Choose the outcome"), *(c for c in DueDiligenceOutcome.choices if c[0] != "pending")],
        error_messages=choice_messages("the outcome of the check"),
    )
    note = forms.CharField(required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if "outcome" in data:
            no_note = concern_note_error(outcome=data["outcome"], note=data.get("note", ""))
            if no_note:
                self.add_error("note", no_note)
        return data


class _RoundDatesForm(GovukMessages, forms.Form):
    """A form of a proposal's dates: `started_on`, the day its round started, the earliest each date may be
    (rules.not_before_round, checked beside the fields' other errors as the service checks it)."""

    round_dates: tuple[str, ...] = ()

    def __init__(self, *args, started_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean(self):
        data = super().clean()
        check_not_after_today(self, *self.round_dates)
        if self.started_on is not None:
            for name in self.round_dates:
                if name in self.errors:
                    continue
                early = not_before_round(
                    data.get(name), started_on=self.started_on, what=self.fields[name].what
                )
                if early:
                    self.add_error(name, early)
        return data


class ConsultationForm(_RoundDatesForm):
    round_dates = ("held_on",)
    held_on = DateField(label="Date held", what=CONSULTATION_HELD_ON)
    outcome = forms.ChoiceField(
        choices=[("", "Choose the outcome"), *ConsultationOutcome.choices],
        error_messages=choice_messages("the outcome of the consultation"),
    )
    summary = forms.CharField(
        widget=forms.Textarea, error_messages={"required": "Enter a summary of what the school said"}
    )


class DecisionForm(_RoundDatesForm):
    round_dates = ("decided_on",)
    outcome = forms.ChoiceField(
        choices=[("", "Choose the decision"), *BoardOutcome.choices],
        error_messages=choice_messages("the board's decision"),
    )
    reasons = forms.CharField(widget=forms.Textarea, error_messages={"required": "Enter the board's reasons"})
    decided_on = DateField(label="Date decided", what=DECIDED_ON)
    decided_by_name = forms.CharField(
        max_length=200,
        label="Decided by",
        help_text="The board or role, such as Regional advisory board, not a person's name: the register is public.",
        error_messages={
            "required": "Enter who decided",
            "max_length": "Who decided must be 200 characters or less",
        },
    )


class HandOffForm(GovukMessages, forms.Form):
    effective_on = DateField(
        label="Effective date",
        what="the date the move takes effect",
        help_text="The date the school joins the trust, such as the conversion date. Within 2 years of today.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if too_late := hand_off_date_error(data.get("effective_on"), today=timezone.localdate()):
            self.add_error("effective_on", too_late)
        return data


class WithdrawForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the proposal withdrawn?",
        error_messages={"required": "Enter why the proposal is withdrawn"},
    )


class CloseRoundForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the round closing?",
        help_text="Recorded as the reason each open proposal of the round is withdrawn.",
        error_messages={"required": "Enter why the round is closing"},
    )


class PreferencesForm(GovukMessages, forms.Form):
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
                    "required": "Choose the partner the school would most like to join",
                    "invalid_choice": ineligible_preference(k),
                },
            )

    def clean(self):
        data = super().clean()
        names = list(self.fields)
        picks = [data.get(n) or "" for n in names]
        repeated = preference_errors(picks)
        for k, name in enumerate(names):
            if name in self.errors:
                continue
            later = [PREFERENCE_ORDINALS[j] for j in range(k + 1, len(picks)) if picks[j]]
            if not picks[k] and later and k > 0:
                self.add_error(
                    name, f"Choose a {PREFERENCE_ORDINALS[k]} choice, or leave the {later[0]} choice empty"
                )
            elif k in repeated:
                self.add_error(name, repeated[k])
        return data

    def preferences(self) -> list[str]:
        return [self.cleaned_data[n] for n in self.fields if self.cleaned_data.get(n)]
