"""An organisation cannot apply again for the accreditation it holds, nor start a second proposal of a type it
already has one of (seed 000 renews accreditations at the department's periodic review, not by a new proposal),
nor any other while one is pending; it may apply again after a withdrawal or refusal, and an ASP may apply to
become an ASG. The submit page links
each thing still to do to where it is done."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from schoolsystem.accreditation import selectors, services
from schoolsystem.accreditation.constants import Status
from schoolsystem.accreditation.models import Application
from schoolsystem.core.errors import NotEligible

pytestmark = pytest.mark.django_db


def _accredited(drive, people, kind="ASP"):
    app, applicant = drive(Status.AWAITING_DECISION if kind == "ASP" else Status.ADVISORY_REVIEW, kind)
    if kind == "ASG":
        services.application_advisory_review(application=app, note="Fine.", by=people["advisory"])
    services.application_decide(application=app, accredit=True, note="Meets the criteria.", by=people["dm"])
    return app.organisation, applicant


def test_an_accredited_organisation_cannot_apply_again_for_the_same_type(drive, people):
    org, applicant = _accredited(drive, people)
    with pytest.raises(NotEligible) as refused:
        services.application_start(organisation=org, accreditation_type="ASP", by=applicant)
    assert "already accredited as an Accredited School Provider" in refused.value.message
    assert "renewed at the department's periodic review" in refused.value.message
    assert refused.value.extra["errors"]["accreditation_type"] == [refused.value.message]
    assert Application.objects.filter(organisation=org).count() == 1
    # An ASP may still apply to become an ASG.
    assert services.application_start(organisation=org, accreditation_type="ASG", by=applicant).pk


def test_an_asp_that_becomes_an_asg_holds_the_asg_accreditation_alone(drive, people):
    org, applicant = _accredited(drive, people)
    asp = org.accreditations.get()
    organisation_pair = (org, applicant)
    app, _ = drive(Status.ADVISORY_REVIEW, "ASG", org=organisation_pair)
    services.application_advisory_review(application=app, note="Fine.", by=people["advisory"])
    services.application_decide(
        application=app, accredit=True, note="Ready to lead a group.", by=people["dm"]
    )
    asp.refresh_from_db()
    assert asp.status == "withdrawn"
    assert asp.application.history.filter(
        action="accreditation_withdraw", note__contains=app.reference
    ).exists()
    assert org.accreditations.get(status="active").accreditation_type == "ASG"
    # Now an ASG: it may not apply to be an ASP, nor again as an ASG.
    refusals = selectors.start_refusals(org)
    assert "one accreditation at a time" in refusals["ASP"] and "already accredited" in refusals["ASG"]


def test_a_suspended_provider_may_apply_for_nothing(drive, people):
    org, applicant = _accredited(drive, people)
    services.accreditation_suspend(
        accreditation=org.accreditations.get(), reason="Concerns.", by=people["dm"]
    )
    refusals = selectors.start_refusals(org)
    assert set(refusals) == {"ASP", "ASG"} and "until the suspension is lifted" in refusals["ASG"]


def test_a_suspended_accreditation_still_refuses_and_a_withdrawn_one_does_not(drive, people):
    org, applicant = _accredited(drive, people)
    accreditation = org.accreditations.get()
    services.accreditation_suspend(accreditation=accreditation, reason="Concerns.", by=people["dm"])
    assert "suspended since" in selectors.start_refusals(org)["ASP"]
    accreditation.refresh_from_db()
    services.accreditation_review(
        accreditation=accreditation, renew=False, note="Withdrawn.", by=people["dm"]
    )
    assert "ASP" not in selectors.start_refusals(org)
    assert services.application_start(organisation=org, accreditation_type="ASP", by=applicant).pk


@pytest.mark.parametrize(
    ("state", "refused"),
    [
        (Status.DRAFT, "still a draft"),
        (Status.SUBMITTED, "with the department"),
        (Status.IN_ASSESSMENT, "with the department"),
        (Status.WITHDRAWN, None),
        (Status.INELIGIBLE, None),
        (Status.NOT_ACCREDITED, None),
    ],
)
def test_a_second_proposal_of_a_type_waits_for_the_first(drive, state, refused):
    app, applicant = drive(state)
    if refused:
        with pytest.raises(NotEligible, match=refused):
            services.application_start(organisation=app.organisation, accreditation_type="ASP", by=applicant)
    else:
        assert services.application_start(
            organisation=app.organisation, accreditation_type="ASP", by=applicant
        ).pk


def test_the_pages_offer_only_what_can_be_applied_for(client, drive, people):
    org, applicant = _accredited(drive, people)
    client.force_login(applicant)
    home = client.get(reverse("accreditation:home")).content.decode()
    assert "already accredited as an Accredited School Provider" in home
    assert reverse("accreditation:application-new") in home  # ASG is still open to it
    form = client.get(reverse("accreditation:application-new")).content.decode()
    assert 'value="ASG"' in form and 'value="ASP"' not in form
    posted = client.post(reverse("accreditation:application-new"), {"accreditation_type": "ASP"})
    assert posted.status_code == 400
    assert Application.objects.filter(organisation=org).count() == 1
    # Once an ASG proposal is under way too, nothing is left to start: no button, and the page gives the reasons.
    services.application_start(organisation=org, accreditation_type="ASG", by=applicant)
    home = client.get(reverse("accreditation:home")).content.decode()
    assert reverse("accreditation:application-new") not in home
    assert "already has a proposal to be accredited as an Accredited Schools Group" in home
    page = client.get(reverse("accreditation:application-new"))
    assert page.status_code == 200
    assert "already has a proposal to be accredited as an Accredited Schools Group" in page.content.decode()
    assert 'name="accreditation_type"' not in page.content.decode()


@pytest.mark.parametrize(
    ("state", "reason"), [(Status.DRAFT, "still a draft"), (Status.SUBMITTED, "wait for")]
)
def test_while_a_proposal_is_pending_nothing_else_can_be_started(client, drive, state, reason):
    """The reviewer's case: an ASP proposal with the department says "wait for its outcome before starting
    another", so no button, no form (GET or POST) and no ASG proposal alongside it either."""
    app, applicant = drive(state)
    org = app.organisation
    refusals = selectors.start_refusals(org)
    assert set(refusals) == {"ASP", "ASG"} and reason in refusals["ASG"]
    client.force_login(applicant)
    home = client.get(reverse("accreditation:home")).content.decode()
    assert reverse("accreditation:application-new") not in home
    assert home.count(app.reference) >= 1 and home.count("before starting another") == 1  # said once
    new = reverse("accreditation:application-new")
    page = client.get(new)
    assert page.status_code == 200
    text = page.content.decode()
    assert "You cannot start a proposal now" in text and reason in text and app.reference in text
    assert "<form" not in text.split('id="main-content"')[-1]
    posted = client.post(new, {"accreditation_type": "ASG"})
    assert posted.status_code == 400 and reason in posted.content.decode()
    with pytest.raises(NotEligible, match=reason):
        services.application_start(organisation=org, accreditation_type="ASG", by=applicant)
    assert Application.objects.filter(organisation=org).count() == 1


def test_the_api_refuses_a_second_start_with_the_reason(drive, people):
    org, applicant = _accredited(drive, people)
    api = APIClient()
    api.force_authenticate(applicant)
    response = api.post("/api/v1/accreditation/applications/", {"accreditation_type": "ASP"}, format="json")
    assert response.status_code == 400, response.content
    assert "already accredited" in response.content.decode()


def test_each_thing_still_to_do_links_to_where_it_is_done(client, make_org):
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    client.force_login(me)
    html = client.get(reverse("accreditation:submit", args=[app.pk])).content.decode()
    gaps = html[html.index('id="gaps"') : html.index("</ul>", html.index('id="gaps"'))]
    evidence = reverse("accreditation:evidence", args=[app.pk, "vision"])
    assert f'<a class="govuk-link" href="{evidence}">Give evidence for part one: vision.</a>' in gaps
    details = reverse("accreditation:details", args=[app.pk])
    assert f'href="{details}#id_phases">Choose at least one phase</a>' in gaps
    assert gaps.count("<li>") == gaps.count('<li><a class="govuk-link" href="')
