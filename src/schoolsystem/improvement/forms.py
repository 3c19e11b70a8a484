"""Forms of the improvement pages. They validate input shape, and check in clean() the rules that need only what was
entered by calling the services' own rule functions (`improvement.rules`, `core.rules`), so a page shows every
problem at once; the services still enforce every rule.

The API reuses the same forms for its write endpoints, so pages and API refuse bad input alike.
"""

from datetime import date

from django import forms
from django.utils import timezone

from schoolsystem.core.forms import (
    DateField,
    GovukMessages,
    check_not_after_today,
    choice_messages,
    number_messages,
)
from schoolsystem.improvement import rules
from schoolsystem.improvement.constants import (
    PHASES,
    REDACTABLE_FIELDS,
    ConsultationOutcome,
    DecisionOutcome,
    InterventionOption,
    PriceModel,
    Rag,
    SupportKind,
    WarningGround,
    deadline_days,
    warning_notice_backdate_hint,
)


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _urn_messages(school: str) -> dict[str, str]:
    """GOV.UK messages for a URN; `school` names whose, e.g. "the school reviewed"."""
    return {
        "required": f"Enter the URN of {school}",
        "invalid": f"Enter the URN of {school} as a number, for example 125000",
        "min_value": f"Enter the URN of {school} as a number, for example 125000",
    }


class VersionedForm(GovukMessages, forms.Form):
    """Carries the case version the user loaded (optimistic locking)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), "This page is out of date."),
    )


class CaseStepForm(VersionedForm):
    """A form recording a dated step of a case: `step_date` names its date field, which is today or earlier and on
    or after the case's date identified (`identified_on`, given by the page), the rules the services enforce."""

    step_date = ""

    def __init__(self, *args, identified_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.identified_on = identified_on

    def clean(self):
        data = super().clean()
        if not self.step_date:  # the base form itself: no date to check
            return data
        check_not_after_today(self, self.step_date)
        if self.step_date not in self.errors:
            early = rules.not_before_identified(
                data.get(self.step_date),
                identified_on=self.identified_on,
                what=self.fields[self.step_date].what,
            )
            if early:
                self.add_error(self.step_date, early)
        return data


class CaseOpenForm(GovukMessages, forms.Form):
    urn = forms.IntegerField(label="School URN", min_value=1, error_messages=_urn_messages("the school"))
    source = forms.ChoiceField(
        choices=[("manual", "Opened by hand"), ("risk_screen", "Risk screen")], widget=forms.HiddenInput
    )
    reasons = forms.CharField(
        label="Reasons for concern",
        help_text="One reason per line.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter at least one reason for concern"},
    )
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    identified_on = DateField(
        label="Date the concern was identified",
        required=False,
        help_text=(
            "Today, unless the concern was identified before you record the case, for example with a warning "
            "notice issued on paper. The case's warning notice and consultations cannot be dated before it."
        ),
        what=rules.IDENTIFIED_ON,
    )

    def __init__(self, *args, school=None, **kwargs):
        """`school`: the school already chosen (from its risk page): the page names it, so the URN travels hidden."""
        super().__init__(*args, **kwargs)
        self.fields["identified_on"].initial = timezone.localdate()
        if school is not None:
            self.fields["urn"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if "identified_on" not in self.errors:
            wrong = rules.identified_on_error(data.get("identified_on"), today=timezone.localdate())
            if wrong:
                self.add_error("identified_on", wrong)
        return data

    def clean_reasons(self):
        value = lines(self.cleaned_data["reasons"])
        if not value:
            raise forms.ValidationError("Enter at least one reason for concern")
        return value


class CaseEditForm(VersionedForm):
    identified_on = DateField(
        label="Date the concern was identified",
        required=False,
        help_text="Not after the case's warning notice or first consultation. Leave it as it is to keep it.",
        what=rules.IDENTIFIED_ON,
    )
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    exit_criteria = forms.CharField(
        label="Exit criteria",
        help_text="One criterion per line. The case exits when all are met.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, earliest_step: date | None = None, **kwargs):
        """`earliest_step`: the date of the case's warning notice or first consultation, which the date identified
        may not come after (None: neither recorded)."""
        super().__init__(*args, **kwargs)
        self.earliest_step = earliest_step

    def clean_exit_criteria(self):
        return lines(self.cleaned_data["exit_criteria"])

    def clean(self):
        data = super().clean()
        if "identified_on" not in self.errors:
            wrong = rules.identified_on_error(
                data.get("identified_on"), today=timezone.localdate(), earliest_step=self.earliest_step
            )
            if wrong:
                self.add_error("identified_on", wrong)
        return data


class NoteForm(VersionedForm):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequiredNoteForm(VersionedForm):
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter a note"}
    )


class VisitForm(CaseStepForm):
    step_date = "visited_on"
    visited_on = DateField(label="Date of visit", what=rules.VISITED_ON)
    notes = forms.CharField(label="Notes of the visit", widget=forms.Textarea(attrs={"rows": 5}))


class EarlyConversationForm(CaseStepForm):
    step_date = "held_on"
    held_on = DateField(label="Date of the conversation", what=rules.CONVERSATION_ON)
    note = forms.CharField(label="What was discussed and agreed", widget=forms.Textarea(attrs={"rows": 5}))


class WarningNoticeForm(VersionedForm):
    grounds = forms.MultipleChoiceField(
        label="Grounds",
        choices=WarningGround.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one ground for the warning notice",
            "invalid_choice": "Select the grounds from the list",
        },
    )
    issued_on = DateField(
        label="Date the notice was issued",
        required=False,
        help_text="Today, unless you are recording a notice issued earlier.",
        what=rules.NOTICE_ISSUED_ON,
    )
    compliance_by = DateField(
        label="Compliance date",
        help_text="The school must comply by this date. An intervention can be chosen only after it has passed.",
        what=rules.COMPLIANCE_BY,
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args,
        default_compliance_by: date | None = None,
        identified_on: date | None = None,
        **kwargs,
    ):
        """`identified_on`: the case's date identified, which the notice may not be dated before."""
        super().__init__(*args, **kwargs)
        self.identified_on = identified_on
        self.fields["issued_on"].initial = timezone.localdate()
        self.fields["issued_on"].help_text = warning_notice_backdate_hint()
        if default_compliance_by:
            self.fields["compliance_by"].initial = default_compliance_by

    def clean(self):
        data = super().clean()
        if "issued_on" in self.errors:  # not a real date: nothing to check the rules against
            return data
        found = rules.warning_notice_date_errors(
            issued_on=data.get("issued_on"),
            compliance_by=data.get("compliance_by"),
            today=timezone.localdate(),
            backdate_days=deadline_days("warning_notice_backdate_days"),
            max_compliance_days=deadline_days("warning_notice_compliance_max_days"),
        )
        early = rules.not_before_identified(
            data.get("issued_on") or timezone.localdate(),
            identified_on=self.identified_on,
            what=rules.NOTICE_ISSUED_ON,
        )
        if early:
            found.setdefault("issued_on", early)
        for field, message in found.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class CorrectWarningNoticeForm(WarningNoticeForm):
    """Correct the warning notice's grounds and dates, with why (the same rules as issuing it)."""

    reason = forms.CharField(
        label="Why are you correcting the notice?",
        help_text="For example, the compliance date was mistyped. It is kept in the case's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the notice is corrected"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.fields["issued_on"].initial = None  # the notice's own date, from the page's initial


class WithdrawWarningNoticeForm(VersionedForm):
    reason = forms.CharField(
        label="Why are you withdrawing the notice?",
        help_text="It is kept in the case's history. The case goes back to where it was before the notice.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the notice is withdrawn"},
    )


class ConsultationForm(CaseStepForm):
    step_date = "consulted_on"
    proposal = forms.CharField(label="What was proposed", widget=forms.Textarea(attrs={"rows": 3}))
    consulted_on = DateField(label="Date consulted", what=rules.CONSULTED_ON)
    outcome = forms.ChoiceField(
        label="The school's response", choices=ConsultationOutcome.choices, widget=forms.RadioSelect
    )
    school_response = forms.CharField(
        label="What the school said", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()  # the date: today or earlier, not before the case's date identified
        if "outcome" in data and "school_response" not in self.errors:
            missing = rules.consultation_response_error(
                outcome=data["outcome"], school_response=data.get("school_response", "")
            )
            if missing:
                self.add_error("school_response", missing)
        return data


class ConsultationResponseForm(VersionedForm):
    """The school's own answer to a consultation."""

    outcome = forms.ChoiceField(
        label="The school's response",
        choices=[
            (ConsultationOutcome.AGREED, "We agree"),
            (ConsultationOutcome.AGREED_WITH_CONDITIONS, "We agree with conditions"),
            (ConsultationOutcome.OBJECTED, "We object"),
        ],
        widget=forms.RadioSelect,
    )
    school_response = forms.CharField(
        label="Your response",
        help_text="Conditions or objections in full.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class InterventionForm(VersionedForm):
    option = forms.ChoiceField(
        label="Intervention",
        choices=InterventionOption.choices,
        widget=forms.RadioSelect,
        error_messages=choice_messages("the intervention"),
    )
    partner_name = forms.CharField(label="Partner (school, leader or trust)", required=False, max_length=250)
    options_considered = forms.CharField(
        label="Options considered",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the options considered"},
    )
    criteria = forms.CharField(
        label="Criteria applied",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the criteria applied"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the rationale"},
    )

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["option"].choices = [(v, InterventionOption(v).label) for v in allowed]

    def clean_options_considered(self):
        return lines(self.cleaned_data["options_considered"])

    def clean_criteria(self):
        return lines(self.cleaned_data["criteria"])

    def clean(self):
        data = super().clean()
        if "option" in data and "partner_name" not in self.errors:
            no_partner = rules.intervention_partner_error(
                option=data["option"], partner_name=data.get("partner_name", "")
            )
            if no_partner:
                self.add_error("partner_name", no_partner)
        return data


class CaseReviewForm(CaseStepForm):
    step_date = "reviewed_on"
    reviewed_on = DateField(label="Date of review", what=rules.REVIEWED_ON)
    progress = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the progress made"},
    )
    criteria_met = forms.TypedMultipleChoiceField(
        label="Exit criteria now met", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, criteria: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        crit = criteria or []
        self.fields["criteria_met"].choices = [(i, c["text"]) for i, c in enumerate(crit)]
        self.fields["criteria_met"].initial = [i for i, c in enumerate(crit) if c.get("met")]


class EscalateForm(VersionedForm):
    reason = forms.CharField(
        label="Reason for escalating",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for escalating"},
    )


class ReasonForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )


class SponsorForm(GovukMessages, forms.Form):
    sponsor_group = forms.ModelChoiceField(
        label="Sponsor trust", queryset=None, error_messages=choice_messages("the sponsor trust")
    )
    rationale = forms.CharField(
        label="Why this sponsor",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why this sponsor was chosen"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from schoolsystem.registry.constants import GroupType
        from schoolsystem.registry.models import Group

        self.fields["sponsor_group"].queryset = Group.objects.filter(
            group_type__in=[GroupType.MULTI_ACADEMY_TRUST, GroupType.SPONSOR]
        ).order_by("name")


class RevokeForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label="Exceptional circumstances",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the exceptional circumstances"},
    )


MAX_REDACTIONS = 10
REDACTION_PARTS = ("field", "withheld", "reason", "passage")


class PublishForm(GovukMessages, forms.Form):
    """Publish a decision with explicit redactions (field, what was withheld, why, optionally the exact words).

    Redaction is the exception, so the form shows only the blocks the user needs: those filled in and one empty
    one (GOV.UK "add another", without JavaScript: the page's "Add another redaction" button posts the form and
    it comes back with one more empty block)."""

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision  # to check the exact words are in the field (rules.passage_missing)
        values = self.data if self.is_bound else self.initial
        filled = [
            i
            for i in range(1, MAX_REDACTIONS + 1)
            if any(str(values.get(f"redaction_{i}_{k}") or "").strip() for k in REDACTION_PARTS)
        ]
        self.rows = min(MAX_REDACTIONS, (max(filled) if filled else 0) + 1)
        choices = [("", "No redaction")] + list(REDACTABLE_FIELDS.items())
        for i in range(1, self.rows + 1):
            self.fields[f"redaction_{i}_field"] = forms.ChoiceField(
                label="Field",
                choices=choices,
                required=False,
                error_messages={
                    "invalid_choice": f"Select the field to redact in redaction {i} from the list"
                },
            )
            self.fields[f"redaction_{i}_withheld"] = forms.CharField(
                label="What is withheld",
                required=False,
                help_text="Published: say what kind of information it is, not the information itself, for example "
                "'Personal information about a pupil'.",
            )
            self.fields[f"redaction_{i}_reason"] = forms.CharField(label="Why it is withheld", required=False)
            self.fields[f"redaction_{i}_passage"] = forms.CharField(
                label="The exact words to withhold (optional)",
                required=False,
                help_text="Copied from the field. Leave blank to withhold the whole field.",
            )

    @property
    def blocks(self) -> list[list]:
        """The bound fields of each redaction, in order (the template puts each in its own fieldset)."""
        return [[self[f"redaction_{i}_{k}"] for k in REDACTION_PARTS] for i in range(1, self.rows + 1)]

    @property
    def can_add_another(self) -> bool:
        return self.rows < MAX_REDACTIONS

    def clean(self):
        data = super().clean()
        redactions = []
        for i in range(1, self.rows + 1):
            field, withheld, reason, passage = (data.get(f"redaction_{i}_{k}", "") for k in REDACTION_PARTS)
            if not (field or withheld or reason or passage):
                continue
            if not field:
                self.add_error(f"redaction_{i}_field", f"Choose the field to redact in redaction {i}.")
            if not withheld:
                self.add_error(f"redaction_{i}_withheld", f"Say what is withheld in redaction {i}.")
            if not reason:
                self.add_error(f"redaction_{i}_reason", f"Give the reason it is withheld in redaction {i}.")
            decision = self.decision
            if (
                field in REDACTABLE_FIELDS
                and decision
                and rules.passage_missing(getattr(decision, field), passage)
            ):
                self.add_error(
                    f"redaction_{i}_passage",
                    f"The exact words to withhold in redaction {i} are not in the "
                    f"{REDACTABLE_FIELDS[field].lower()}: copy them from it",
                )
            redactions.append({"field": field, "withheld": withheld, "reason": reason, "passage": passage})
        data["redactions"] = redactions
        return data


class MinutesForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="Minutes (PDF)",
        error_messages={
            "required": "Select the file of minutes",
            "missing": "Select the file of minutes",
            "invalid": "The selected file could not be read: select another file",
            "empty": "The selected file is empty",
        },
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".pdf", ".txt", ".docx", ".odt")):
            raise forms.ValidationError("The selected file must be a PDF, Word, ODT or text file")
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The selected file must be smaller than 10 MB")
        return f


class DecisionSearchForm(GovukMessages, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    school = forms.CharField(
        label="School (name or URN)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The school's name or URN must be 200 characters or less"},
    )
    la = forms.CharField(
        label="Local authority (code or name)",
        required=False,
        max_length=120,
        error_messages={"max_length": "The local authority's code or name must be 120 characters or less"},
    )
    decision_type = forms.ChoiceField(
        label="Type",
        required=False,
        error_messages={"invalid_choice": "No decisions of this type are published on the register"},
    )
    decided_from = DateField(label="Decided from", required=False, what="the earliest decision date")
    decided_to = DateField(label="Decided to", required=False, what="the latest decision date")

    def __init__(self, *args, types: list[str] | None = None, **kwargs):
        """`types`: the decision types to offer (those the register holds); None offers every type."""
        super().__init__(*args, **kwargs)
        from schoolsystem.improvement.constants import DecisionType

        offered = [c for c in DecisionType.choices if types is None or c[0] in types]
        self.fields["decision_type"].choices = [("", "Any type"), *offered]

    def clean(self):
        data = super().clean()
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and start > end:
            self.add_error(
                "decided_to",
                "The latest decision date must be the same as or after the earliest decision date",
            )
        return data


# ---------------------------------------------------------------------------------------------------------------
# Support


class OfferSearchForm(GovukMessages, forms.Form):
    urn = forms.IntegerField(label="School URN", min_value=1, error_messages=_urn_messages("the school"))
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one need",
            "invalid_choice": "Select the needs from the list",
        },
    )
    days_needed = forms.IntegerField(
        label="Days needed",
        min_value=1,
        max_value=200,
        required=False,
        help_text="Leave blank for one day: offers with any spare capacity.",
        error_messages=number_messages("the days needed", 1, 200),
    )

    def clean_days_needed(self):
        return self.cleaned_data.get("days_needed") or 1


class SupportNeedForm(GovukMessages, forms.Form):
    """What support is needed (the school is known: a peer review's school, or the URN field below)."""

    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one need",
            "invalid_choice": "Select the needs from the list",
        },
    )
    description = forms.CharField(
        label="Support needed",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the support needed"},
    )
    days_needed = forms.IntegerField(
        label="Days needed",
        min_value=1,
        max_value=200,
        error_messages=number_messages("the days needed", 1, 200),
    )


class SupportRequestForm(SupportNeedForm):
    urn = forms.IntegerField(label="School URN", min_value=1, error_messages=_urn_messages("the school"))
    field_order = ["urn", "needs", "description", "days_needed"]

    def __init__(self, *args, school=None, **kwargs):
        """`school`: the one school the user asks for (a school leader's own): no URN field, the page names it."""
        super().__init__(*args, **kwargs)
        if school is not None:
            del self.fields["urn"]


class MatchForm(GovukMessages, forms.Form):
    offers = forms.TypedMultipleChoiceField(
        label="Offers to shortlist",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one offer to shortlist",
            "invalid_choice": "Select the offers from the list",
        },
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].choices = list(choices)


class AgreeForm(GovukMessages, forms.Form):
    offer = forms.TypedChoiceField(
        label="Offer agreed",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=choice_messages("the offer agreed"),
    )
    days_agreed = forms.IntegerField(
        label="Days agreed",
        min_value=1,
        max_value=200,
        error_messages=number_messages("the days agreed", 1, 200),
    )
    objectives = forms.CharField(
        label="Objectives",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter at least one objective"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = list(choices)

    def clean_objectives(self):
        value = lines(self.cleaned_data["objectives"])
        if not value:
            raise forms.ValidationError("Enter at least one objective")
        return value


class DeployForm(GovukMessages, forms.Form):
    milestones = forms.CharField(
        label="Milestones",
        help_text="One per line: the date (YYYY-MM-DD), a space, then the milestone.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter at least one milestone"},
    )

    def clean_milestones(self):
        out = []
        for line in lines(self.cleaned_data["milestones"]):
            day, _, title = line.partition(" ")
            try:
                due = forms.DateField().clean(day)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{line}” does not start with a date (YYYY-MM-DD).") from None
            if not title.strip():
                raise forms.ValidationError(f"“{line}” has no milestone after the date.")
            out.append((title.strip(), due))
        if not out:
            raise forms.ValidationError("Enter at least one milestone")
        return out


class SupportReviewForm(GovukMessages, forms.Form):
    reviewed_on = DateField(label="Date of review", what=rules.REVIEWED_ON)
    rag = forms.ChoiceField(
        label="Progress rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages=choice_messages("the progress rating"),
    )
    progress = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the progress made"},
    )

    def clean(self):
        data = super().clean()
        check_not_after_today(self, "reviewed_on")
        return data


class SupportCloseForm(GovukMessages, forms.Form):
    days_delivered = forms.IntegerField(
        label="Days delivered",
        min_value=0,
        max_value=400,
        error_messages=number_messages("the days delivered", 0, 400),
    )
    impact_summary = forms.CharField(
        label="Impact",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the impact of the support"},
    )


class RateForm(GovukMessages, forms.Form):
    score = forms.TypedChoiceField(
        label="How good was the support?",
        coerce=int,
        choices=[(i, f"{i} out of 5") for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages=choice_messages("how good the support was"),
    )
    comment = forms.CharField(label="Comments", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OfferForm(GovukMessages, forms.Form):
    provider_name = forms.CharField(label="Provider name", max_length=250)
    provider_kind = forms.ChoiceField(label="Kind of provider", choices=[])
    provider_urn = forms.IntegerField(
        label="Provider's school URN (optional)",
        required=False,
        min_value=1,
        error_messages=_urn_messages("the provider's school"),
    )
    title = forms.CharField(label="Title of the offer", max_length=250)
    kind = forms.ChoiceField(label="Kind of support", choices=SupportKind.choices)
    needs = forms.MultipleChoiceField(
        label="Other needs it addresses",
        required=False,
        choices=SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    phases = forms.MultipleChoiceField(
        label="Phases (none: all)",
        required=False,
        choices=[(p, p) for p in PHASES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select the phases from the list"},
    )
    radius_km = forms.IntegerField(
        label="Area covered (km from the provider; empty: nationwide)",
        required=False,
        min_value=1,
        max_value=1000,
        error_messages=number_messages("the area covered in km", 1, 1000),
    )
    days_per_term = forms.IntegerField(
        label="Days available per term",
        min_value=0,
        max_value=1000,
        error_messages=number_messages("the days available per term", 0, 1000),
    )
    schools_at_once = forms.IntegerField(
        label="Schools supported at once",
        min_value=1,
        max_value=100,
        error_messages=number_messages("the number of schools supported at once", 1, 100),
    )
    price_model = forms.ChoiceField(label="Price model", choices=PriceModel.choices)
    credits_per_day = forms.IntegerField(
        label="Credits per day (credit-priced offers)",
        required=False,
        min_value=0,
        max_value=1000,
        error_messages=number_messages("the credits per day", 0, 1000),
    )
    contact_name = forms.CharField(label="Contact name", required=False, max_length=200)
    contact_email = forms.EmailField(
        label="Contact email",
        required=False,
        error_messages={"invalid": "Enter the contact email in the correct format, like name@example.com"},
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from schoolsystem.improvement.constants import ProviderKind

        self.fields["provider_kind"].choices = ProviderKind.choices


class MilestoneDoneForm(GovukMessages, forms.Form):
    milestone = forms.TypedChoiceField(
        label="Milestone",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=choice_messages("the milestone"),
    )
    done_on = DateField(label="Date done", what=rules.MILESTONE_DONE_ON)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = list(choices)
        self.fields["done_on"].initial = timezone.localdate()

    # ---------------------------------------------------------------------------------------------------------------
    # Peer review

    def clean(self):
        data = super().clean()
        check_not_after_today(self, "done_on")
        return data


class ActionStatusForm(GovukMessages, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[("done", "Done"), ("dropped", "No longer needed")],
        error_messages=choice_messages("whether the action is done or no longer needed"),
    )


class PeerReviewPlanForm(GovukMessages, forms.Form):
    partnership = forms.ModelChoiceField(
        label="Partnership",
        queryset=None,
        empty_label="Choose a partnership",
        error_messages=choice_messages("the partnership"),
    )
    urn = forms.IntegerField(
        label="URN of the school reviewed", min_value=1, error_messages=_urn_messages("the school reviewed")
    )
    review_on = DateField(label="Date of the review", what="the date of the review")
    focus_areas = forms.CharField(
        label="Focus areas",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter at least one focus area"},
    )
    reviewers = forms.CharField(
        label="Reviewers",
        help_text="One per line: the reviewer's name, a comma, then the URN of their school. "
        "Reviewers come from other schools of the partnership, never the school reviewed.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter at least one reviewer"},
    )

    def __init__(self, *args, partnerships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships

    def clean_focus_areas(self):
        value = lines(self.cleaned_data["focus_areas"])
        if not value:
            raise forms.ValidationError("Enter at least one focus area")
        return value

    def clean_reviewers(self):
        out = []
        for line in lines(self.cleaned_data["reviewers"]):
            name, _, urn = line.rpartition(",")
            if not name.strip() or not urn.strip().isdigit():
                raise forms.ValidationError(f"“{line}” is not a name, a comma and a URN.")
            out.append((name.strip(), int(urn.strip())))
        if not out:
            raise forms.ValidationError("Enter at least one reviewer")
        return out


class PeerReviewFindingsForm(GovukMessages, forms.Form):
    strengths = forms.CharField(label="Strengths", widget=forms.Textarea(attrs={"rows": 4}))
    areas_for_development = forms.CharField(
        label="Areas for development", widget=forms.Textarea(attrs={"rows": 4})
    )


class PeerReviewActionForm(GovukMessages, forms.Form):
    text = forms.CharField(
        label="Action agreed",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the action agreed"},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        error_messages={
            "required": "Enter the owner of the action",
            "max_length": "The owner must be 200 characters or less",
        },
    )
    due_on = DateField(label="Due by", what="the date the action is due")


class DecisionForm(GovukMessages, forms.Form):
    """A structural decision recorded by hand (not coming from a case)."""

    urn = forms.IntegerField(label="School URN", min_value=1, error_messages=_urn_messages("the school"))
    subject = forms.CharField(label="What was decided", max_length=300)
    decision_type = forms.ChoiceField(
        label="Type of decision", error_messages=choice_messages("the type of decision")
    )
    decided_by_name = forms.CharField(
        label="Who decided",
        help_text="The role or body, such as Cabinet member for children, not a person's name: the register is public.",
        max_length=200,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=DecisionOutcome.choices,
        initial=DecisionOutcome.APPROVED,
        required=False,
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label="Date of the decision", help_text="Today or earlier.", what=rules.DECIDED_ON)
    options_considered = forms.CharField(
        label="Options considered",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the options considered"},
    )
    criteria = forms.CharField(
        label="Criteria applied",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the criteria applied"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the rationale"},
    )
    consultation_outcome = forms.CharField(
        label="Outcome of the consultation with the school", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from schoolsystem.improvement.constants import DecisionType

        # Accreditation decisions are the Secretary of State's, recorded from the accreditation app.
        self.fields["decision_type"].choices = [
            ("", "Choose a type"),
            *(c for c in DecisionType.choices if c[0] != DecisionType.ACCREDITATION),
        ]

    def clean_options_considered(self):
        return lines(self.cleaned_data["options_considered"])

    def clean_criteria(self):
        return lines(self.cleaned_data["criteria"])

    def clean(self):
        data = super().clean()
        check_not_after_today(self, "decided_on")
        return data
