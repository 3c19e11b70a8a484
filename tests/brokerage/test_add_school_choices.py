"""Each kind of round offers only the add-school choices it can take (ADR 0091): a performing school chooses its
trust only in a whole-MAT closure (seed 003 re-brokerage 4), so only that round asks, and the service refuses it
elsewhere naming the field."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.core.errors import NotEligible, ValidationFailed

OTHER_SCENARIOS = [Scenario.ACADEMY_ORDER, Scenario.LEAD_PARTNER, Scenario.REBROKERAGE]


def _round(area, by, scenario):
    extra = {"leaving_group": area["oak"]} if scenario == Scenario.MAT_CLOSURE else {}
    return services.round_create(by=by, la=area["la"], scenario=scenario, title="Spring", **extra)


@pytest.mark.parametrize("scenario", [*OTHER_SCENARIOS, Scenario.MAT_CLOSURE])
def test_only_a_closure_asks_whether_a_school_is_performing(client, area, regional, scenario):
    r = _round(area, regional, scenario)
    client.force_login(regional)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert ('name="performing"' in html) == (scenario == Scenario.MAT_CLOSURE)
    assert "Add school" in html


@pytest.mark.parametrize("scenario", OTHER_SCENARIOS)
def test_the_service_refuses_a_performing_school_outside_a_closure_naming_the_field(area, regional, scenario):
    r = _round(area, regional, scenario)
    with pytest.raises(ValidationFailed) as err:
        services.round_add_school(
            by=regional,
            round=r,
            establishment=area["needy"],
            performing=True,
            move_type="join_mat" if scenario == Scenario.REBROKERAGE else "",
        )
    assert err.value.extra["errors"]["performing"] == [
        "Untick performing school: only the schools of a closing trust choose their trust (a whole-MAT closure)"
    ]
    assert not r.schools.exists()


def test_a_performing_box_posted_outside_a_closure_is_ignored_by_the_page(client, area, officer):
    """The page shows the box only in a closure; a post that has it anyway (an old tab) is not asked about."""
    r = _round(area, officer, Scenario.ACADEMY_ORDER)
    client.force_login(officer)
    resp = client.post(
        reverse("brokerage:round", args=[r.pk]),
        {"action": "add", "urn": area["needy"].urn, "performing": "on"},
    )
    assert resp.status_code == 302
    assert r.schools.get().performing is False


def test_the_api_refuses_a_performing_school_in_an_academy_order_round(area, officer):
    r = _round(area, officer, Scenario.ACADEMY_ORDER)
    api = APIClient()
    api.force_authenticate(officer)
    resp = api.post(
        f"/api/v1/brokerage/rounds/{r.pk}/schools/",
        {"urn": area["needy"].urn, "performing": True},
        format="json",
    )
    assert resp.status_code == 400 and "Untick performing school" in resp.content.decode()
    assert not r.schools.exists()


def test_a_closure_still_takes_a_performing_school(area, regional):
    r = _round(area, regional, Scenario.MAT_CLOSURE)
    school = area["oak"].memberships.first().establishment
    assert services.round_add_school(by=regional, round=r, establishment=school, performing=True).performing


@pytest.mark.parametrize("scenario", [*OTHER_SCENARIOS, Scenario.MAT_CLOSURE])
def test_every_round_refuses_an_establishment_that_is_not_a_state_funded_school(area, regional, scenario):
    """An independent school has no Ofsted judgement in GIAS's sense that the academy-order rule could test: it is
    refused as not state-funded before any scenario's own rule, with the reason beside the URN."""
    from tests.brokerage.conftest import make_school

    independent = make_school(
        area["la"],
        "Penstead Cross School",
        505_500,
        150_200,
        type_name="Other independent school",
        type_group="Independent schools",
        state_funded=False,
    )
    r = _round(area, regional, scenario)
    with pytest.raises(NotEligible) as err:
        services.round_add_school(by=regional, round=r, establishment=independent)
    assert err.value.extra["errors"]["urn"] == [
        "Penstead Cross School is not a state-funded school (Other independent school): brokerage finds trusts "
        "and lead partners for maintained schools and academies."
    ]
    assert not r.schools.exists()


def test_a_lead_partner_round_refuses_an_academy_and_takes_a_maintained_school(client, area, regional):
    r = _round(area, regional, Scenario.LEAD_PARTNER)
    academy = area["needy"]
    academy.type_name, academy.type_group = "Academy converter", "Academies"
    academy.save()
    client.force_login(regional)
    resp = client.post(reverse("brokerage:round", args=[r.pk]), {"action": "add", "urn": academy.urn})
    assert resp.status_code == 400
    assert (
        "Low Road Primary is an academy: a lead-partner round is for maintained schools"
        in resp.content.decode()
    )
    assert not r.schools.exists()
    services.round_add_school(by=regional, round=r, establishment=area["church_needy"])
    assert r.schools.get().establishment == area["church_needy"]
