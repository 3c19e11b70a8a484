"""Only a whole-MAT closure names a closing trust (seed 003 re-brokerage 4), and only a multi-academy trust: the
start-a-round form offers only those and refuses one with another scenario, as the service and the API do, naming
the field; the round page offers to add the trust's schools only when some would be added (ADR 0091)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.models import Round
from schoolsystem.core.errors import ValidationFailed
from tests.brokerage.conftest import make_school, make_trust

OTHER_SCENARIOS = [Scenario.ACADEMY_ORDER, Scenario.LEAD_PARTNER, Scenario.REBROKERAGE]


@pytest.mark.parametrize("scenario", OTHER_SCENARIOS)
def test_a_round_other_than_a_closure_refuses_a_closing_trust_naming_the_field(area, regional, scenario):
    with pytest.raises(ValidationFailed) as err:
        services.round_create(
            by=regional, la=area["la"], scenario=scenario, title="Spring", leaving_group=area["oak"]
        )
    [message] = err.value.extra["errors"]["leaving_group"]
    assert message.startswith("Remove the closing trust, or choose a whole-MAT closure: ")
    assert not Round.objects.exists()


def test_an_academy_order_round_says_why_it_has_no_closing_trust(area, officer):
    with pytest.raises(ValidationFailed, match="maintained schools, which have no trust to leave"):
        services.round_create(
            by=officer,
            la=area["la"],
            scenario=Scenario.ACADEMY_ORDER,
            title="Orders",
            leaving_group=area["oak"],
        )


def test_a_closure_names_a_multi_academy_trust(area, regional):
    federation = make_trust(
        "Vale Federation", [make_school(area["la"], "Vale Infant", 500_500, 150_000)], "federation"
    )
    with pytest.raises(ValidationFailed) as err:
        services.round_create(
            by=regional, la=area["la"], scenario=Scenario.MAT_CLOSURE, title="Vale", leaving_group=federation
        )
    assert err.value.extra["errors"]["leaving_group"] == [
        "Select a multi-academy trust as the closing trust: Vale Federation is a federation"
    ]


def test_the_api_refuses_a_closing_trust_for_an_academy_order_round(area, officer):
    api = APIClient()
    api.force_authenticate(officer)
    resp = api.post(
        "/api/v1/brokerage/rounds/",
        {"title": "Orders", "scenario": "academy_order", "leaving_group": area["oak"].pk},
        format="json",
    )
    assert resp.status_code == 400
    assert "Remove the closing trust" in resp.content.decode() and "leaving_group" in resp.content.decode()
    assert not Round.objects.exists()


def test_start_a_round_offers_only_multi_academy_trusts_as_the_closing_trust(client, officer, area):
    la = area["la"]
    make_trust("Vale Federation", [make_school(la, "Vale Infant", 500_500, 150_000)], "federation")
    make_trust("Solo Trust", [make_school(la, "Solo Academy", 500_600, 150_000)], "sat")
    client.force_login(officer)
    page = client.get(reverse("brokerage:home"))
    trusts = [name for _, name in page.context["form"].fields["leaving_group"].choices[1:]]
    assert trusts == [
        "Ash Trust",
        "Diocesan Trust",
        "Oak Trust",
    ]  # MATs with schools in the LA, not the others
    html = page.content.decode()
    assert (
        "Closing trust (whole-MAT closure only)" in html and "Leave it empty for any other scenario." in html
    )


def test_a_closing_trust_with_another_scenario_is_refused_beside_the_select(client, officer, area):
    client.force_login(officer)
    resp = client.post(
        reverse("brokerage:home"),
        {"title": "Orders", "scenario": "academy_order", "leaving_group": str(area["oak"].pk)},
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and 'href="#id_leaving_group"' in html
    assert (
        "Remove the closing trust, or choose a whole-MAT closure: an academy-order round is for maintained"
        in html
    )
    assert not Round.objects.exists()


def test_a_closure_without_its_trust_is_refused_beside_the_select(client, regional, area):
    client.force_login(regional)
    resp = client.post(
        reverse("brokerage:home"),
        {"title": "Oak", "scenario": "mat_closure", "la": str(area["la"].pk), "leaving_group": ""},
    )
    html = resp.content.decode()
    assert 'href="#id_leaving_group"' in html and "Select the closing trust" in html
    assert not Round.objects.exists()


def _legacy_academy_order_round(area, officer):
    """An academy-order round that named a trust before the service refused it."""
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    Round.objects.filter(pk=r.pk).update(leaving_group=area["oak"])
    return Round.objects.get(pk=r.pk)


def test_an_academy_order_round_never_offers_to_add_a_trusts_schools(client, area, officer):
    r = _legacy_academy_order_round(area, officer)
    client.force_login(officer)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "add_trust_schools" not in html and "Oak Trust" not in html
    resp = client.post(reverse("brokerage:round", args=[r.pk]), {"action": "add_trust_schools"})
    assert resp.status_code == 400
    assert "Only a whole-MAT closure round adds every school of a trust" in resp.content.decode()
    assert not r.schools.exists()


def test_a_trust_named_on_another_round_is_not_taken_for_its_schools_current_trust(area, officer):
    """Else the trust would be excluded as every school's current trust, and never proposed."""
    r = _legacy_academy_order_round(area, officer)
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    need = selectors.round_problem(r).problem.schools[0]
    assert need.current_partner_id == ""


def _closure(area, regional):
    return services.round_create(
        by=regional,
        la=area["la"],
        scenario=Scenario.MAT_CLOSURE,
        title="Oak closes",
        leaving_group=area["oak"],
    )


def test_a_closure_offers_its_trusts_schools_by_name_and_says_which_would_be_left_out(client, area, regional):
    busy = area["oak"].memberships.order_by("establishment__name").first().establishment
    other = services.round_create(by=regional, la=area["la"], scenario=Scenario.REBROKERAGE, title="Busy")
    services.round_add_school(by=regional, round=other, establishment=busy, move_type="move")
    r = _closure(area, regional)
    client.force_login(regional)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "2 open schools of the closing trust can join this round: Oak Primary 1, Oak Primary 2." in html
    assert "Add the 2 schools of Oak Trust" in html
    assert f"{busy.name} (URN {busy.urn}): {busy.name} is already in round {other.reference} (Busy)" in html


def test_a_closure_whose_schools_cannot_join_offers_no_button_and_says_why(client, area, regional):
    other = services.round_create(by=regional, la=area["la"], scenario=Scenario.REBROKERAGE, title="Busy")
    for m in area["oak"].memberships.all():
        services.round_add_school(by=regional, round=other, establishment=m.establishment, move_type="move")
    r = _closure(area, regional)
    client.force_login(regional)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert 'value="add_trust_schools"' not in html
    assert "No other school of Oak Trust can join this round now." in html
    assert html.count(f"is already in round {other.reference}") == 3
    # Posted anyway (an old tab): an error saying why, not "0 schools added".
    resp = client.post(reverse("brokerage:round", args=[r.pk]), {"action": "add_trust_schools"})
    body = resp.content.decode()
    assert resp.status_code == 400 and "No school of Oak Trust was added" in body
    assert "0 schools" not in body and not r.schools.exists()


def test_once_every_school_is_in_the_closure_the_page_says_so(client, area, regional):
    r = _closure(area, regional)
    services.round_add_leaving_trust_schools(by=regional, round=r)
    client.force_login(regional)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "Every open school of Oak Trust is in this round." in html
    assert 'value="add_trust_schools"' not in html


def test_an_la_officer_is_told_which_schools_of_the_trust_are_outside_their_area(
    client, area, officer, regional
):
    make_trust_school = make_school(area["other"], "Oak Sussex Primary", 520_000, 150_000)
    area["oak"].memberships.create(establishment=make_trust_school)
    r = services.round_create(
        by=officer,
        la=area["la"],
        scenario=Scenario.MAT_CLOSURE,
        title="Oak closes",
        leaving_group=area["oak"],
    )
    client.force_login(officer)
    html = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "3 open schools of the closing trust can join this round" in html
    assert f"Oak Sussex Primary (URN {make_trust_school.urn}): The school is outside this round" in html
    # The service agrees: it adds the three and skips the fourth with the same reason.
    added = services.round_add_leaving_trust_schools(by=officer, round=r)
    assert len(added) == 3 and [why for _, why in added.skipped] == [
        "The school is outside this round's area."
    ]
    # A regional officer of the region may add it.
    assert selectors.closing_trust_schools(r, regional).addable == [make_trust_school]


def test_the_closure_choices_cost_a_fixed_number_of_queries(area, regional, django_assert_max_num_queries):
    r = _closure(area, regional)
    for i in range(6):
        area["oak"].memberships.create(
            establishment=make_school(area["la"], f"Extra {i}", 500_000, 151_000 + i)
        )
    with django_assert_max_num_queries(5):
        ts = selectors.closing_trust_schools(r, regional)
        assert len(ts.addable) == 9


def test_a_closure_names_a_trust_with_a_school_in_the_rounds_area_on_the_api_as_on_the_page(area, officer):
    """The page offers only the trusts with a school in the LA; the API took any group id (found in an access
    review): a Surrey officer could open a closure round over a Camden trust."""
    camden_trust = make_trust("Camden Trust", [area["camden_school"]])
    with pytest.raises(ValidationFailed) as err:
        services.round_create(
            by=officer, la=area["la"], scenario=Scenario.MAT_CLOSURE, title="x", leaving_group=camden_trust
        )
    assert err.value.extra["errors"]["leaving_group"] == [
        "Camden Trust is not an open multi-academy trust with a school in Surrey"
    ]
    api = APIClient()
    api.force_authenticate(officer)
    for group_id, message in (
        (camden_trust.pk, "not an open multi-academy trust"),
        (999_999, "No group has id"),
    ):
        resp = api.post(
            "/api/v1/brokerage/rounds/",
            {"title": "Closure", "scenario": "mat_closure", "leaving_group": group_id},
            format="json",
        )
        assert resp.status_code == 400 and message in resp.content.decode()
    assert not Round.objects.exists()
    resp = api.post(
        "/api/v1/brokerage/rounds/",
        {"title": "Closure", "scenario": "mat_closure", "leaving_group": area["oak"].pk},
        format="json",
    )
    assert resp.status_code == 201
