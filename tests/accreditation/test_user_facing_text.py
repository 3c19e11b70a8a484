"""What users read on the accreditation pages: rounds, history, error messages, areas, dates, no codes."""

import importlib
import re
from datetime import date, timedelta

import pytest
from django import forms as django_forms
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from schoolsystem.accreditation import forms, services
from schoolsystem.accreditation.constants import HISTORY_LABELS, Action, Status
from schoolsystem.accreditation.models import Application, Round
from schoolsystem.core.formatting import govuk_date

pytestmark = pytest.mark.django_db

# Django's own messages name no field: none of them may reach an accreditation page.
DJANGO_DEFAULTS = (
    "This field is required.",
    "Enter a whole number.",
    "Ensure this value",
    "Select a valid choice",
    "Enter a valid date.",
    "No file was submitted",
)


def _login(client, user):
    client.force_login(user)
    return client


def _summary(html: str) -> list[str]:
    """The messages in the page's error summary."""
    body = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<a [^>]*>(.*?)</a>", body)


# --- 1. application rounds ---------------------------------------------------------------------------------


def test_new_proposal_defaults_to_the_open_round(client, make_org, open_round):
    _, me = make_org()
    html = _login(client, me).get(reverse("accreditation:application-new")).content.decode()
    assert f'<option value="{open_round.pk}" selected>' in html
    assert '<option value="" selected>' not in html


def test_api_start_without_a_round_is_in_the_open_round_and_null_is_out_of_round(make_org, open_round):
    """The API chooses as the page does: a proposal started without naming a round is in the round open today;
    only an explicit null is out of round."""
    from rest_framework.test import APIClient

    url = "/api/v1/accreditation/applications/"
    _, me = make_org()
    api = APIClient()
    api.force_authenticate(me)
    started = api.post(url, {"accreditation_type": "ASP"}, format="json")
    assert started.status_code == 201, started.content
    assert Application.objects.get(pk=started.json()["id"]).round == open_round

    _, other = make_org(name="Elm Primary")
    api.force_authenticate(other)
    started = api.post(url, {"accreditation_type": "ASP", "round": None}, format="json")
    assert started.status_code == 201, started.content
    assert Application.objects.get(pk=started.json()["id"]).round is None


def test_new_proposal_defaults_to_out_of_round_when_no_round_is_open(client, make_org):
    _, me = make_org()
    html = _login(client, me).get(reverse("accreditation:application-new")).content.decode()
    select = html.split('name="round"', 1)[1].split("</select>", 1)[0]
    options = select.split("<option")[1:]
    assert options[0].startswith(' value="" selected>Out of round')  # the one shown
    assert not any(" selected" in option for option in options[1:])


def test_closed_rounds_are_not_offered_to_a_new_proposal(client, make_org, people):
    today = timezone.localdate()
    services.round_create(
        name="Last term",
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=30),
        by=people["dm"],
    )
    _, me = make_org()
    html = _login(client, me).get(reverse("accreditation:application-new")).content.decode()
    assert "Last term" not in html


def test_out_of_round_message_says_a_round_is_open_when_one_is(make_org, open_round):
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)  # out of round
    message = services.completeness_errors(app)["out_of_round_reason"][0]
    assert message.startswith("You chose to apply out of round, but Spring (")
    assert "No application round is open" not in message


def test_out_of_round_message_says_no_round_is_open_when_none_is(make_org):
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    message = services.completeness_errors(app)["out_of_round_reason"][0]
    assert message.startswith("No application round is open: say why")
    assert "§" not in message


def test_out_of_round_message_names_a_chosen_round_that_has_closed(make_org, people, open_round):
    today = timezone.localdate()
    closed = services.round_create(
        name="Last term",
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=30),
        by=people["dm"],
    )
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me, round=closed)
    message = services.completeness_errors(app)["out_of_round_reason"][0]
    assert message.startswith("The round you chose, Last term, is not open: choose Spring (")


def test_applicant_can_move_a_draft_into_the_open_round_on_the_details_page(client, drive, open_round):
    app, me = drive(Status.DRAFT)  # started out of round
    r = _login(client, me).post(
        reverse("accreditation:details", args=[app.pk]),
        {
            "round": open_round.pk,
            "route": "own_right",
            "phases": ["primary"],
            "la_codes": "936",
            "proposed_capacity": 2,
            "schools_led_in_formal_partnership": 0,
            "primary_schools_governed": 0,
        },
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.round == open_round


def test_submit_page_links_each_gap_to_the_page_that_fixes_it(client, make_org, open_round):
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    html = _login(client, me).post(reverse("accreditation:submit", args=[app.pk])).content.decode()
    assert f'href="{reverse("accreditation:details", args=[app.pk])}#id_out_of_round_reason"' in html
    assert f'href="{reverse("accreditation:evidence", args=[app.pk, "vision"])}"' in html


# --- 2. history in words ------------------------------------------------------------------------------------


def test_history_shows_names_and_roles_in_words_not_usernames(client, drive, people):
    people["dm"].first_name, people["dm"].last_name = "Dana", "Marsh"
    people["dm"].save()
    people["assessor"].first_name, people["assessor"].last_name = "Asha", "Rao"
    people["assessor"].save()
    app, me = drive(Status.IN_ASSESSMENT)
    html = (
        _login(client, people["dm"]).get(reverse("accreditation:application", args=[app.pk])).content.decode()
    )
    history = html.split(">History<", 1)[1]
    assert "Dana Marsh" in history and "Decision maker (Secretary of State)" in history
    assert "Accreditation applicant" in history  # the applicant has no name: their role still in words
    assert "(dm)" not in history and "(assessor)" not in history
    assert "Proposal started" in history and "Start (" not in history
    assert "Assessor assigned" in history and "Assessor: Asha Rao" in history
    assert ">Asha Rao<" in html.split(">Assessor<", 1)[1]  # the summary list names the assessor


def test_history_labels_cover_every_entry_the_services_write(drive, people):
    app, applicant = drive(Status.FEEDBACK_RELEASED)
    complaint = services.complaint_lodge(application=app, text="Unfair.", by=applicant)
    services.complaint_review(complaint=complaint, note="Looked.", by=people["dm"])
    known = set(Action.values) | set(HISTORY_LABELS)
    for entry in app.history.all():
        assert entry.action in known, entry.action
        assert "_" not in entry.action_label, entry.action


# --- 3. error messages that name the field ------------------------------------------------------------------


def _all_forms():
    for name, cls in vars(forms).items():
        if isinstance(cls, type) and issubclass(cls, django_forms.Form) and cls is not django_forms.Form:
            yield name, cls


@pytest.mark.parametrize("junk", ["", "lots", "-5", "999", "31/2/2026"])
def test_no_accreditation_form_shows_djangos_default_messages(junk, make_user):
    """Every field of every form, given empty or nonsense input, says what is wrong with which field."""
    for name, cls in _all_forms():
        form = cls(data=dict.fromkeys(cls().fields, junk) | {"phases": [junk]})
        form.is_valid()
        for field, errors in form.errors.items():
            for message in errors:
                assert not message.startswith(DJANGO_DEFAULTS), (name, field, message)


def test_bad_numbers_on_the_details_page_name_their_field(client, drive):
    app, me = drive(Status.DRAFT)
    r = _login(client, me).post(
        reverse("accreditation:details", args=[app.pk]),
        {
            "route": "own_right",
            "la_codes": "936",
            "proposed_capacity": "lots",
            "schools_led_in_formal_partnership": "-1",
            "primary_schools_governed": "",
        },
    )
    assert r.status_code == 400
    assert _summary(r.content.decode()) == [
        "Enter the number of schools you could lead as a whole number",
        "The number of schools you lead now through a formal partnership must be between 0 and 100",
        "Enter the number of primary schools you are accountable for governing",
    ]


def test_new_proposal_without_a_type_says_what_to_choose(client, make_org):
    _, me = make_org()
    r = _login(client, me).post(reverse("accreditation:application-new"), {"round": ""})
    assert r.status_code == 400
    assert _summary(r.content.decode()) == ["Choose whether to be accredited as an ASP or an ASG"]


def test_decision_errors_name_the_field_in_the_summary_and_beside_it(client, drive, people):
    app, _ = drive(Status.AWAITING_DECISION)
    url = reverse("accreditation:action", args=[app.pk, "decide"])
    c = _login(client, people["dm"])
    html = c.post(url, {"outcome": "accredit", "capacity": "5", "note": "Strong."}).content.decode()
    message = "Enter an accredited capacity of 1 or 2 schools for an ASP"
    assert _summary(html) == [message]
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html  # beside the field
    assert 'value="5"' in html  # what was typed is kept
    past = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    html = c.post(url, {"outcome": "accredit", "review_due_on": past, "note": "Strong."}).content.decode()
    assert _summary(html) == ["The review date must be in the future"]
    html = c.post(url, {"note": "Strong."}).content.decode()
    assert _summary(html) == ["Choose whether to accredit the organisation"]


def test_text_box_errors_from_services_show_beside_the_text_box(client, drive, people):
    app, _ = drive(Status.IN_ASSESSMENT)
    html = (
        _login(client, people["assessor"])
        .post(reverse("accreditation:action", args=[app.pk, "request_information"]), {"text": " "})
        .content.decode()
    )
    assert _summary(html) == ["Enter what further information you need"]
    assert 'href="#id_text"' in html and "govuk-form-group--error" in html


# --- 4. the public register ---------------------------------------------------------------------------------


def test_register_shows_area_names_and_explains_its_abbreviations(client, drive, la):
    drive(Status.ACCREDITED)  # covers LA 936, which `la` names Surrey
    html = client.get(reverse("accredited_providers:register")).content.decode()
    assert "Surrey (936)" in html
    assert "LA code" not in html and "Areas (LA)" not in html
    assert html.index("Accredited School Provider (ASP)") < html.index(">ASP<")
    assert "Accredited Schools Group (ASG)" in html
    assert '<option value="936">Surrey (936)</option>' in html


@pytest.mark.parametrize(
    "page", ["register", "partners", "rounds", "details", "evidence", "submit", "application-new"]
)
def test_pages_say_what_the_rules_say_without_section_numbers(page, client, drive, people):
    app, me = drive(Status.DRAFT)
    url, user = {
        "register": (reverse("accredited_providers:register"), None),
        "partners": (reverse("accreditation:partners", args=[app.pk]), me),
        "rounds": (reverse("accreditation:rounds"), people["dm"]),
        "details": (reverse("accreditation:details", args=[app.pk]), me),
        "evidence": (reverse("accreditation:evidence", args=[app.pk, "capacity"]), me),
        "submit": (reverse("accreditation:submit", args=[app.pk]), me),
        "application-new": (reverse("accreditation:application-new"), me),
    }[page]
    if user:
        client.force_login(user)
    assert "§" not in client.get(url).content.decode()


def test_reasons_stored_with_section_numbers_are_rewritten_in_words_by_the_migration(make_org):
    migration = importlib.import_module(
        "schoolsystem.accreditation.migrations.0004_ineligibility_reasons_without_section_numbers"
    )
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASG", by=me)
    app.ineligibility_reasons = [
        "§2.2: a local authority is not eligible.",
        "§2.3–2.4: a university may not (it may apply as an ASP under §2.2).",
        "§1.3 and foreword: an ASG leads.",
        "Already in words.",
    ]
    app.save(update_fields=["ineligibility_reasons"])
    migration.forwards(django_apps, None)
    app.refresh_from_db()
    assert app.ineligibility_reasons == [
        "A local authority is not eligible.",
        "A university may not (it may apply as an ASP).",
        "An ASG leads.",
        "Already in words.",
    ]


def test_refused_proposal_shows_the_rules_in_words(client, make_org, people):
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    app.proposed_capacity = 9
    app.save(update_fields=["proposed_capacity"])
    html = _login(client, me).get(reverse("accreditation:submit", args=[app.pk])).content.decode()
    assert "An ASP leads improvement in one or two schools; the proposed capacity is 9." in html
    assert "§" not in html


# --- 5. dates -----------------------------------------------------------------------------------------------


def test_dates_are_written_govuk_style():
    assert govuk_date(date(2027, 2, 2)) == "2 February 2027"
    rnd = Round(name="Term December 2026", opens_on=date(2026, 11, 20), closes_on=date(2027, 2, 2))
    assert str(rnd) == "Term December 2026 (20 November 2026 to 2 February 2027)"


def test_accreditation_pages_write_dates_in_full(client, drive, people):
    app, me = drive(Status.ACCREDITED)
    for user, url in [
        (people["dm"], reverse("accreditation:application", args=[app.pk])),
        (people["dm"], reverse("accreditation:home")),
        (None, reverse("accredited_providers:register")),
    ]:
        if user:
            client.force_login(user)
        html = client.get(url).content.decode()
        assert re.search(r"\b\d{1,2} [A-Z][a-z]{2,8} \d{4}\b", html), url  # there are dates to check
        assert not re.search(r"\b0\d [A-Z][a-z]+ \d{4}\b", html), url
        assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", html), url


def test_date_fields_take_day_month_and_year_boxes(people):
    data = {"name": "Summer", "opens_on_day": "2", "opens_on_month": "2", "opens_on_year": "2027"}
    form = forms.RoundForm(
        data={**data, "closes_on_day": "2", "closes_on_month": "3", "closes_on_year": "2027"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_on"] == date(2027, 2, 2)
    form = forms.RoundForm(
        data={**data, "closes_on_day": "31", "closes_on_month": "2", "closes_on_year": "2027"}
    )
    assert form.errors["closes_on"] == ["The date the round closes must be a real date"]


# --- 6. no codes or "None" ----------------------------------------------------------------------------------


def test_organisation_form_offers_no_religious_character_not_none(client, make_user):
    html = (
        _login(client, make_user("applicant")).get(reverse("accreditation:organisation-new")).content.decode()
    )
    assert "No religious character" in html
    assert ">None<" not in html
    assert "Religious character" in html and ">Denomination<" not in html


def test_assessor_choices_show_names(client, drive, people):
    people["assessor"].first_name, people["assessor"].last_name = "Asha", "Rao"
    people["assessor"].save()
    app, _ = drive(Status.SUBMITTED)
    html = (
        _login(client, people["dm"]).get(reverse("accreditation:application", args=[app.pk])).content.decode()
    )
    assert f'<option value="{people["assessor"].pk}">Asha Rao</option>' in html


def test_round_edit_page_shows_dates_as_typed_day_month_year(client, people):
    rnd = services.round_create(
        name="Winter", opens_on=date(2026, 11, 20), closes_on=date(2027, 2, 2), by=people["dm"]
    )
    html = _login(client, people["dm"]).get(reverse("accreditation:round", args=[rnd.pk])).content.decode()
    assert 'name="opens_on_day" type="text" inputmode="numeric" value="20"' in html
    assert 'name="closes_on_year" type="text" inputmode="numeric" value="2027"' in html
