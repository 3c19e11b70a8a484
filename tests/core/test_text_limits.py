"""Free text has a limit everywhere a person can type it: every multi-line text box of every app's forms
(the forms mix in core.forms.GovukMessages, which gives a box without its own max_length `text_limit`
characters) and every DRF CharField that takes input (core.api.limit_free_text). A 100,000-character summary
was saved before. The walks find a new form or serializer as soon as it is written."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.template.loader import render_to_string
from rest_framework import serializers

import schoolsystem
from schoolsystem.core.forms import TEXT_LIMIT, GovukMessages

pytestmark = pytest.mark.django_db


def _modules(leaf: str):
    for info in pkgutil.iter_modules(schoolsystem.__path__):
        try:
            yield importlib.import_module(f"schoolsystem.{info.name}.{leaf}")
        except ModuleNotFoundError as exc:
            if exc.name != f"schoolsystem.{info.name}.{leaf}":
                raise


def _form_kwargs(cls) -> dict:
    """Arguments a form cannot be built without."""
    if cls.__name__ in ("PeerReviewPlanForm", "JoinPartnershipForm"):
        from schoolsystem.registry.models import Group

        return {"partnerships": Group.objects.none()}
    if cls.__name__ == "SchoolSearchForm":
        return {"types": [], "phases": []}
    if cls.__name__ == "SystemLeaderFilterForm":
        return {"phases": []}
    return {}


def _forms():
    for module in _modules("forms"):
        for name, cls in vars(module).items():
            if (
                isinstance(cls, type)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
            ):
                yield f"{module.__name__.split('.')[1]}.{name}", cls


FORMS = sorted(_forms())


def test_the_walk_finds_the_forms_of_every_app():
    apps = {name.split(".")[0] for name, _ in FORMS}
    assert {"improvement", "accreditation", "brokerage", "performance", "registry"} <= apps


@pytest.mark.parametrize("name,cls", FORMS, ids=[name for name, _ in FORMS])
def test_every_text_box_has_a_limit_and_says_it_in_govuk_words(name, cls):
    form = cls(None, **_form_kwargs(cls))
    for field_name, field in form.fields.items():
        if not (isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)):
            continue
        assert isinstance(form, GovukMessages), f"{name} has a text box but does not mix in GovukMessages"
        assert field.max_length, (name, field_name)
        too_long = cls({field_name: "a" * (field.max_length + 1)}, **_form_kwargs(cls))
        too_long.is_valid()
        messages = too_long.errors[field_name]
        assert any(m.endswith(f"must be {field.max_length:,} characters or less") for m in messages), (
            name,
            field_name,
            messages,
        )
        assert not any("?" in m for m in messages), (name, field_name, messages)  # a question is no subject


def test_a_question_label_is_your_answer_in_the_messages():
    class CloseForm(GovukMessages, forms.Form):
        reason = forms.CharField(widget=forms.Textarea, label="Why is the round closing?")

    form = CloseForm(data={"reason": "a" * (TEXT_LIMIT + 1)})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Your answer must be 10,000 characters or less"]
    assert CloseForm(data={}).errors["reason"] == ["Enter your answer"]


def test_the_default_limit_refuses_one_character_over_and_keeps_the_limit_itself():
    class NoteForm(GovukMessages, forms.Form):
        note = forms.CharField(widget=forms.Textarea, label="Note of the visit")

    assert NoteForm(data={"note": "a" * TEXT_LIMIT}).is_valid()
    form = NoteForm(data={"note": "a" * (TEXT_LIMIT + 1)})
    assert not form.is_valid()
    assert form.errors["note"] == ["Note of the visit must be 10,000 characters or less"]


def test_a_field_added_or_relabelled_in_init_gets_the_limit_and_its_own_name():
    class LaterForm(GovukMessages, forms.Form):
        text = forms.CharField(widget=forms.Textarea, label="Text")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["text"].label = "Request for information"
            self.fields["extra"] = forms.CharField(widget=forms.Textarea, label="Extra notes", required=False)

    form = LaterForm(data={"text": "a" * (TEXT_LIMIT + 1), "extra": "b" * (TEXT_LIMIT + 1)})
    assert not form.is_valid()
    assert form.errors["text"] == ["Request for information must be 10,000 characters or less"]
    assert form.errors["extra"] == ["Extra notes must be 10,000 characters or less"]


def test_a_form_may_set_its_own_limit_and_a_field_its_own_max_length():
    class LongForm(GovukMessages, forms.Form):
        text_limit = 20_000
        evidence = forms.CharField(widget=forms.Textarea, label="Your evidence")
        summary = forms.CharField(widget=forms.Textarea, label="Summary", max_length=400)

    form = LongForm()
    assert form.fields["evidence"].max_length == 20_000
    assert form.fields["summary"].max_length == 400
    assert LongForm(data={"evidence": "a" * 20_000, "summary": "s"}).is_valid()


def test_the_text_box_is_the_govuk_character_count():
    class NoteForm(GovukMessages, forms.Form):
        note = forms.CharField(widget=forms.Textarea, label="Note", help_text="What was agreed")

    html = render_to_string("core/_field.html", {"field": NoteForm()["note"]})
    assert 'data-module="govuk-character-count"' in html
    assert 'data-maxlength="10000"' in html
    assert "govuk-js-character-count" in html
    assert 'aria-describedby="id_note-info id_note-hint"' in html
    assert '<div id="id_note-info" class="govuk-hint govuk-character-count__message">' in html
    assert "You can enter up to 10,000 characters" in html
    assert "maxlength=" not in html.replace(
        "data-maxlength=", ""
    )  # the count lets people paste, then shorten

    bound = NoteForm(data={"note": "a" * (TEXT_LIMIT + 1)})
    bound.is_valid()
    html = render_to_string("core/_field.html", {"field": bound["note"]})
    assert "Note must be 10,000 characters or less" in html
    assert "govuk-textarea--error" in html


def test_a_one_line_text_box_is_not_a_character_count():
    class NameForm(GovukMessages, forms.Form):
        name = forms.CharField(label="Name", max_length=200)

    assert "govuk-character-count" not in render_to_string("core/_field.html", {"field": NameForm()["name"]})


# --- The API --------------------------------------------------------------------------------------------------


def _serializers():
    for module in _modules("api"):
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, serializers.Serializer)
                and cls.__module__ == module.__name__
            ):
                yield f"{module.__name__.split('.')[1]}.{name}", cls


SERIALIZERS = sorted(_serializers())


def test_the_walk_finds_the_serializers_of_every_app():
    apps = {name.split(".")[0] for name, _ in SERIALIZERS}
    assert {"accreditation", "brokerage", "registry", "improvement"} <= apps


@pytest.mark.parametrize("name,cls", SERIALIZERS, ids=[name for name, _ in SERIALIZERS])
def test_every_text_the_api_takes_has_a_limit(name, cls):
    for field_name, field in cls().fields.items():
        if isinstance(field, serializers.CharField) and not field.read_only:
            assert field.max_length, (name, field_name)


def test_the_api_refuses_over_long_text_with_a_field_error():
    from schoolsystem.brokerage.api import ConsultationSerializer

    serializer = ConsultationSerializer(data={"summary": "a" * (TEXT_LIMIT + 1)})
    assert not serializer.is_valid()
    assert [e.code for e in serializer.errors["summary"]] == ["max_length"]
    assert "10000 characters" in str(serializer.errors["summary"][0])


def test_the_api_keeps_a_field_own_limit_and_leaves_read_only_fields_alone():
    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=5)
        note = serializers.CharField(max_length=20_000)
        shown = serializers.CharField(read_only=True)

    fields = Input().fields
    assert (fields["name"].max_length, fields["note"].max_length, fields["shown"].max_length) == (
        5,
        20_000,
        None,
    )
    assert Input(data={"name": "abcde", "note": "a" * 20_000}).is_valid()
    assert not Input(data={"name": "abcdef", "note": "a"}).is_valid()
