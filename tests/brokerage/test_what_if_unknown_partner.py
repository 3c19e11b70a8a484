"""A what-if capacity change for a partner the round's plan was not made from changed nothing and said "no
change": the page now offers only the partners of the plan's inputs, and the selector and the API refuse another
with an error naming the partner (a 400). Such a partner is one shortlisted, then gone from the register (here:
closed) before the round was planned."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.core.errors import ValidationFailed
from schoolsystem.engines.matching import Weights


@pytest.fixture
def planned_without_ash(area, officer):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    services.round_shortlist(by=officer, round=r)
    area["ash"].status = "closed"  # the trust closes after the shortlist, before the plan
    area["ash"].save(update_fields=["status"])
    return services.round_plan(by=officer, round=r)


def _key(round_, name):
    return next(k for k, label in selectors.round_partner_choices(round_) if label == name)


def test_the_page_offers_only_the_partners_the_plan_was_made_from(client, officer, planned_without_ash):
    r = planned_without_ash
    ash = _key(r, "Ash Trust")  # on the school's shortlist, but closed before the plan
    client.force_login(officer)
    choices = dict(
        client.get(reverse("brokerage:what-if", args=[r.pk])).context["form"].fields["partner"].choices
    )
    assert ash not in choices and any(label.startswith("Oak Trust (capacity ") for label in choices.values())
    data = {"partner": ash, "capacity": 0} | {f"w_{n}": v for n, v in Weights().as_dict().items()}
    response = client.post(reverse("brokerage:what-if", args=[r.pk]), data)  # an old tab
    assert response.status_code == 400
    assert response.context["form"].errors["partner"] == [
        "Select the trust or partner to change from the list"
    ]
    assert response.context["result"] is None  # no "no change" shown
    # A partner the plan was made from still works.
    oak = _key(r, "Oak Trust")
    assert client.post(reverse("brokerage:what-if", args=[r.pk]), {**data, "partner": oak}).status_code == 200


def test_the_selector_and_api_refuse_it_too(officer, planned_without_ash):
    r = planned_without_ash
    ash = _key(r, "Ash Trust")
    with pytest.raises(ValidationFailed) as err:
        selectors.round_what_if(r, weights=None, capacity_overrides={ash: 3})
    assert err.value.extra["unknown_partners"] == [ash]
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(f"/api/v1/brokerage/rounds/{r.pk}/what-if/", {"capacity": {ash: 3}}, format="json")
    assert response.status_code == 400, response.content
    assert "Ash Trust" in response.json()["detail"]
