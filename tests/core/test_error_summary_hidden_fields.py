"""The error summary (core/_errors.html) shows a hidden field's error without a label and without a link: the
field has no visible label to name and no input to move focus to (e.g. the case version that is out of date)."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from schoolsystem.improvement.forms import VersionedForm

pytestmark = pytest.mark.django_db


class _PlainForm(forms.Form):  # not GovukMessages: visible fields keep the label in front
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "This page is out of date."}
    )
    name = forms.CharField(label="Name of the school")


def _items(form) -> list[str]:
    html = render_to_string("core/_errors.html", {"form": form})
    return re.findall(r"<li>(.*?)</li>", html, re.S)


@pytest.mark.parametrize("form_class", [VersionedForm, _PlainForm])
def test_a_hidden_field_error_has_no_label_and_no_link(form_class):
    form = form_class({})
    assert not form.is_valid()
    items = _items(form)
    hidden = [i for i in items if "out of date" in i]
    assert hidden == ["This page is out of date. Reload the page and try again"]
    assert not any("Version" in i for i in items)
    assert 'href="#id_version"' not in "".join(items)


def test_visible_field_errors_still_link_to_their_input_with_the_label():
    items = _items(_PlainForm({}))
    assert any(i.startswith('<a href="#id_name">Name of the school: ') for i in items)
