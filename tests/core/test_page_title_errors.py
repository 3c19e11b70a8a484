"""Page titles start with "Error: " when the page shows a form with errors (GOV.UK Design System), on every page
through base.html, whatever the app; and default messages name the field."""

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from schoolsystem.core.forms import DateField, GovukMessages

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    name = forms.CharField()


def _title(context: dict) -> str:
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    page = Template('{% extends "base.html" %}{% block page_title %}Add a thing{% endblock %}')
    html = page.render(Context({"request": request, "user": request.user, **context}))
    return html[html.index("<title>") + 7 : html.index("</title>")]


def test_a_form_with_errors_under_any_name_puts_error_first_in_the_title():
    assert _title({"form": _Form({})}) == "Error: Add a thing – schoolsystem"
    assert _title({"intel_form": _Form({})}) == "Error: Add a thing – schoolsystem"
    assert _title({"error": "The round is closed."}) == "Error: Add a thing – schoolsystem"


def test_no_error_in_the_title_for_unbound_or_valid_forms():
    assert _title({"form": _Form()}) == "Add a thing – schoolsystem"
    assert _title({"form": _Form({"name": "Oak"})}) == "Add a thing – schoolsystem"


def test_a_title_that_already_says_error_is_not_prefixed_twice():
    page = Template(
        '{% extends "base.html" %}{% block page_title %}{% if form.errors %}Error: {% endif %}What if{% endblock %}'
    )
    html = page.render(Context({"form": _Form({})}))
    assert "<title>Error: What if – schoolsystem</title>" in html


def test_sign_in_with_errors_has_error_in_the_title_and_govuk_messages(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert "<title>Error: Sign in – schoolsystem</title>" in html
    assert "Enter your username" in html and "Enter your password" in html
    assert "This field is required" not in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html


def test_wrong_password_is_said_in_govuk_words(client, make_user):
    user = make_user("public")
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    html = response.content.decode()
    assert "Enter a correct username and password" in html
    assert "Please enter" not in html
    assert "<title>Error: Sign in – schoolsystem</title>" in html


def test_a_form_page_with_errors_from_another_app_gets_the_prefix(client, make_user):
    # registry's "Create a partnership" posts empty: the core form page, its title and field-named messages.
    from schoolsystem.registry.models import LocalAuthority

    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    client.force_login(make_user("la_officer", scope_la=la))
    response = client.post(reverse("registry:partnership-new"), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Create a partnership – schoolsystem</title>" in html
    assert "Enter name" in html and "Select kind of partnership" in html
    assert "This field is required" not in html
    # The summary repeats the field's own message, as the Design System does (no "Name: " in front).
    assert '<a href="#id_name">Enter name</a>' in html


class _Messages(GovukMessages, forms.Form):
    name = forms.CharField(max_length=5, label="Name of the partnership")
    urn = forms.IntegerField(label="URN of the school", min_value=100000, max_value=999999)
    kind = forms.ChoiceField(choices=[("a", "A")], label="Kind")
    file = forms.FileField(label="CSV file")
    own = forms.CharField(label="Own", error_messages={"required": "Tell us your own thing"})
    on = DateField(label="Started on")


def test_govuk_messages_name_each_field():
    errors = _Messages({"name": "toolong", "urn": "12", "kind": "zz"}).errors
    assert errors["name"] == ["Name of the partnership must be 5 characters or less"]
    assert errors["urn"] == ["URN of the school must be 100000 or more"]
    assert errors["kind"] == ["Select kind from the list"]
    assert errors["file"] == ["Select CSV file"]
    assert errors["own"] == ["Tell us your own thing"]  # a form's own message is kept
    assert errors["on"] == ["Enter started on"]  # DateField's own wording
    errors = _Messages({"urn": "x"}).errors
    assert errors["name"] == ["Enter name of the partnership"]
    assert errors["urn"] == ["URN of the school must be a number"]
    assert errors["kind"] == ["Select kind"]
