"""The GOV.UK date input shared by every form: three boxes, Design System messages, one date in and out."""

from datetime import date

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.core.forms import DateField


class VisitForm(forms.Form):
    visited_on = DateField(label="Date of visit", what="the date of the visit")
    follow_up_on = DateField(label="Follow-up", required=False)


def boxes(name, day, month, year):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def errors_for(day, month, year):
    form = VisitForm(data=boxes("visited_on", day, month, year))
    assert not form.is_valid()
    return form.errors["visited_on"]


def test_three_boxes_make_a_date():
    form = VisitForm(data=boxes("visited_on", "5", "03", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"visited_on": date(2026, 3, 5), "follow_up_on": None}


def test_messages_follow_the_design_system_and_name_the_date():
    assert errors_for("", "", "") == ["Enter the date of the visit"]
    assert errors_for("5", "", "2026") == ["The date of the visit must include a month"]
    assert errors_for("", "", "2026") == ["The date of the visit must include a day and month"]
    assert errors_for("31", "2", "2026") == ["The date of the visit must be a real date"]
    assert errors_for("5", "March", "2026") == ["The date of the visit must be a real date"]
    assert errors_for("5", "3", "26") == ["Year must include 4 numbers"]
    assert errors_for("5", "13", "2026") == ["The date of the visit must be a real date"]


def test_without_what_the_label_names_the_date():
    form = VisitForm(data={**boxes("visited_on", "1", "1", "2026"), **boxes("follow_up_on", "1", "", "")})
    assert form.errors["follow_up_on"] == ["Follow-up must include a month and year"]


def test_an_optional_date_left_blank_is_none():
    form = VisitForm(data={**boxes("visited_on", "1", "1", "2026"), **boxes("follow_up_on", " ", "", "")})
    assert form.is_valid()
    assert form.cleaned_data["follow_up_on"] is None


def test_one_value_under_the_fields_own_name_is_read_too():
    for text in ("2026-03-05", "5/3/2026", "05-03-2026"):
        form = VisitForm(data={"visited_on": text})
        assert form.is_valid(), (text, form.errors)
        assert form.cleaned_data["visited_on"] == date(2026, 3, 5)
    form = VisitForm(data={"visited_on": "next Tuesday"})
    assert form.errors["visited_on"] == ["The date of the visit must be a real date"]


def test_boxes_show_what_was_typed_after_an_error_and_the_day_box_has_the_fields_id():
    html = str(VisitForm(data=boxes("visited_on", "31", "2", "2026"))["visited_on"])
    assert 'id="id_visited_on" name="visited_on_day" type="text" inputmode="numeric" value="31"' in html
    assert 'id="id_visited_on_month" name="visited_on_month"' in html and 'value="2"' in html
    assert html.count("govuk-input--error") == 3
    assert "govuk-input--width-4" in html  # the year box


def test_a_page_shows_the_date_input_in_a_fieldset_with_hint_and_error():
    from django.template.loader import render_to_string

    form = VisitForm(data=boxes("visited_on", "5", "", "2026"))
    form.is_valid()
    html = render_to_string("core/_fields.html", {"form": form})
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of visit</legend>' in html
    assert "For example, 31 3 2026" in html
    assert "The date of the visit must include a month" in html
    assert 'role="group"' in html


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_a_date_shown_in_the_boxes_reads_back_as_the_same_date(day):
    widget = VisitForm.base_fields["visited_on"].widget
    parts = widget.decompress(day)
    form = VisitForm(data=boxes("visited_on", *parts))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visited_on"] == day
