"""The round and what-if pages as an officer uses them in the demo: the what-if is offered once there is a plan to
compare with, each trust is listed with the capacity it had in the plan, no empty column, and the list of schools
an academy-order round can take says "no other" once it has taken them."""

from django.urls import reverse
from rest_framework.test import APIClient

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.rules import NO_PLAN_FOR_WHAT_IF
from schoolsystem.engines.matching import Weights

WEIGHTS = {f"w_{n}": v for n, v in Weights().as_dict().items()}


def _round(area, officer, *schools):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    for s in schools:
        services.round_add_school(by=officer, round=r, establishment=s)
    return r


def test_what_if_is_offered_only_once_the_round_has_a_plan(client, area, officer):
    r = _round(area, officer, area["needy"])
    client.force_login(officer)
    url = reverse("brokerage:what-if", args=[r.pk])
    assert f'href="{url}"' not in client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    page = client.get(url).content.decode()
    assert NO_PLAN_FOR_WHAT_IF in page and "Compare plans" not in page
    assert "proposed before its inputs were kept" not in page
    posted = client.post(url, WEIGHTS)
    assert posted.status_code == 400 and "govuk-error-summary" in posted.content.decode()
    assert "proposed before its inputs were kept" not in posted.content.decode()
    api = APIClient()
    api.force_authenticate(officer)
    refused = api.post(f"/api/v1/brokerage/rounds/{r.pk}/what-if/", {}, format="json")
    assert refused.status_code in (400, 409) and "Propose the plan first" in refused.content.decode()
    services.round_plan(by=officer, round=r)
    assert f'href="{url}"' in client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "Compare plans" in client.get(url).content.decode()


def test_what_if_lists_each_partner_with_the_capacity_it_had_in_the_plan(client, area, officer):
    r = _round(area, officer, area["needy"], area["church_needy"])
    services.round_shortlist(by=officer, round=r)
    services.round_plan(by=officer, round=r)
    capacities = {p.id: p.capacity for p in selectors.stored_problem(r.plan_record).partners}
    client.force_login(officer)
    choices = dict(
        client.get(reverse("brokerage:what-if", args=[r.pk])).context["form"].fields["partner"].choices
    )
    oak = f"group:{area['oak'].pk}"
    assert choices[oak] == f"Oak Trust (capacity {capacities[oak]})"


def test_what_if_lists_the_partners_of_a_round_planned_without_drawing_up_shortlists(client, area, officer):
    r = _round(area, officer, area["needy"])
    services.round_plan(by=officer, round=r)  # straight to the plan: no shortlist stored
    proposal = r.proposals.get()
    client.force_login(officer)
    choices = dict(
        client.get(reverse("brokerage:what-if", args=[r.pk])).context["form"].fields["partner"].choices
    )
    assert choices[proposal.partner_key].startswith(f"{proposal.partner_name} (capacity ")


def test_the_schools_table_has_an_actions_column_only_when_a_school_can_be_removed(client, area, officer):
    r = _round(area, officer, area["needy"])
    client.force_login(officer)
    header = '<span class="govuk-visually-hidden">Actions</span>'
    assert header in client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    services.round_plan(by=officer, round=r)
    assert r.proposals.exists()
    assert header not in client.get(reverse("brokerage:round", args=[r.pk])).content.decode()


def test_the_list_of_schools_the_round_can_take_says_no_other_once_it_has_them(client, area, officer):
    r = _round(area, officer)
    client.force_login(officer)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "Low Road Primary" in html and "qualifies now" not in html
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "No other school in Surrey qualifies now." in html


def test_the_shortlist_of_a_school_in_no_round_says_how_it_was_found(client, area, officer):
    client.force_login(officer)
    maintained = client.get(reverse("brokerage:school-shortlist", args=[area["needy"].urn])).content.decode()
    assert (
        "Not in a round: the trusts that could take it, as an academy-order round (its sponsor)" in maintained
    )
    academy = area["oak"].memberships.first().establishment
    type(academy).objects.filter(pk=academy.pk).update(type_name="Academy converter", type_group="Academies")
    page = client.get(reverse("brokerage:school-shortlist", args=[academy.urn])).content.decode()
    assert "as a re-brokerage round (a move from its trust) would find them" in page
    assert "Oak Trust" not in page.split("Eligible partners")[1].split("Excluded partners")[0]
