from datetime import date

import pytest
from django.urls import reverse

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.maps import shortlist_svg
from schoolsystem.brokerage.models import Round
from schoolsystem.engines.matching.types import ScoredCandidate
from schoolsystem.registry.models import LocalAuthority, Membership
from tests.brokerage.conftest import make_school, make_trust
from tests.brokerage.test_services import publish_decisions


@pytest.fixture
def planned(area, officer):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    for s in (area["needy"], area["church_needy"]):
        services.round_add_school(by=officer, round=r, establishment=s)
    services.round_shortlist(by=officer, round=r)
    return services.round_plan(by=officer, round=r)


def test_officer_starts_a_round_from_the_home_page(client, officer):
    client.force_login(officer)
    resp = client.post(reverse("brokerage:home"), {"title": "Spring", "scenario": "academy_order"})
    assert resp.status_code == 302
    assert client.get(resp.url).status_code == 200


def test_start_round_with_bad_input_shows_error_summary(client, officer):
    client.force_login(officer)
    resp = client.post(reverse("brokerage:home"), {"title": "", "scenario": "nope"})
    assert resp.status_code == 200
    assert b"govuk-error-summary" in resp.content and b"There is a problem" in resp.content


def test_round_page_shows_plan_and_orphans_without_query_per_row(
    client, officer, area, planned, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("brokerage:round", args=[planned.pk]))
    assert resp.status_code == 200
    assert b"Diocesan Trust" in resp.content
    html = resp.content.decode()
    assert "Proved optimal (min-cost flow)." in html and "min_cost_flow" not in html
    placed, orphans = planned.plan_summary["placed"], planned.plan_summary["orphans"]
    assert f"{placed} school{'s' if placed != 1 else ''} placed" in html
    assert (f"{orphans} left without a partner" if orphans else "none left without a partner") in html
    # Once the plan is made no school can be added: the page offers neither the form nor new shortlists.
    assert "Add a school" not in html and "Draw up shortlists" not in html
    # In an open round the add-school form explains its checkboxes and the group field to the officer.
    fresh = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Open")
    html = client.get(reverse("brokerage:round", args=[fresh.pk])).content.decode()
    assert 'aria-describedby="id_estate_flag-hint"' in html and "go to the same partner" in html
    assert "Add a school" in html
    # With no school yet, neither shortlists nor a plan are offered; the page says why.
    assert "Draw up shortlists" not in html and "Propose the optimal plan" not in html
    assert "Add a school to the round first" in html


def test_round_page_query_count_does_not_grow_with_schools(
    client, officer, area, django_assert_max_num_queries
):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Many")
    for i in range(8):
        s = make_school(area["la"], f"Extra {i}", 504_000 + 300 * i, 150_000)
        services.round_add_school(by=officer, round=r, establishment=s)
    services.round_plan(by=officer, round=r)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("brokerage:round", args=[r.pk])).status_code == 200


def test_shortlist_page_has_breakdown_exclusions_and_map(
    client, officer, area, planned, django_assert_max_num_queries
):
    # GIAS holds a sponsor and its trust as two groups of one name: one organisation, listed once.
    make_trust(
        "Oak Trust", [make_school(area["la"], "Oak Sponsored 1", 504_000, 150_200)], group_type="sponsor"
    )
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        resp = client.get(reverse("brokerage:school-shortlist", args=[area["church_needy"].urn]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "<svg" in body and " km</text>" in body
    assert "Faith ethos" in body and "Oak Trust" in body
    assert ">Track record</th>" in body and "Track_record" not in body
    assert body.count("<li>Oak Trust (") == 1 and "Oak Trust (sponsor)" not in body  # excluded: faith ethos
    # The school stated no preferences: the shares its points are out of.
    assert "weighted: distance to the partner&#x27;s nearest school 33%, track record (scorecard) 28%" in body


def test_la_officer_of_another_la_cannot_see_the_round_or_shortlist(client, make_user, area, planned):
    stranger = make_user("la_officer", scope_la=area["other"])
    client.force_login(stranger)
    assert client.get(reverse("brokerage:round", args=[planned.pk])).status_code == 404
    assert client.get(reverse("brokerage:school-shortlist", args=[area["needy"].urn])).status_code == 404
    assert client.get(reverse("brokerage:what-if", args=[planned.pk])).status_code == 404
    assert planned.reference.encode() not in client.get(reverse("brokerage:home")).content


def test_trust_leader_sees_own_proposal_not_another_trusts(client, make_user, area, planned):
    own_prop = planned.proposals.get(round_school__establishment=area["church_needy"])
    other_prop = planned.proposals.exclude(pk=own_prop.pk).get()
    leader = make_user("trust_leader", scope_group=own_prop.group)
    client.force_login(leader)
    assert client.get(reverse("brokerage:proposal", args=[own_prop.pk])).status_code == 200
    assert client.get(reverse("brokerage:proposal", args=[other_prop.pk])).status_code == 404
    assert client.get(reverse("brokerage:round", args=[planned.pk])).status_code == 404
    home = client.get(reverse("brokerage:home")).content.decode()
    assert "St Luke" in home and "Low Road" not in home


def test_what_if_shows_changes_when_a_trust_loses_capacity(client, officer, planned):
    prop = planned.proposals.filter(group__isnull=False).exclude(partner_name="Diocesan Trust").first()
    client.force_login(officer)
    data = {"partner": prop.partner_key, "capacity": 0}
    data |= {f"w_{n}": v for n, v in planned.weights.items()} if planned.weights else {}
    from schoolsystem.engines.matching import Weights

    data |= {f"w_{n}": v for n, v in Weights().as_dict().items()}
    choices = dict(
        client.get(reverse("brokerage:what-if", args=[planned.pk])).context["form"].fields["partner"].choices
    )
    assert choices[prop.partner_key].startswith(prop.partner_name + " (capacity ")  # from the shortlists
    resp = client.post(reverse("brokerage:what-if", args=[planned.pk]), data)
    assert resp.status_code == 200
    # The changed row names the school (with its URN) and the old partner, never their internal keys.
    body = resp.content.decode()
    school = prop.round_school.establishment
    assert f'<td class="govuk-table__cell">{school.name} ({school.urn})</td>' in body
    assert f'<td class="govuk-table__cell">{prop.partner_name}</td>' in body
    assert f">{prop.partner_key}<" not in body and f"| {prop.partner_key}" not in body
    unknown = client.post(
        reverse("brokerage:what-if", args=[planned.pk]), {**data, "partner": "group:999999"}
    )
    assert (
        unknown.status_code == 400
        and b"Select the trust or partner to change from the list" in unknown.content
    )


def test_what_if_bad_weights_are_refused(client, officer, planned):
    client.force_login(officer)
    from schoolsystem.engines.matching import Weights

    data = {f"w_{n}": 0 for n in Weights.COMPONENTS}
    resp = client.post(reverse("brokerage:what-if", args=[planned.pk]), data)
    assert resp.status_code == 400 and b"At least one weight" in resp.content
    # A negative capacity is refused once, by name: not also "Enter the capacity" as if it were missing.
    weights = {f"w_{n}": 1 for n in Weights.COMPONENTS}
    partner = resp.context["form"].fields["partner"].choices[1][0]
    bad = client.post(
        reverse("brokerage:what-if", args=[planned.pk]), {**weights, "partner": partner, "capacity": -2}
    )
    page = bad.content.decode()
    assert bad.status_code == 400
    assert 'href="#id_capacity">The capacity to try must be between 0 and 50</a>' in page
    assert "Enter the capacity to try<" not in page
    missing = client.post(reverse("brokerage:what-if", args=[planned.pk]), {**weights, "partner": partner})
    assert 'href="#id_capacity">Enter the capacity to try</a>' in missing.content.decode()


def test_proposal_forms_walk_to_a_decision_and_bad_input_is_shown(client, officer, planned):
    p = planned.proposals.first()
    client.force_login(officer)
    url = reverse("brokerage:proposal", args=[p.pk])
    assert client.post(url, {"action": "start_due_diligence"}).status_code == 302
    started = client.get(url).content.decode()
    # Completing is not offered while checks are still to record; the page says which.
    assert 'value="complete_due_diligence"' not in started
    assert 'id="due-diligence-to-do"' in started and "capacity and willingness" in started
    for check in p.checks.exclude(outcome="not_applicable"):
        resp = client.post(
            url,
            {
                "action": "due_diligence",
                "due_diligence-item": check.item,
                "due_diligence-outcome": "satisfied",
            },
        )
        assert resp.status_code == 302
    checked = client.get(url).content.decode()
    assert 'value="complete_due_diligence"' in checked and 'id="due-diligence-to-do"' not in checked
    assert client.post(url, {"action": "complete_due_diligence"}).status_code == 302
    bad = client.post(
        url, {"action": "consultation", "consultation-held_on": "not a date", "consultation-outcome": "x"}
    )
    assert bad.status_code == 400 and b"govuk-error-summary" in bad.content
    ok = {
        "action": "consultation",
        "consultation-held_on": "2026-01-05",
        "consultation-outcome": "supportive",
        "consultation-summary": "Fine",
    }
    assert client.post(url, ok).status_code == 302
    resp = client.post(
        url,
        {
            "action": "decision",
            "decision-outcome": "approved",
            "decision-reasons": "",
            "decision-decided_on": str(date(2026, 1, 9)),
            "decision-decided_by_name": "Board",
        },
    )
    assert resp.status_code == 400
    resp = client.post(
        url,
        {
            "action": "decision",
            "decision-outcome": "approved",
            "decision-reasons": "Good fit",
            "decision-decided_on": str(date(2026, 1, 9)),
            "decision-decided_by_name": "Board",
        },
    )
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == "approved"
    decision = p.decisions.get()
    # The board's decision is a draft on the register: the page links the officer to its review and publication,
    # and the hand-off waits for it (the register would show the move to the public first).
    page = client.get(url).content.decode()
    manage = reverse("improvement:decision-manage", args=[decision.register_decision_id])
    assert manage in page and "draft on the decision register" in page
    assert "Record hand-off" not in page and "before recording the hand-off" in page
    resp = client.post(url, {"action": "hand_off", "hand_off-effective_on": "2026-09-01"})
    assert resp.status_code == 400 and "before recording the hand-off" in resp.content.decode()
    publish_decisions(p, officer)
    page = client.get(url).content.decode()
    assert "adds the school to" in page and "Record hand-off" in page
    resp = client.post(url, {"action": "hand_off", "hand_off-effective_on": "2026-09-01"})
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == "handed_over"
    m = Membership.objects.get(establishment=p.round_school.establishment, left_on__isnull=True)
    assert (m.group_id, m.joined_on) == (p.group_id, date(2026, 9, 1))
    done = client.get(url).content.decode()
    assert (
        "joined" in done and "on <strong>1 September 2026</strong>" in done and "Record hand-off" not in done
    )
    assert f'href="{reverse("decisions:detail", args=[decision.register_decision_id])}"' in done


def test_approved_lead_partner_hand_off_is_explained_not_offered(client, officer, planned):
    from schoolsystem.brokerage.models import Proposal

    p = planned.proposals.first()
    Proposal.objects.filter(pk=p.pk).update(status="approved", partner_key="provider:7", group=None)
    client.force_login(officer)
    page = client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()
    assert "accredited pool" in page and "Record hand-off" not in page


def test_refused_transition_on_page_is_an_error_not_a_crash(client, officer, planned):
    p = planned.proposals.first()
    client.force_login(officer)
    resp = client.post(reverse("brokerage:proposal", args=[p.pk]), {"action": "complete_due_diligence"})
    assert resp.status_code == 400 and b"cannot become" in resp.content


def test_regional_officer_starts_a_trust_closure_choosing_the_la_and_the_trust_from_lists(
    client, regional, area
):
    client.force_login(regional)
    form = client.get(reverse("brokerage:home")).context["form"]
    assert [name for _, name in form.fields["la"].choices[1:]] == [
        "Surrey",
        "West Sussex",
    ]  # their region only
    trusts = dict(form.fields["leaving_group"].choices)
    oak = area["oak"]
    assert trusts[str(oak.pk)] == oak.name and trusts[""] == "Not a whole-MAT closure"
    resp = client.post(
        reverse("brokerage:home"),
        {
            "title": "Oak closes",
            "scenario": "mat_closure",
            "la": str(area["la"].pk),
            "leaving_group": str(oak.pk),
        },
    )
    assert resp.status_code == 302
    r = Round.objects.get(title="Oak closes")
    assert (r.la, r.leaving_group) == (area["la"], oak)
    camden = LocalAuthority.objects.get(code="202")
    refused = client.post(
        reverse("brokerage:home"), {"title": "X", "scenario": "academy_order", "la": str(camden.pk)}
    )
    assert (
        refused.status_code == 200 and "Select the local authority from the list" in refused.content.decode()
    )
    assert not Round.objects.filter(title="X").exists()


def test_la_officer_has_no_la_choice(client, officer):
    client.force_login(officer)
    page = client.get(reverse("brokerage:home"))
    assert "la" not in page.context["form"].fields
    html = page.content.decode()
    assert (
        'aria-describedby="id_leaving_group-hint"' in html
        and "The multi-academy trust that is closing" in html
    )


def test_shortlist_map_keeps_the_school_name_inside_the_picture(area):
    school = area["church_needy"]
    west = (school.easting - 5_000, school.northing)
    east = (school.easting + 5_000, school.northing)
    cand = ScoredCandidate(partner_id="p", partner_name="P", fit=50.0, distance_km=5.0, components=(), rank=1)
    # The school east of its candidate sits on the right: its name runs leftwards (text-anchor end).
    assert 'text-anchor="end">St Luke' in shortlist_svg(school, [cand], {"p": west})
    assert 'text-anchor="start">St Luke' in shortlist_svg(school, [cand], {"p": east})
