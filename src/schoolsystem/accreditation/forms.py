"""Page forms. They only parse input; the services hold the rules."""

from django import forms
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accreditation import constants as c
from schoolsystem.accreditation.rules import (
    ARRANGEMENT_AGREED_ON,
    NEXT_REVIEW_ON,
    REVIEW_DUE_ON,
    REVIEW_FINDINGS_MISSING,
    ROUND_CLOSES_ON,
    ROUND_OPENS_ON,
    SUSPENSION_REASON_MISSING,
    la_codes_error,
    review_date_error,
    round_dates_error,
)
from schoolsystem.core.forms import (
    DateField,
    GovukMessages,
    check_not_after_today,
    choice_messages,
    number_messages,
)
from schoolsystem.core.uploads import DOCUMENT_HINT
from schoolsystem.registry.constants import URN_MAX, URN_MIN
from schoolsystem.registry.models import Establishment, Group


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _choice_messages(what: str) -> dict[str, str]:
    return choice_messages(what, verb="Choose")


class OrganisationForm(GovukMessages, forms.Form):
    name = forms.CharField(
        max_length=250,
        label="Organisation name",
        error_messages={
            "required": "Enter the organisation's name",
            "max_length": "The organisation's name must be 250 characters or less",
        },
    )
    org_type = forms.ChoiceField(
        choices=c.OrgType.choices,
        label="Type of organisation",
        error_messages=_choice_messages("the type of organisation"),
    )
    establishment_urn = forms.IntegerField(
        required=False,
        label="School URN (unique reference number)",
        help_text="If the organisation is a school, its URN.",
        error_messages={"invalid": "Enter the school's URN as a number, for example 125000"},
    )
    group_uid = forms.IntegerField(
        required=False,
        label="Trust or federation UID",
        help_text="If it is a trust or federation, its unique identifier (UID) in Get Information about Schools.",
        error_messages={"invalid": "Enter the trust or federation UID as a number, for example 2044"},
    )
    national_support_school = forms.BooleanField(
        required=False,
        label="The school is a National Support School (its head is a National Leader of Education)",
    )
    denomination = forms.ChoiceField(
        choices=c.Denomination.choices,
        required=False,
        label="Religious character",
        error_messages=_choice_messages("the religious character"),
    )
    diocese = forms.CharField(
        max_length=100,
        required=False,
        label="Diocese",
        help_text="For church schools and dioceses.",
        error_messages={"max_length": "The diocese must be 100 characters or less"},
    )

    def clean_establishment_urn(self):
        urn = self.cleaned_data.get("establishment_urn")
        if urn is None:
            return None
        school = Establishment.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError("No school has that URN: check the school URN")
        return school

    def clean_group_uid(self):
        uid = self.cleaned_data.get("group_uid")
        if uid is None:
            return None
        group = Group.objects.filter(uid=uid).first()
        if group is None:
            raise forms.ValidationError(
                "No trust or federation has that UID: check the trust or federation UID"
            )
        return group


class OrganisationEditForm(OrganisationForm):
    """Editing after registering: the same fields, prefilled from the organisation."""

    @classmethod
    def initial_for(cls, org) -> dict:
        return {
            "name": org.name,
            "org_type": org.org_type,
            "establishment_urn": org.establishment.urn if org.establishment_id else None,
            "group_uid": org.group.uid if org.group_id else None,
            "national_support_school": org.national_support_school,
            "denomination": org.denomination,
            "diocese": org.diocese,
        }


class MemberForm(GovukMessages, forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Username of the colleague to add",
        help_text="They must have an applicant account.",
        error_messages={"required": "Enter the username of the colleague to add"},
    )

    def clean_username(self):
        from schoolsystem.accounts.models import User

        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(
                "No user has that username: check the username of the colleague to add"
            )
        return user


class RoundForm(GovukMessages, forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="For example, Spring term 2026.",
        error_messages={
            "required": "Enter the round's name, for example Spring term 2026",
            "max_length": "The round's name must be 100 characters or less",
        },
    )
    opens_on = DateField(label="Opens on", required=True, what=ROUND_OPENS_ON)
    closes_on = DateField(label="Closes on", required=True, what=ROUND_CLOSES_ON)

    def clean(self):
        data = super().clean()
        backwards = round_dates_error(opens_on=data.get("opens_on"), closes_on=data.get("closes_on"))
        if backwards:
            self.add_error("closes_on", backwards)
        return data


class ArrangementForm(GovukMessages, forms.Form):
    agreed_by = forms.CharField(
        max_length=200,
        label="Who agreed the arrangement",
        help_text="Name and role of the official who agreed the out-of-round proposal.",
        error_messages={
            "required": "Enter who agreed the arrangement",
            "max_length": "Who agreed the arrangement must be 200 characters or less",
        },
    )
    agreed_on = DateField(label="Date agreed", what=ARRANGEMENT_AGREED_ON)

    def clean(self):
        data = super().clean()
        check_not_after_today(self, "agreed_on")
        return data


class LedSchoolsForm(GovukMessages, forms.Form):
    urns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="URNs of the schools the provider leads now",
        help_text="Unique reference numbers (URNs) from the register of schools, separated by commas. "
        "Leave empty if it leads none.",
    )

    def clean_urns(self):
        codes = _codes(self.cleaned_data.get("urns", ""))
        # A URN has up to 6 digits; a longer number is not one (and overflowed the database lookup: found by
        # fuzzing).
        bad = [code for code in codes if not (code.isdigit() and URN_MIN <= int(code) <= URN_MAX)]
        if bad:
            raise forms.ValidationError(
                f"URNs of the schools led must be numbers of up to 6 digits: {', '.join(bad)} "
                f"{'is' if len(bad) == 1 else 'are'} not"
            )
        urns = [int(code) for code in codes]
        found = {e.urn: e for e in Establishment.objects.filter(urn__in=urns)}
        missing = [str(u) for u in urns if u not in found]
        if missing:
            raise forms.ValidationError(
                f"No school has URN {', '.join(missing)}: check the URNs of the schools led"
            )
        return [found[u] for u in dict.fromkeys(urns)]


def _round_field(label: str = "Application round", *, required: bool = False):
    return forms.ModelChoiceField(
        queryset=None,
        required=required,
        label=label,
        empty_label="Out of round (by arrangement with the department)",
        help_text="Proposals are made in termly rounds. Apply out of round only by arrangement with the "
        "department.",
        error_messages=_choice_messages("an application round"),
    )


def _rounds_open_or_coming():
    """Rounds an applicant can still apply in: open now or not yet open (a closed round is no choice)."""
    from schoolsystem.accreditation.models import Round

    return Round.objects.filter(closes_on__gte=timezone.localdate()).order_by("opens_on")


class StartForm(GovukMessages, forms.Form):
    accreditation_type = forms.ChoiceField(
        choices=[
            (c.AccreditationType.ASP, "Accredited School Provider (ASP)"),
            (c.AccreditationType.ASG, "Accredited Schools Group (ASG)"),
        ],
        widget=forms.RadioSelect,
        label="What do you want to be accredited as?",
        help_text="Accredited School Providers (ASPs) lead improvement in one or two schools; Accredited Schools "
        "Groups (ASGs) already lead two or more through a formal partnership and will be accountable for three "
        "or more.",
        error_messages=_choice_messages("whether to be accredited as an ASP or an ASG"),
    )
    round = _round_field()

    def __init__(self, *args, open_round=None, refusals=None, **kwargs):
        """`open_round`: the round open today (`selectors.open_round`), chosen unless the applicant picks another
        (seed 000: termly rounds; out of round only by arrangement). `refusals`: type -> why the organisation
        may not apply for it (`selectors.start_refusals`); those types are not offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["accreditation_type"]
        field.choices = [(value, label) for value, label in field.choices if value not in (refusals or {})]
        self.fields["round"].queryset = _rounds_open_or_coming()
        if open_round is not None and "round" not in self.initial:
            self.initial["round"] = open_round.pk


class DetailsForm(GovukMessages, forms.Form):
    round = _round_field()
    route = forms.ChoiceField(
        choices=c.Route.choices,
        label="How is the organisation applying?",
        error_messages=_choice_messages("how the organisation is applying"),
    )
    phases = forms.MultipleChoiceField(
        choices=c.Phase.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Phases",
        required=False,
        error_messages=_choice_messages("the phases"),
    )
    la_codes = forms.CharField(
        required=False,
        label="Local authority areas",
        help_text="Three-digit local authority (LA) codes, separated by commas, for example 936, 938. "
        "The list of local authorities below gives each one's code.",
    )
    proposed_capacity = forms.IntegerField(
        min_value=1,
        max_value=100,
        label="How many schools could you lead?",
        help_text="An ASP leads 1 or 2 schools; an ASG 3 or more.",
        error_messages=number_messages("the number of schools you could lead", 1, 100),
    )
    schools_led_in_formal_partnership = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Schools you lead now through a formal partnership",
        error_messages=number_messages(
            "the number of schools you lead now through a formal partnership", 0, 100
        ),
    )
    primary_schools_governed = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Primary schools you are accountable for governing",
        error_messages=number_messages(
            "the number of primary schools you are accountable for governing", 0, 100
        ),
    )
    out_of_round_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for applying out of round",
        help_text="Only if you are not applying in a round: the arrangement agreed with the department.",
    )
    education_strategy = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Education strategy (non-educational organisations)",
        help_text="Organisations that are not educational: your education strategy and how you will access "
        "primary expertise and school-improvement experience.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = _rounds_open_or_coming()
        current = self.initial.get("round")
        if current is not None:  # keep the proposal's own round listed even if it has closed
            from schoolsystem.accreditation.models import Round

            rounds = rounds | Round.objects.filter(pk=getattr(current, "pk", current))
        self.fields["round"].queryset = rounds.order_by("opens_on")

    def clean_la_codes(self):
        """Each code a local authority in the register (the service's rule, so it shows with the other errors)."""
        from schoolsystem.accreditation.selectors import known_la_codes

        codes = _codes(self.cleaned_data.get("la_codes", ""))
        wrong = la_codes_error(codes, known=known_la_codes(codes))
        if wrong:
            raise forms.ValidationError(wrong)
        return codes


class EvidenceForm(GovukMessages, forms.Form):
    # Seed 000 states no word limit for applicants; one criterion's evidence may run longer than a note, so
    # twice the service's default (about 3,000 words). Notes, requests, answers and reasons keep the default,
    # on the pages and in the API.
    text_limit = 20_000

    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}), label="Your evidence")


class PartnerForm(GovukMessages, forms.Form):
    name = forms.CharField(
        max_length=250,
        label="Partner's name",
        error_messages={
            "required": "Enter the partner's name",
            "max_length": "The partner's name must be 250 characters or less",
        },
    )
    kind = forms.ChoiceField(
        choices=c.PartnerKind.choices,
        label="Kind of partner",
        error_messages=_choice_messages("the kind of partner"),
    )
    is_educational = forms.BooleanField(
        required=False, initial=True, label="The partner is an educational organisation"
    )
    track_record = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Partner's track record",
        help_text="Co-partners need not be accredited but must meet the track-record criteria.",
    )


class AttachmentForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=DOCUMENT_HINT,
        error_messages={
            "required": "Choose a file to upload",
            "missing": "Choose a file to upload",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read: choose another file",
        },
    )
    criterion = forms.ChoiceField(
        choices=[("", "General"), *c.Criterion.choices],
        required=False,
        label="Supports",
        error_messages=_choice_messages("which part of the proposal the file supports"),
    )


class _AssessorField(forms.ModelChoiceField):
    """Offers `queryset` (the assessors the decision maker may pick) but accepts any of `accepts`: a conflicted
    assessor chosen from a page loaded before they declared the conflict gets the service's reason, not "Select a
    valid choice"."""

    accepts = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.accepts.get(pk=value)
        except (ValueError, TypeError, forms.ValidationError, self.accepts.model.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


class AssignForm(GovukMessages, forms.Form):
    assessor = _AssessorField(
        queryset=None,
        label="Assessor",
        empty_label="Choose an assessor",
        error_messages=_choice_messages("an assessor"),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        from schoolsystem.accounts.models import User

        super().__init__(*args, **kwargs)
        field = self.fields["assessor"]
        field.accepts = User.objects.filter(role=Role.ASSESSOR, is_active=True)
        offered = field.accepts
        if organisation is not None:
            # An assessor who declared a conflict with the organisation is not offered (the service refuses them).
            offered = offered.exclude(accreditation_conflicts__organisation=organisation)
        field.queryset = offered.order_by("first_name", "last_name", "username")
        field.label_from_instance = lambda u: u.display_name


class TextForm(GovukMessages, forms.Form):
    """One text box: requests, responses, notes, feedback, complaints."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Text", required=False)

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class ScoresForm(GovukMessages, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for heading, label in c.Heading.choices:
            self.fields[f"score-{heading}"] = forms.TypedChoiceField(
                choices=[("", "Not scored"), *c.SCORE_CHOICES],
                coerce=int,
                required=False,
                label=label,
                error_messages={"invalid_choice": f"Choose a score from 1 to 4 for “{label}”"},
            )
            self.fields[f"notes-{heading}"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2}), label=f"Notes: {label}"
            )

    def clean(self):
        """Something to save: at least one score, and no notes without their score (found in review: an empty
        form said "Scores saved", and notes under an unscored heading were dropped without a word)."""
        data = super().clean()
        scored = False
        for heading, label in c.Heading.choices:
            score = data.get(f"score-{heading}")
            scored |= score not in (None, "")
            if data.get(f"notes-{heading}", "").strip() and score in (None, ""):
                self.add_error(f"score-{heading}", f"Choose a score for “{label}” to save its notes")
        if not scored and not self.errors:
            first = c.Heading.values[0]
            self.add_error(f"score-{first}", "Choose a score for at least one heading")
        return data


class RecommendForm(GovukMessages, forms.Form):
    recommendation = forms.ChoiceField(
        choices=c.Recommendation.choices,
        widget=forms.RadioSelect,
        label="Your recommendation",
        error_messages=_choice_messages("whether to recommend accreditation"),
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Reasons", required=False)


class DecideForm(GovukMessages, forms.Form):
    outcome = forms.ChoiceField(
        choices=[("accredit", "Accredit"), ("refuse", "Do not accredit")],
        widget=forms.RadioSelect,
        label="Decision",
        error_messages=_choice_messages("whether to accredit the organisation"),
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label="Accredited capacity (schools)",
        help_text="How many schools the provider may lead: an ASP 1 or 2, an ASG 3 or more.",
        error_messages=number_messages("the accredited capacity", 1, 100),
    )
    review_due_on = DateField(
        label="Review date",
        required=False,
        help_text="Leave empty for three years from today. No more than five years from today.",
        what=REVIEW_DUE_ON,
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Reasons", required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "accredit":
            too_soon = review_date_error(
                data.get("review_due_on"), today=timezone.localdate(), what=REVIEW_DUE_ON
            )
            if too_soon:
                self.add_error("review_due_on", too_soon)
        return data


class FeedbackReviewForm(GovukMessages, forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            ("release", "Release the feedback to the applicant"),
            ("return", "Return it to the assessor"),
        ],
        widget=forms.RadioSelect,
        label="What should happen to the feedback?",
        error_messages=_choice_messages("whether to release the feedback or return it to the assessor"),
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note", required=False)


class ConflictForm(GovukMessages, forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Organisation",
        empty_label="Choose an organisation",
        error_messages=_choice_messages("the organisation you have a conflict of interest with"),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Nature of the conflict", required=False
    )

    def __init__(self, *args, **kwargs):
        from schoolsystem.accreditation.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()


class SuspendForm(GovukMessages, forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("suspend", "Suspend"),
            ("reinstate", "Reinstate"),
            ("renew", "Renew after review"),
            ("withdraw", "Withdraw after review"),
        ],
        widget=forms.RadioSelect,
        label="What do you want to record?",
        error_messages=_choice_messages("whether to suspend, reinstate, renew or withdraw the accreditation"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Reason or findings", required=False
    )
    next_review_on = DateField(label="Next review date (when renewing)", required=False, what=NEXT_REVIEW_ON)

    def clean(self):
        """The service's rules for each action, checked here too so they show with the fields' own errors: a
        suspension gives its reason, a review its findings, a renewal a next review date after today."""
        data = super().clean()
        action = data.get("action")
        if not (data.get("note") or "").strip() and "note" not in self.errors:
            if action == "suspend":
                self.add_error("note", SUSPENSION_REASON_MISSING)
            elif action in ("renew", "withdraw"):
                self.add_error("note", REVIEW_FINDINGS_MISSING)
        if action == "renew":
            too_soon = review_date_error(
                data.get("next_review_on"), today=timezone.localdate(), what=NEXT_REVIEW_ON
            )
            if too_soon:
                self.add_error("next_review_on", too_soon)
        return data
