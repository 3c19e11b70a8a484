"""Forms of the registry pages (GET filters: no writes here)."""

from django import forms

from schoolsystem.registry.constants import EstablishmentStatus
from schoolsystem.registry.selectors import SearchFilters


class SchoolSearchForm(forms.Form):
    """School search filters. Type and phase choices are the values present in the area shown."""

    q = forms.CharField(required=False, max_length=100, label="Name, URN or postcode")
    type = forms.ChoiceField(required=False, label="Type")
    phase = forms.ChoiceField(required=False, label="Phase")
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any status"), *EstablishmentStatus.choices]
    )

    def __init__(self, data, *, types: list[str], phases: list[str]):
        super().__init__(data)
        self.fields["type"].choices = [("", "Any type")] + [(t, t) for t in types]
        self.fields["phase"].choices = [("", "Any phase")] + [(p, p) for p in phases]

    def filters(self) -> SearchFilters:
        # An unknown choice (a stale bookmark) is left out of cleaned_data: dropped rather than refusing the search.
        self.is_valid()
        data = self.cleaned_data
        return SearchFilters(
            q=data.get("q", ""),
            type_name=data.get("type", ""),
            phase=data.get("phase", ""),
            status=data.get("status", ""),
        )
