import pytest
from rest_framework.test import APIClient

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario


@pytest.fixture
def api():
    return APIClient()


def test_api_runs_a_round_end_to_end_to_a_decision(api, officer, area):
    api.force_authenticate(officer)
    r = api.post(
        "/api/v1/brokerage/rounds/", {"title": "API round", "scenario": "academy_order"}, format="json"
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (
        api.post(
            f"/api/v1/brokerage/rounds/{pk}/schools/", {"urn": area["needy"].urn}, format="json"
        ).status_code
        == 201
    )
    assert api.post(f"/api/v1/brokerage/rounds/{pk}/shortlist/").json()["candidates"] > 0
    plan = api.post(f"/api/v1/brokerage/rounds/{pk}/plan/").json()
    assert len(plan["plan"]) == 1
    prop = plan["plan"][0]["id"]
    base = f"/api/v1/brokerage/proposals/{prop}/"
    assert api.post(base + "start-due-diligence/").status_code == 200
    for item in ["capacity", "finance", "land_pfi", "buildings", "safeguarding"]:
        assert (
            api.post(
                base + "due-diligence/", {"item": item, "outcome": "satisfied"}, format="json"
            ).status_code
            == 200
        )
    assert api.post(base + "complete-due-diligence/").status_code == 200
    c = {"held_on": "2026-01-05", "summary": "Supportive governors", "outcome": "supportive"}
    assert api.post(base + "consultation/", c, format="json").status_code == 200
    d = {"outcome": "declined", "reasons": "Too far", "decided_on": "2026-01-20", "decided_by_name": "Board"}
    resp = api.post(base + "decision/", d, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "declined"
    detail = api.get(base).json()
    assert detail["decisions"][0]["outcome"] == "declined"


def test_api_refused_transition_is_409_and_bad_input_400(api, officer, area):
    api.force_authenticate(officer)
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="x")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    services.round_plan(by=officer, round=r)
    prop = r.proposals.get()
    assert (
        api.post(
            f"/api/v1/brokerage/proposals/{prop.pk}/hand-off/", {"effective_on": "2026-04-01"}, format="json"
        ).status_code
        == 409
    )
    assert (
        api.post(
            f"/api/v1/brokerage/proposals/{prop.pk}/decision/", {"outcome": "maybe"}, format="json"
        ).status_code
        == 400
    )
    assert (
        api.post(f"/api/v1/brokerage/rounds/{r.pk}/schools/", {"urn": "abc"}, format="json").status_code
        == 400
    )
    bad = api.post(f"/api/v1/brokerage/rounds/{r.pk}/what-if/", {"weights": {"nonsense": 1}}, format="json")
    assert bad.status_code == 400


def test_api_what_if_reports_changes(api, officer, area, regional):
    api.force_authenticate(officer)
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="x")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    services.round_plan(by=officer, round=r)
    key = r.proposals.get().partner_key
    resp = api.post(f"/api/v1/brokerage/rounds/{r.pk}/what-if/", {"capacity": {key: 0}}, format="json")
    assert resp.status_code == 200
    assert resp.json()["changes"][0]["before"] == key


def test_api_scope_other_la_and_other_trust(api, officer, area, make_user):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="x")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    services.round_plan(by=officer, round=r)
    prop = r.proposals.get()
    stranger = make_user("la_officer", scope_la=area["other"])
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/brokerage/rounds/{r.pk}/").status_code == 404
    assert api.get("/api/v1/brokerage/rounds/").json()["results"] == []
    assert api.get(f"/api/v1/brokerage/schools/{area['needy'].urn}/shortlist/").status_code == 404
    assert api.post(f"/api/v1/brokerage/rounds/{r.pk}/plan/").status_code == 404
    other_group = area["ash"] if prop.group == area["oak"] else area["oak"]
    api.force_authenticate(make_user("trust_leader", scope_group=other_group))
    assert api.get(f"/api/v1/brokerage/proposals/{prop.pk}/").status_code == 404
    assert api.get("/api/v1/brokerage/proposals/").json()["results"] == []
    api.force_authenticate(make_user("trust_leader", scope_group=prop.group))
    listed = api.get("/api/v1/brokerage/proposals/").json()  # paginated like every list (it was a bare array)
    assert listed["count"] == 1 and [p["id"] for p in listed["results"]] == [prop.pk]
    assert api.get(f"/api/v1/brokerage/proposals/{prop.pk}/").status_code == 200


def test_api_shortlist_lists_exclusion_reasons(api, officer, area):
    api.force_authenticate(officer)
    body = api.get(f"/api/v1/brokerage/schools/{area['church_needy'].urn}/shortlist/").json()
    assert [c["partner_name"] for c in body["ranked"]] == ["Diocesan Trust"]
    assert {r["code"] for e in body["excluded"] for r in e["reasons"]} == {"faith"}


def test_api_hand_off_after_approval_adds_the_school_to_the_trust(api, officer, area):
    from schoolsystem.brokerage.models import Proposal
    from schoolsystem.registry.models import Membership
    from tests.brokerage.test_services import approve, planned_round

    p = approve(planned_round(area, officer).proposals.get(), officer)
    api.force_authenticate(officer)
    base = f"/api/v1/brokerage/proposals/{p.pk}/"
    assert api.post(base + "hand-off/", {}, format="json").status_code == 400
    resp = api.post(base + "hand-off/", {"effective_on": "2026-09-01"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "handed_over"
    m = Membership.objects.get(establishment=area["needy"], left_on__isnull=True)
    assert m.group_id == p.group_id and str(m.joined_on) == "2026-09-01"
    # A lead partner from the accredited pool is not a trust in the register: refused with the reason.
    other = approve(planned_round(area, officer, area["church_needy"]).proposals.get(), officer)
    Proposal.objects.filter(pk=other.pk).update(partner_key="provider:7", group=None)
    resp = api.post(f"/api/v1/brokerage/proposals/{other.pk}/hand-off/", {"effective_on": "2026-09-01"})
    assert resp.status_code in (400, 409) and "accredited pool" in str(resp.json())


def test_api_proposal_detail_says_whether_the_board_decision_is_a_draft_or_published(api, officer, area):
    from datetime import date

    from schoolsystem.improvement.models import Decision
    from schoolsystem.improvement.services import decision_publish
    from tests.brokerage.test_services import planned_round, walk_to_decision

    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)
    services.board_decide(
        by=officer,
        proposal=p,
        outcome="approved",
        reasons="Best fit nearby.",
        decided_on=date(2026, 1, 9),
        decided_by_name="Regional advisory board",
    )
    record = Decision.objects.get()
    api.force_authenticate(officer)
    url = f"/api/v1/brokerage/proposals/{p.pk}/"
    decision = api.get(url).json()["decisions"][0]
    assert decision["register_decision_id"] == str(record.pk)
    assert decision["register"] == {
        "id": record.pk,
        "reference": record.reference,
        "status": "draft",
        "public_url": None,
    }
    decision_publish(by=officer, decision=record)
    register = api.get(url).json()["decisions"][0]["register"]
    assert register["status"] == "published"
    assert register["public_url"] == f"http://testserver/decisions/{record.pk}/"
    assert APIClient().get(register["public_url"]).status_code == 200  # public: no sign-in


def test_api_proposal_detail_register_is_null_without_a_register_entry(api, officer, area):
    from datetime import date

    from schoolsystem.brokerage.models import BoardDecision
    from tests.brokerage.test_services import planned_round, walk_to_decision

    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)
    services.board_decide(
        by=officer,
        proposal=p,
        outcome="approved",
        reasons="Agreed.",
        decided_on=date(2026, 1, 9),
        decided_by_name="Board",
    )
    BoardDecision.objects.filter(proposal=p).update(register_decision_id="")
    api.force_authenticate(officer)
    decision = api.get(f"/api/v1/brokerage/proposals/{p.pk}/").json()["decisions"][0]
    assert decision["register"] is None and decision["outcome"] == "approved"
