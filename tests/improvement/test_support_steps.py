"""Support milestones (page and API) and every support-request step through the API, with bad input refused."""

from datetime import timedelta

import pytest
from django.urls import reverse

from schoolsystem.core.errors import InvalidTransition, ValidationFailed
from schoolsystem.improvement import services
from schoolsystem.improvement.models import SupportMilestone, SupportRating, SupportRequest
from tests.improvement.factories import today


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_support_journey_through_the_api(client, officer, leader_a, school_a, offer):
    services.credit_grant(by=officer, school=school_a, amount=50, reason="Opening allocation")
    client.force_login(officer)
    r = post(
        client,
        "/api/v1/support-requests/",
        {"urn": 100001, "needs": ["leadership"], "description": "Coaching", "days_needed": 3},
    )
    assert r.status_code == 201
    base = f"/api/v1/support-requests/{r.json()['id']}"
    assert (
        post(client, f"{base}/agree/", {"offer": offer.pk, "days_agreed": 3, "objectives": "x"}).status_code
        == 400
    )
    assert post(client, f"{base}/match/", {"offers": [999999]}).json()["errors"].keys() == {"offers"}
    r = post(client, f"{base}/match/", {"offers": [offer.pk]})
    assert r.status_code == 200 and r.json()["state"] == "matched"
    bad = post(client, f"{base}/agree/", {"offer": offer.pk, "days_agreed": 0, "objectives": ""})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"days_agreed", "objectives"}
    r = post(client, f"{base}/agree/", {"offer": offer.pk, "days_agreed": 3, "objectives": "A plan"})
    assert r.status_code == 200 and r.json()["state"] == "agreed"
    assert post(client, f"{base}/deploy/", {"milestones": "tomorrow Plan"}).json()["errors"].keys() == {
        "milestones"
    }
    due = (today() + timedelta(days=20)).isoformat()
    r = post(client, f"{base}/deploy/", {"milestones": f"{due} Plan written\n{due} Audit"})
    assert r.status_code == 200 and [m["title"] for m in r.json()["milestones"]] == ["Plan written", "Audit"]
    first = r.json()["milestones"][0]["id"]
    future = (today() + timedelta(days=3)).isoformat()
    bad = post(client, f"{base}/milestone/", {"milestone": first, "done_on": future})
    assert bad.status_code == 400 and "done_on" in bad.json()["errors"]
    assert (
        post(client, f"{base}/milestone/", {"milestone": 999999, "done_on": today().isoformat()}).status_code
        == 400
    )
    r = post(client, f"{base}/milestone/", {"milestone": first, "done_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["milestones"][0]["done_on"] == today().isoformat()
    # A done milestone is no longer a choice.
    again = post(client, f"{base}/milestone/", {"milestone": first, "done_on": today().isoformat()})
    assert again.status_code == 400 and "milestone" in again.json()["errors"]
    bad = post(client, f"{base}/review/", {"reviewed_on": today().isoformat(), "rag": "purple"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"rag", "progress"}
    r = post(
        client, f"{base}/review/", {"reviewed_on": today().isoformat(), "rag": "amber", "progress": "Slow"}
    )
    assert r.status_code == 200 and r.json()["next_review_due"]
    assert post(client, f"{base}/rate/", {"score": 5}).status_code == 409  # not ended yet
    assert post(client, f"{base}/close/", {"days_delivered": -1}).json()["errors"].keys() == {
        "days_delivered",
        "impact_summary",
    }
    r = post(client, f"{base}/close/", {"days_delivered": 3, "impact_summary": "Plan in place"})
    assert r.status_code == 200 and r.json()["state"] == "closed"
    client.force_login(leader_a)  # the school's head rates the support
    assert post(client, f"{base}/rate/", {"score": 9}).status_code == 400
    assert post(client, f"{base}/rate/", {"score": 4, "comment": "Useful"}).status_code == 200
    assert SupportRating.objects.get().rated_by == leader_a
    assert post(client, f"{base}/withdraw/", {"reason": "x"}).status_code == 409


def test_support_step_api_out_of_scope_is_not_found(client, officer, officer_b, school_a):
    req = services.support_request_create(by=officer, school=school_a, needs=["leadership"], description="x")
    client.force_login(officer_b)
    assert post(client, f"/api/v1/support-requests/{req.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert SupportRequest.objects.get(pk=req.pk).state == "requested"


@pytest.fixture
def deployed(officer, school_a, offer):
    services.credit_grant(by=officer, school=school_a, amount=50, reason="x")
    req = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=2
    )
    req = services.support_request_match(by=officer, request=req, offers=[offer])
    req = services.support_request_agree(
        by=officer, request=req, offer=offer, days_agreed=2, objectives=["a"]
    )
    return services.support_request_deploy(
        by=officer, request=req, milestones=[("Plan", today() + timedelta(days=10)), ("Audit", today())]
    )


def test_milestone_page_records_done_and_leaves_the_task_list(client, leader_a, deployed):
    plan = deployed.milestones.get(title="Plan")
    client.force_login(leader_a)
    url = reverse("improvement:support-step", args=[deployed.pk, "milestone"])
    detail = client.get(reverse("improvement:support-detail", args=[deployed.pk])).content.decode()
    assert "Record a milestone done" in detail and "Record a termly review" in detail
    bad = client.post(url, {"milestone": plan.pk, "done_on": ""})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    assert client.post(url, {"milestone": plan.pk, "done_on": today().isoformat()}).status_code == 302
    plan.refresh_from_db()
    assert plan.done_on == today()
    home = client.get(reverse("improvement:home")).content.decode()
    assert "Milestone “Plan”" not in home and "Milestone “Audit”" in home


def test_milestone_service_refuses_twice_and_outside_deployment(officer, deployed):
    audit_ms = deployed.milestones.get(title="Audit")
    services.support_milestone_complete(by=officer, milestone=audit_ms, done_on=today())
    with pytest.raises(InvalidTransition):
        services.support_milestone_complete(by=officer, milestone=audit_ms, done_on=today())
    with pytest.raises(ValidationFailed):
        services.support_milestone_complete(
            by=officer, milestone=deployed.milestones.get(title="Plan"), done_on=today() + timedelta(days=1)
        )
    services.support_request_close(by=officer, request=deployed, days_delivered=2, impact_summary="Done")
    with pytest.raises(InvalidTransition):
        services.support_milestone_complete(
            by=officer, milestone=deployed.milestones.get(title="Plan"), done_on=today()
        )
    assert SupportMilestone.objects.filter(done_on__isnull=False).count() == 1


def test_capacity_is_per_term_days_agreed_last_term_do_not_count(officer, school_a, las, offer):
    from schoolsystem.engines.support import term_for
    from schoolsystem.improvement import selectors

    services.credit_grant(by=officer, school=school_a, amount=100, reason="x")
    req = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=8
    )
    req = services.support_request_match(by=officer, request=req, offers=[offer])
    services.support_request_agree(by=officer, request=req, offer=offer, days_agreed=8, objectives=["a"])
    assert selectors.rank_offers_for(school_a, ["leadership"], 3) == []  # 2 of 10 days spare this term
    # The same agreement made last term leaves this term's days free (one of two places is still taken).
    last_term = term_for(today()).start - timedelta(days=1)
    SupportRequest.objects.filter(pk=req.pk).update(agreed_on=last_term)
    ranked = selectors.rank_offers_for(school_a, ["leadership"], 10)
    assert ranked[0].spare_days == 10 and "1 place free" in " ".join(ranked[0].reasons)
    other = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="y", days_needed=10
    )
    other = services.support_request_match(by=officer, request=other, offers=[offer])
    agreed = services.support_request_agree(
        by=officer, request=other, offer=offer, days_agreed=10, objectives=["b"]
    )
    assert agreed.state == "agreed"
    # Both places are now taken: a third school is refused whatever the days.
    third = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="z", days_needed=1
    )
    third = services.support_request_match(by=officer, request=third, offers=[offer])
    with pytest.raises(ValidationFailed, match="0 free places"):
        services.support_request_agree(
            by=officer, request=third, offer=offer, days_agreed=1, objectives=["c"]
        )


def test_api_requests_for_a_school_outside_scope_name_the_urn_field(client, officer, school_b):
    client.force_login(officer)
    body = {"urn": school_b.urn, "needs": ["leadership"], "description": "x", "days_needed": 1}
    r = post(client, "/api/v1/support-requests/", body)
    assert r.status_code == 400 and "urn" in r.json()["errors"]
    r = post(client, "/api/v1/cases/", {"urn": school_b.urn, "source": "manual", "reasons": "Weak"})
    assert r.status_code == 400 and "urn" in r.json()["errors"]
    assert not SupportRequest.objects.exists()
