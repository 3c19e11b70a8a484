"""Form parts every app shares. Dates are entered as the GOV.UK date input: three boxes, day, month and year
(the Design System's pattern for dates people know or can look up; it avoids the browser's date picker and
any question of format). Messages follow the Design System's wording and name the date."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.core import validators
from django.forms.forms import DeclarativeFieldsMetaclass
from django.utils import timezone

from schoolsystem.core.rules import capitalise, not_after_today
from schoolsystem.engines.text import in_sentence

PARTS = ("day", "month", "year")


def choice_messages(what: str, *, verb: str = "Select") -> dict[str, str]:
    """GOV.UK messages for a choice; `what` names it, e.g. "the intervention"."""
    return {"required": f"{verb} {what}", "invalid_choice": f"{verb} {what} from the list"}


def number_messages(what: str, low: int, high: int) -> dict[str, str]:
    """GOV.UK messages for a whole number between `low` and `high`; `what` names it, e.g. "the days agreed"."""
    between = f"{capitalise(what)} must be between {low} and {high}"
    return {
        "required": f"Enter {what}",
        "invalid": f"Enter {what} as a whole number",
        "min_value": between,
        "max_value": between,
    }


class DateInput(forms.MultiWidget):
    """Day, month and year boxes (`<name>_day`, `<name>_month`, `<name>_year`). The day box carries the field's
    own id, so its label and the error summary's link land on it.

    A single value under the field's own name (`2026-03-31` or `31/3/2026`) is read too: links and scripts that
    post one date keep working."""

    template_name = "core/widgets/date_input.html"

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            value = DateField.parse_text(value) or value
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if not any(parts) and data.get(name):
            return data.get(name)
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base_id = widget["attrs"].get("id")
        widget["has_error"] = widget["attrs"].get("aria-invalid") == "true"
        for part, sub in zip(PARTS, widget["subwidgets"], strict=True):
            sub["part"] = part
            sub["label"] = capitalise(part)
            if base_id:
                sub["attrs"]["id"] = base_id if part == "day" else f"{base_id}_{part}"
            sub["attrs"].pop("aria-invalid", None)
            sub["attrs"].pop("aria-describedby", None)
        return context

    def id_for_label(self, id_):
        return id_


class DateField(forms.DateField):
    """A date entered in the GOV.UK date input. `what` names it in messages ("the date of the visit"); by
        default the label, e.g. "Enter date of visit", "Date of visit must include a month". The hint ends with
    an example date, as the Design System shows one."""

    widget = DateInput
    TEXT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")

    EXAMPLE = "For example, 31 3 2026"

    def __init__(self, *, what: str | None = None, **kwargs):
        kwargs.setdefault("input_formats", self.TEXT_FORMATS)
        kwargs["help_text"] = " ".join(filter(None, [kwargs.get("help_text", ""), self.EXAMPLE]))
        given = dict(kwargs.get("error_messages") or {})
        super().__init__(**kwargs)
        self.what = what or (self.label[:1].lower() + self.label[1:] if self.label else "the date")
        self.error_messages["required"] = given.get("required", f"Enter {self.what}")
        self.error_messages["invalid"] = given.get("invalid", f"{capitalise(self.what)} must be a real date")

    @classmethod
    def parse_text(cls, text: str) -> date | None:
        for fmt in cls.TEXT_FORMATS:
            try:
                return datetime.strptime(text.strip(), fmt).date()
            except ValueError:
                continue
        return None

    def to_python(self, value):
        if not isinstance(value, list | tuple):
            return super().to_python(value)
        day, month, year = (str(part or "").strip() for part in value)
        if not (day or month or year):
            return None
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise forms.ValidationError(
                f"{capitalise(self.what)} must include a {' and '.join(missing)}", code="incomplete"
            )
        if not all(re.fullmatch(r"\d{1,4}", part) for part in (day, month, year)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- Messages that name the field -----------------------------------------------------------------------------

# Django's default messages ("This field is required.") do not say which field; the Design System's do ("Enter
# the URN", "Select the kind of partnership"). A form that mixes in GovukMessages gets them for every field whose
# message is still Django's default; a message the form set itself is kept.
_DEFAULTS: dict[str, set[str]] = {}
for _field_class in (
    forms.Field,
    forms.CharField,
    forms.IntegerField,
    forms.DecimalField,
    forms.ChoiceField,
    forms.MultipleChoiceField,
    forms.ModelChoiceField,
    forms.ModelMultipleChoiceField,
    forms.FloatField,
    forms.FileField,
):
    for _code, _message in _field_class.default_error_messages.items():
        _DEFAULTS.setdefault(_code, set()).add(str(_message))
# Messages of the validators behind min_value, max_value, max_length and min_length (set on the field by code).
for _code, _message in {
    "min_value": "Ensure this value is greater than or equal to %(limit_value)s.",
    "max_value": "Ensure this value is less than or equal to %(limit_value)s.",
}.items():
    _DEFAULTS.setdefault(_code, set()).add(_message)
_SELECTED = (forms.ChoiceField, forms.BooleanField, forms.FileField, forms.ModelChoiceField)


def field_what(field: forms.Field, name: str) -> str:
    """The field as a message names it: its label with a lower-case first letter, unless it starts with an
    acronym ("URN of the school"); "your answer" when the label is a question."""
    label = str(field.label or name.replace("_", " ").capitalize())
    if label.endswith("?"):  # a question ("Why is the round closing?") cannot start a sentence about itself
        return "your answer"
    return in_sentence(label)


def govuk_messages(field: forms.Field, name: str) -> None:
    """Replace Django's default messages of `field` with ones that name it, in the Design System's words."""
    what = field_what(field, name)
    subject = capitalise(what)
    wording = {
        "required": f"{'Select' if isinstance(field, _SELECTED) else 'Enter'} {what}",
        "invalid_choice": f"Select {what} from the list",
        "invalid": f"{subject} must be a number" if isinstance(field, forms.IntegerField) else None,
        "min_value": f"{subject} must be %(limit_value)s or more",
        "max_value": f"{subject} must be %(limit_value)s or less",
        # The Design System's words for text that is too long (text input and character count guidance).
        "max_length": (
            f"{subject} must be {field.max_length:,} characters or less"
            if isinstance(getattr(field, "max_length", None), int)
            else f"{subject} must be %(limit_value)s characters or less"
        ),
        "min_length": f"{subject} must be %(limit_value)s characters or more",
    }
    messages = field.error_messages
    for code, text in wording.items():
        if text is None:
            continue
        current = str(messages.get(code, ""))
        if not current or current in _DEFAULTS.get(code, ()):
            messages[code] = text


# Free text a person types in a box of several lines. Without a limit a 100,000-character paste was saved and
# then shown on every page that lists the record; a form sets its own `text_limit` (or a field its own
# max_length) where a longer answer is expected.
TEXT_LIMIT = 10_000


def limit_text(field: forms.Field, limit: int) -> None:
    """Give a multi-line text field without its own max_length the limit `limit`: the check (as CharField's
    own max_length adds it) and `max_length` for the character count the field template shows."""
    if not isinstance(field, forms.CharField) or not isinstance(field.widget, forms.Textarea):
        return
    if field.max_length is not None:
        return
    field.max_length = limit
    field.validators.append(validators.MaxLengthValidator(limit))


class _GovukFieldsMeta(DeclarativeFieldsMetaclass):
    """Runs `govuk_fields()` once a form is fully built, after its own `__init__`: fields a form adds or
    relabels there (scores per heading, a text box labelled by the action) get the limit and the messages too."""

    def __call__(cls, *args, **kwargs):
        form = super().__call__(*args, **kwargs)
        form.govuk_fields()
        return form


class GovukMessages(metaclass=_GovukFieldsMeta):
    """Form mixin: every field's default messages name the field (`govuk_messages`), so the error summary shows
    them as they are, as the Design System does (core/_errors.html puts no label in front). Every multi-line
    text field is limited to `text_limit` characters unless it sets its own max_length."""

    messages_name_fields = True
    text_limit = TEXT_LIMIT

    def govuk_fields(self) -> None:
        for name, field in self.fields.items():
            limit_text(field, self.text_limit)
            govuk_messages(field, name)


def check_not_after_today(form: forms.BaseForm, *names: str) -> None:
    """In a form's `clean()`: each named date that parsed must be today or earlier (`core.rules.not_after_today`,
    the rule the service enforces too, named by the field's `what`), so the page shows this beside any other
    problem rather than only once the rest is fixed."""
    today = timezone.localdate()
    for name in names:
        message = not_after_today(form.cleaned_data.get(name), today=today, what=form.fields[name].what)
        if message:
            form.add_error(name, message)
