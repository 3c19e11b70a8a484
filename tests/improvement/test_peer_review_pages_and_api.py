"""Peer review through pages and API: plan (reviewers from other schools of the partnership, never their own),
findings, actions with owners and dates, marking actions done, follow-through to the next review, raising support."""

from datetime import timedelta

import pytest
from django.urls import reverse

from schoolsystem.improvement import services
from schoolsystem.improvement.models import PeerReview, PeerReviewAction, SupportRequest
from tests.improvement.factories import make_school, today


def plan_data(group, **over):
    data = {
        "partnership": group.pk,
        "urn": 100001,
        "review_on": today().isoformat(),
        "focus_areas": "Reading\nGovernance",
        "reviewers": "Olu Oak, 100050",
    }
    data.update(over)
    return data


def test_peer_review_journey_through_pages(client, officer, partnership, school_a, lead_school):
    client.force_login(officer)
    assert "Northshire Primary Partnership" in client.get(reverse("improvement:review-new")).content.decode()
    r = client.post(reverse("improvement:review-new"), plan_data(partnership))
    assert r.status_code == 302
    review = PeerReview.objects.get()
    assert review.focus_areas == ["Reading", "Governance"]
    assert review.reviewers.get().establishment == lead_school

    def step(name, data):
        return client.post(reverse("improvement:review-step", args=[review.pk, name]), data)

    assert step("findings", {"strengths": "", "areas_for_development": ""}).status_code == 400
    assert step("findings", {"strengths": "Culture", "areas_for_development": "Phonics"}).status_code == 302
    bad = step("action", {"text": "Phonics training", "owner": "", "due_on": "soon"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    due = (today() + timedelta(days=30)).isoformat()
    assert (
        step("action", {"text": "Phonics training", "owner": "Deputy head", "due_on": due}).status_code == 302
    )
    assert step("action", {"text": "Library", "owner": "Head", "due_on": due}).status_code == 302
    phonics = PeerReviewAction.objects.get(text="Phonics training")
    library = PeerReviewAction.objects.get(text="Library")
    detail = reverse("improvement:review-detail", args=[review.pk])
    assert client.post(detail, {"action": library.pk, "status": "done"}).status_code == 302
    library.refresh_from_db()
    assert library.status == "done" and library.done_on == today()
    assert client.post(detail, {"action": library.pk, "status": "done"}).status_code == 400  # already closed
    r = step("support", {"needs": ["subject"], "description": "Phonics specialist", "days_needed": 3})
    req = SupportRequest.objects.get()
    assert r.status_code == 302 and r.url == reverse("improvement:support-detail", args=[req.pk])
    assert req.origin == "peer_review" and req.peer_review == review and req.school == school_a

    # The next review carries the open action and shows what became of each action.
    r = client.post(
        reverse("improvement:review-new"),
        plan_data(partnership, review_on=(today() + timedelta(days=365)).isoformat()),
    )
    second = PeerReview.objects.exclude(pk=review.pk).get()
    assert second.previous == review and second.actions.get().carried_from == phonics
    body = client.get(reverse("improvement:review-detail", args=[second.pk])).content.decode()
    assert "Follow-through from the previous review" in body
    assert "Carried forward, still open" in body and "Done" in body


@pytest.mark.parametrize(
    "over, field",
    [
        ({"reviewers": "Head, 100001"}, "reviewers"),  # from the reviewed school itself
        ({"reviewers": "Stranger, 100099"}, "reviewers"),  # not in the partnership
        ({"reviewers": "no urn here"}, "reviewers"),
        ({"focus_areas": " "}, "focus_areas"),
        ({"urn": 200001}, "urn"),  # another LA's school
        ({"partnership": 999999}, "partnership"),
        ({"review_on": "31/02/2026"}, "review_on"),
    ],
)
def test_plan_review_bad_input_page_and_api(
    client, officer, partnership, school_a, school_b, las, over, field
):
    make_school(las[0], 100099, name="Stranger School")
    client.force_login(officer)
    page = client.post(reverse("improvement:review-new"), plan_data(partnership, **over))
    assert page.status_code == 400 and "govuk-error-summary" in page.content.decode()
    api = client.post(
        "/api/v1/peer-reviews/", plan_data(partnership, **over), content_type="application/json"
    )
    assert api.status_code == 400 and field in api.json()["errors"]
    assert not PeerReview.objects.exists()


def test_peer_review_api_write_actions(client, officer, partnership, school_a, lead_school):
    client.force_login(officer)
    r = client.post("/api/v1/peer-reviews/", plan_data(partnership), content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    base = f"/api/v1/peer-reviews/{pk}"
    assert client.post(f"{base}/findings/", {}, content_type="application/json").json()["errors"].keys() == {
        "strengths",
        "areas_for_development",
    }
    r = client.post(
        f"{base}/findings/",
        {"strengths": "Culture", "areas_for_development": "Phonics"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "completed"
    assert (
        client.post(f"{base}/findings/", {"strengths": "x", "areas_for_development": "y"}).status_code == 409
    )
    bad = client.post(f"{base}/actions/", {"text": "Phonics"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"owner", "due_on"}
    r = client.post(
        f"{base}/actions/",
        {"text": "Phonics", "owner": "Deputy", "due_on": today().isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201
    action_id = r.json()["actions"][0]["id"]
    assert client.post(f"{base}/actions/{action_id}/complete/", {"status": "maybe"}).status_code == 400
    r = client.post(f"{base}/actions/{action_id}/complete/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["actions"][0]["status"] == "done"
    assert client.post(f"{base}/actions/{action_id}/complete/").status_code == 409
    assert client.post(f"{base}/actions/999999/complete/").status_code == 404
    bad = client.post(f"{base}/support/", {"needs": ["nonsense"]}, content_type="application/json")
    assert bad.status_code == 400 and {"needs", "description", "days_needed"} <= set(bad.json()["errors"])
    r = client.post(
        f"{base}/support/",
        {"needs": ["subject"], "description": "Phonics lead", "days_needed": 2},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["origin"] == "peer_review"


def test_peer_review_writes_out_of_scope_are_not_found(
    client, officer, officer_b, partnership, school_a, lead_school
):
    review = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today(),
        focus_areas=["Reading"],
        reviewers=[("NLE", lead_school)],
    )
    client.force_login(officer_b)
    assert (
        "Northshire Primary Partnership" not in client.get(reverse("improvement:review-new")).content.decode()
    )
    assert client.get(reverse("improvement:review-step", args=[review.pk, "findings"])).status_code == 404
    r = client.post(
        f"/api/v1/peer-reviews/{review.pk}/findings/", {"strengths": "x", "areas_for_development": "y"}
    )
    assert r.status_code == 404
    assert (
        client.post("/api/v1/peer-reviews/", plan_data(partnership)).status_code == 400
    )  # partnership not offered


def test_review_detail_queries_do_not_grow_with_actions(
    client, officer, partnership, school_a, lead_school, django_assert_max_num_queries
):
    first = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today() - timedelta(days=365),
        focus_areas=["Reading"],
        reviewers=[("NLE", lead_school)],
    )
    services.peer_review_complete(
        by=officer,
        review=first,
        strengths="s",
        areas_for_development="a",
        actions=[(f"Action {i}", "Head", today()) for i in range(15)],
    )
    second = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today(),
        focus_areas=["Reading"],
        reviewers=[("NLE", lead_school)],
    )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("improvement:review-detail", args=[second.pk]))
    assert r.content.decode().count("Carried forward, still open") == 15


def test_closing_a_twice_carried_action_closes_the_chain_with_audit(
    officer, partnership, school_a, lead_school
):
    from schoolsystem.core.models import AuditEvent

    def plan(days_ago):
        return services.peer_review_plan(
            by=officer,
            partnership=partnership,
            school=school_a,
            review_on=today() - timedelta(days=days_ago),
            focus_areas=["Reading"],
            reviewers=[("NLE", lead_school)],
        )

    first = plan(730)
    services.peer_review_action_add(by=officer, review=first, text="Phonics", owner="Deputy", due_on=today())
    plan(365)
    third = plan(0)
    services.peer_review_action_update(by=officer, action=third.actions.get(), status="dropped")
    assert set(PeerReviewAction.objects.values_list("status", flat=True)) == {"dropped"}
    assert AuditEvent.objects.filter(action="peer_review.action_updated").count() == 3
