"""Every form of the improvement, accreditation and brokerage pages says which field is wrong, in GOV.UK words:
none of Django's default messages ("This field is required.") may reach a user. The test walks every form class
of those apps' forms modules, so a new form is checked as soon as it is written."""

import importlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from schoolsystem.core.forms import DateField, GovukMessages

pytestmark = pytest.mark.django_db

MODULES = ("improvement", "accreditation", "brokerage")

# Django's own messages (those that name no field), as each starts.
DJANGO_DEFAULTS = (
    "This field is required.",
    "Enter a valid",  # date, email address, value
    "Select a valid choice",
    "Enter a whole number.",
    "Enter a number.",
    "Ensure this value",
    "No file was submitted",
    "The submitted file is empty",
)

JUNK = ("", "lots", "-5", "0", "999999", "31/2/2026", "1.5")


def _form_classes():
    for app in MODULES:
        module = importlib.import_module(f"schoolsystem.{app}.forms")
        for name, cls in vars(module).items():
            if (
                isinstance(cls, type)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
            ):
                yield f"{app}.{name}", cls


def _kwargs(cls) -> dict:
    """Arguments a form cannot be built without."""
    if cls.__name__ == "PeerReviewPlanForm":
        from schoolsystem.registry.models import Group

        return {"partnerships": Group.objects.none()}
    return {}


FORMS = sorted(_form_classes())


def test_the_walk_finds_the_forms():
    names = {name for name, _ in FORMS}
    assert {"improvement.WarningNoticeForm", "accreditation.DetailsForm", "brokerage.RoundForm"} <= names
    assert len(names) > 50


@pytest.mark.parametrize("name,cls", FORMS, ids=[name for name, _ in FORMS])
def test_every_form_names_the_field_in_its_messages(name, cls):
    assert issubclass(cls, GovukMessages), f"{name} does not mix in core.forms.GovukMessages"
    fields = list(cls(**_kwargs(cls)).fields)
    for junk in JUNK:
        data = {}
        for field in fields:
            data[field] = junk
            for part in ("day", "month", "year"):  # the date input's boxes
                data[f"{field}_{part}"] = junk
        files = {f: SimpleUploadedFile("empty.pdf", b"") for f in fields} if junk else {}
        form = cls(data=data, files=files, **_kwargs(cls))
        form.is_valid()
        for field, messages in form.errors.items():
            for message in messages:
                assert not message.startswith(DJANGO_DEFAULTS), (name, field, junk, message)
                assert "%(" not in message, (name, field, junk, message)


@pytest.mark.parametrize("name,cls", FORMS, ids=[name for name, _ in FORMS])
def test_every_date_is_named_as_a_noun_phrase(name, cls):
    """A DateField's `what` goes into "Enter …" and "… must be a real date": it must read as a noun phrase
    ("the date the review started"), never the bare label ("Enter started on")."""
    for field_name, field in cls(**_kwargs(cls)).fields.items():
        if isinstance(field, DateField):
            assert field.what.startswith("the "), (name, field_name, field.what)
            assert field.error_messages["required"] == f"Enter {field.what}"
