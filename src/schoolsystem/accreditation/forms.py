"""Page forms. They only parse input; the services hold the rules."""

from django import forms

from schoolsystem.accounts.constants import Role
from schoolsystem.accreditation import constants as c
from schoolsystem.registry.models import Establishment, Group


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=250, label="Organisation name")
    org_type = forms.ChoiceField(choices=c.OrgType.choices, label="Type of organisation")
    establishment_urn = forms.IntegerField(
        required=False, label="School URN", help_text="If the organisation is a school, its URN."
    )
    group_uid = forms.IntegerField(
        required=False,
        label="Trust or federation UID",
        help_text="If it is a trust or federation, its GIAS UID.",
    )
    national_support_school = forms.BooleanField(
        required=False,
        label="The school is a National Support School (its head is a National Leader of Education)",
    )
    denomination = forms.ChoiceField(choices=c.Denomination.choices, required=False)
    diocese = forms.CharField(max_length=100, required=False)

    def clean_establishment_urn(self):
        urn = self.cleaned_data.get("establishment_urn")
        if urn is None:
            return None
        school = Establishment.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError("No school has that URN.")
        return school

    def clean_group_uid(self):
        uid = self.cleaned_data.get("group_uid")
        if uid is None:
            return None
        group = Group.objects.filter(uid=uid).first()
        if group is None:
            raise forms.ValidationError("No trust or federation has that UID.")
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


class MemberForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Username of the colleague to add",
        help_text="They must have an applicant account.",
    )

    def clean_username(self):
        from schoolsystem.accounts.models import User

        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError("No user has that username.")
        return user


class RoundForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="For example, Spring term 2026.")
    opens_on = forms.DateField(label="Opens on", help_text="For example, 2026-01-05.")
    closes_on = forms.DateField(label="Closes on", help_text="For example, 2026-03-31.")


class ArrangementForm(forms.Form):
    agreed_by = forms.CharField(
        max_length=200,
        required=False,
        label="Who agreed the arrangement",
        help_text="Name and role of the official who agreed the out-of-round proposal.",
    )
    agreed_on = forms.DateField(required=False, label="Date agreed", help_text="For example, 2026-02-14.")


class LedSchoolsForm(forms.Form):
    urns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="URNs of the schools the provider leads now",
        help_text="Registry URNs separated by commas. Leave empty if it leads none.",
    )

    def clean_urns(self):
        codes = _codes(self.cleaned_data.get("urns", ""))
        bad = [code for code in codes if not code.isdigit()]
        if bad:
            raise forms.ValidationError(f"URNs are numbers: {', '.join(bad)}.")
        urns = [int(code) for code in codes]
        found = {e.urn: e for e in Establishment.objects.filter(urn__in=urns)}
        missing = [str(u) for u in urns if u not in found]
        if missing:
            raise forms.ValidationError(f"No school has URN {', '.join(missing)}.")
        return [found[u] for u in dict.fromkeys(urns)]


class StartForm(forms.Form):
    accreditation_type = forms.ChoiceField(
        choices=c.AccreditationType.choices,
        widget=forms.RadioSelect,
        label="What do you want to be accredited as?",
        help_text="ASPs lead improvement in one or two schools; ASGs already lead two or more through a formal "
        "partnership and will be accountable for three or more.",
    )
    round = forms.ModelChoiceField(
        queryset=None, required=False, label="Application round", empty_label="Out of round"
    )

    def __init__(self, *args, **kwargs):
        from schoolsystem.accreditation.models import Round

        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.all()


class DetailsForm(forms.Form):
    route = forms.ChoiceField(choices=c.Route.choices, label="How is the organisation applying?")
    phases = forms.MultipleChoiceField(
        choices=c.Phase.choices, widget=forms.CheckboxSelectMultiple, label="Phases", required=False
    )
    la_codes = forms.CharField(
        required=False,
        label="Areas",
        help_text="Three-digit LA codes, separated by commas, for example 936, 938.",
    )
    proposed_capacity = forms.IntegerField(
        min_value=1,
        max_value=100,
        label="How many schools could you lead?",
        help_text="ASP: 1 or 2. ASG: 3 or more.",
    )
    schools_led_in_formal_partnership = forms.IntegerField(
        min_value=0, max_value=100, label="Schools you lead now through a formal partnership"
    )
    primary_schools_governed = forms.IntegerField(
        min_value=0, max_value=100, label="Primary schools you are accountable for governing"
    )
    out_of_round_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for applying out of round",
        help_text="Only if no round is open: the arrangement agreed with the department (§3.4).",
    )
    education_strategy = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Education strategy (non-educational organisations)",
        help_text="§2.10: your education strategy and how you will access primary expertise.",
    )

    def clean_la_codes(self):
        return _codes(self.cleaned_data.get("la_codes", ""))


class EvidenceForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}), label="Your evidence")


class PartnerForm(forms.Form):
    name = forms.CharField(max_length=250, label="Partner's name")
    kind = forms.ChoiceField(choices=c.PartnerKind.choices, label="Kind of partner")
    is_educational = forms.BooleanField(
        required=False, initial=True, label="The partner is an educational organisation"
    )
    track_record = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Partner's track record",
        help_text="§2.12: co-partners need not be accredited but must meet the track-record criteria.",
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file", help_text="PDF, Word, Excel, OpenDocument, CSV or text; 5 MB at most."
    )
    criterion = forms.ChoiceField(
        choices=[("", "General"), *c.Criterion.choices], required=False, label="Supports"
    )


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(queryset=None, label="Assessor")

    def __init__(self, *args, **kwargs):
        from schoolsystem.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by(
            "username"
        )


class TextForm(forms.Form):
    """One text box: requests, responses, notes, feedback, complaints."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Text", required=False)

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class ScoresForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for heading, label in c.Heading.choices:
            self.fields[f"score-{heading}"] = forms.TypedChoiceField(
                choices=[("", "Not scored"), *c.SCORE_CHOICES], coerce=int, required=False, label=label
            )
            self.fields[f"notes-{heading}"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2}), label=f"Notes: {label}"
            )


class RecommendForm(forms.Form):
    recommendation = forms.ChoiceField(choices=c.Recommendation.choices, widget=forms.RadioSelect)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Reasons", required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("accredit", "Accredit"), ("refuse", "Do not accredit")], widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        required=False, min_value=1, max_value=100, label="Accredited capacity (schools)"
    )
    review_due_on = forms.DateField(required=False, label="Review date", help_text="For example 2029-09-01.")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Reasons", required=False)


class FeedbackReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            ("release", "Release the feedback to the applicant"),
            ("return", "Return it to the assessor"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note", required=False)


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None, label="Organisation", empty_label="Choose an organisation"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Nature of the conflict", required=False
    )

    def __init__(self, *args, **kwargs):
        from schoolsystem.accreditation.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()


class SuspendForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("suspend", "Suspend"),
            ("reinstate", "Reinstate"),
            ("renew", "Renew after review"),
            ("withdraw", "Withdraw after review"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Reason or findings", required=False
    )
    next_review_on = forms.DateField(required=False, label="Next review date (when renewing)")
