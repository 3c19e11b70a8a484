"""School-to-school support (request -> match -> agree -> deploy -> review -> close -> rate), credits, capacity,
and peer reviews (never your own school, actions carried forward)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from schoolsystem.core.audit import history_for
from schoolsystem.core.errors import InvalidTransition, NotEligible, ValidationFailed
from schoolsystem.improvement import selectors, services
from schoolsystem.improvement.constants import SupportState
from schoolsystem.improvement.models import CreditEntry, PeerReview, PeerReviewAction, SupportRequest
from tests.improvement.factories import make_school, today


def deliver(officer, school, offer, days=4):
    req = services.support_request_create(
        by=officer,
        school=school,
        needs=["leadership"],
        description="New head needs coaching",
        days_needed=days,
    )
    req = services.support_request_match(by=officer, request=req, offers=[offer])
    req = services.support_request_agree(
        by=officer, request=req, offer=offer, days_agreed=days, objectives=["Lead a school improvement plan"]
    )
    req = services.support_request_deploy(
        by=officer, request=req, milestones=[("Plan written", today() + timedelta(days=30))]
    )
    return req


def test_full_support_journey_updates_capacity_credits_and_rating(
    officer, leader_a, school_a, offer, lead_school
):
    services.credit_grant(by=officer, school=school_a, amount=20, reason="Opening allocation")
    req = deliver(officer, school_a, offer)
    assert req.state == SupportState.DEPLOYED and req.next_review_due is not None
    assert req.shortlist[0]["offer_id"] == offer.pk and req.shortlist[0]["reasons"]
    ranked = selectors.rank_offers_for(school_a, ["leadership"], 7)
    assert ranked == []  # 4 of 10 days committed: 6 spare, 7 needed
    services.support_request_review(
        by=leader_a, request=req, reviewed_on=today(), rag="green", progress="Plan drafted."
    )
    req = services.support_request_close(
        by=officer, request=req, days_delivered=4, impact_summary="Plan in place; attendance up."
    )
    assert req.state == SupportState.CLOSED and req.impact["source"] == "officer"
    assert services.credit_balance(school_a) == 20 - 8 and services.credit_balance(lead_school) == 8
    assert selectors.rank_offers_for(school_a, ["leadership"], 7)[0].offer_id == offer.pk  # capacity freed
    rating = services.support_rate(by=leader_a, request=req, score=5, comment="Transformational.")
    assert rating.offer == offer
    with pytest.raises(InvalidTransition):
        services.support_rate(by=leader_a, request=req, score=4)
    assert selectors.rank_offers_for(school_a, ["leadership"], 1)[0].reasons[-1] == "Rated 5.0/5 by 1 school."


def test_impact_is_the_change_in_results_since_support_was_deployed(client, officer, school_a, offer):
    from datetime import date

    from schoolsystem.core.models import ImportRecord
    from schoolsystem.performance.models import KeyStageResult

    rec = ImportRecord.objects.create(kind="ks2", file_name="x.csv", sha256="0" * 64)
    for row, (year, rwm, reading) in enumerate(
        [("2016-2017", 48.0, -2.5), ("2017-2018", 52.0, -1.0), ("2018-2019", 61.0, None)], start=2
    ):
        KeyStageResult.objects.create(
            import_record=rec, source_row=row, key_stage="ks2", year=year, level="school", urn=school_a.urn,
            rwm_expected=rwm, reading_progress=reading, missing={} if reading is not None else {"reading_progress": "SUPP"},
        )  # fmt: skip
    services.credit_grant(by=officer, school=school_a, amount=20, reason="x")
    req = deliver(officer, school_a, offer)
    SupportRequest.objects.filter(pk=req.pk).update(deployed_on=date(2018, 1, 15))  # support began in 2017-18
    req.refresh_from_db()
    req = services.support_request_close(by=officer, request=req, days_delivered=4, impact_summary="Better.")
    impact = req.impact
    assert impact["source"] == "performance" and impact["key_stage"] == "ks2"
    # Baseline: the last results published before support began (2016-17); latest: 2018-19.
    assert (impact["baseline_year"], impact["latest_year"], impact["new_results"]) == (
        "2016-2017",
        "2018-2019",
        True,
    )
    rwm, reading = impact["measures"][0], impact["measures"][1]
    assert (rwm["baseline"], rwm["latest"], rwm["change"]) == (48.0, 61.0, 13.0)
    assert reading["latest"] is None and reading["change"] is None  # suppressed: no change claimed
    client.force_login(officer)
    page = client.get(reverse("improvement:support-detail", args=[req.pk])).content.decode()
    assert "Results since the support began" in page and "+13.0" in page and "2016-2017" in page
    # Support that began after the latest results: the page says the change is not known yet.
    SupportRequest.objects.filter(pk=req.pk).update(deployed_on=date(2020, 1, 6))
    page = client.get(reverse("improvement:support-detail", args=[req.pk])).content.decode()
    assert "No results have been published since the support began" in page and "+13.0" not in page


def test_agree_refused_without_enough_credits_or_capacity(officer, school_a, offer):
    req = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=4
    )
    req = services.support_request_match(by=officer, request=req, offers=[offer])
    with pytest.raises(ValidationFailed, match="credits"):
        services.support_request_agree(by=officer, request=req, offer=offer, days_agreed=4, objectives=["a"])
    services.credit_grant(by=officer, school=school_a, amount=100, reason="x")
    with pytest.raises(ValidationFailed, match="spare days"):
        services.support_request_agree(by=officer, request=req, offer=offer, days_agreed=11, objectives=["a"])
    assert SupportRequest.objects.get(pk=req.pk).state == SupportState.MATCHED


@pytest.mark.parametrize("step", ["agree", "deploy", "review", "close"])
def test_support_steps_refused_from_requested(officer, school_a, offer, step):
    req = services.support_request_create(by=officer, school=school_a, needs=["leadership"], description="x")
    calls = {
        "agree": lambda: services.support_request_agree(
            by=officer, request=req, offer=offer, days_agreed=1, objectives=["a"]
        ),
        "deploy": lambda: services.support_request_deploy(
            by=officer, request=req, milestones=[("m", today())]
        ),
        "review": lambda: services.support_request_review(
            by=officer, request=req, reviewed_on=today(), rag="red", progress="p"
        ),
        "close": lambda: services.support_request_close(
            by=officer, request=req, days_delivered=1, impact_summary="i"
        ),
    }
    with pytest.raises(InvalidTransition):
        calls[step]()


def test_support_close_is_atomic(officer, school_a, offer):
    services.credit_grant(by=officer, school=school_a, amount=20, reason="x")
    req = deliver(officer, school_a, offer)
    with (
        mock.patch("schoolsystem.improvement.services.support.audit", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.support_request_close(by=officer, request=req, days_delivered=4, impact_summary="x")
    assert SupportRequest.objects.get(pk=req.pk).state == SupportState.DEPLOYED
    assert CreditEntry.objects.count() == 1  # only the grant


def test_school_leader_requests_support_only_for_own_school(client, leader_a, las, school_a):
    """Found in review: the URN was an editable field and a wrong one said 'No school with this URN in your area'.
    The school leader's own school is fixed and named; no URN is asked or taken."""
    other = make_school(las[0], 100077)
    client.force_login(leader_a)
    page = client.get(reverse("improvement:support-new"))
    assert "urn" not in page.context["form"].fields
    assert f"{school_a.name} (URN {school_a.urn})" in page.content.decode()
    made = client.post(
        reverse("improvement:support-new"),
        {"urn": other.urn, "needs": ["leadership"], "description": "x", "days_needed": 2},
    )
    assert made.status_code == 302
    assert SupportRequest.objects.get().school == school_a  # a URN sent anyway is ignored
    empty = client.post(reverse("improvement:support-new"), {})
    assert empty.status_code == 400 and "govuk-error-summary" in empty.content.decode()
    api = client.post(
        "/api/v1/support-requests/", {"urn": 100001, "needs": ["nonsense"]}, content_type="application/json"
    )
    assert api.status_code == 400 and {"needs", "description", "days_needed"} <= set(api.json()["errors"])
    ok = client.post(
        reverse("improvement:support-new"),
        {"urn": 100001, "needs": ["leadership"], "description": "Coaching", "days_needed": 2},
    )
    assert ok.status_code == 302
    assert SupportRequest.objects.latest("pk").origin == "school"


def test_support_request_scope(client, officer_b, officer, school_a, offer):
    req = services.support_request_create(by=officer, school=school_a, needs=["leadership"], description="x")
    client.force_login(officer_b)
    assert client.get(reverse("improvement:support-detail", args=[req.pk])).status_code == 404
    assert client.get(f"/api/v1/support-requests/{req.pk}/").status_code == 404
    assert client.get("/api/v1/support-requests/").json()["count"] == 0


def test_directory_search_page_ranks_and_explains(client, officer, school_a, offer):
    client.force_login(officer)
    body = client.get(
        reverse("improvement:offer-search"), {"urn": 100001, "needs": ["leadership"], "days_needed": 2}
    ).content.decode()
    assert "Leadership coaching" in body and "Addresses 1 of 1 needs" in body
    no_days = client.get(reverse("improvement:offer-search"), {"urn": 100001, "needs": ["leadership"]})
    assert no_days.status_code == 200 and "Leadership coaching" in no_days.content.decode()  # blank: one day
    missing = client.get(reverse("improvement:offer-search"), {"days_needed": 2}).content.decode()
    assert "Enter the URN of the school<" in missing and "Select at least one need<" in missing
    api = client.get(
        "/api/v1/support-offers/search/", {"urn": 100001, "needs": ["leadership"], "days_needed": 2}
    ).json()
    assert api[0]["offer_id"] == offer.pk and api[0]["reasons"]
    bad = client.get("/api/v1/support-offers/search/", {"urn": "x"})
    assert bad.status_code == 400 and {"urn", "needs"} <= set(bad.json()["errors"])


def test_support_pages_walk_through(client, officer, school_a, offer):
    services.credit_grant(by=officer, school=school_a, amount=50, reason="x")
    client.force_login(officer)
    req = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=2
    )
    step = lambda s, data: client.post(reverse("improvement:support-step", args=[req.pk, s]), data)  # noqa: E731
    page = client.get(reverse("improvement:support-detail", args=[req.pk])).content.decode()
    assert "Leadership support (2 days)" in page  # the need by its label, not its code
    listed = client.get(reverse("improvement:support-list")).content.decode()
    assert "Leadership support" in listed and ">leadership<" not in listed
    assert step("match", {"offers": [offer.pk]}).status_code == 302
    assert step("agree", {"offer": offer.pk, "days_agreed": 2, "objectives": ""}).status_code == 400
    assert (
        step("agree", {"offer": offer.pk, "days_agreed": 2, "objectives": "Coach the head"}).status_code
        == 302
    )
    assert step("deploy", {"milestones": "soon Plan"}).status_code == 400
    assert step("deploy", {"milestones": f"{today().isoformat()} Plan written"}).status_code == 302
    assert (
        step("review", {"reviewed_on": today().isoformat(), "rag": "amber", "progress": "Slow"}).status_code
        == 302
    )
    assert step("close", {"days_delivered": 2, "impact_summary": "Plan in place"}).status_code == 302
    assert step("rate", {"score": 9}).status_code == 400
    assert step("rate", {"score": 4, "comment": "Good"}).status_code == 302
    assert "4/5" in client.get(reverse("improvement:offer-detail", args=[offer.pk])).content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Peer review


def test_reviewer_from_own_school_refused(officer, partnership, school_a):
    with pytest.raises(NotEligible, match="own school"):
        services.peer_review_plan(
            by=officer,
            partnership=partnership,
            school=school_a,
            review_on=today(),
            focus_areas=["Reading"],
            reviewers=[("Head", school_a)],
        )
    assert not PeerReview.objects.exists()


def test_database_refuses_reviewer_from_reviewed_school(officer, partnership, school_a, lead_school):
    from django.db import IntegrityError, transaction

    from schoolsystem.improvement.models import PeerReviewer

    review = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today(),
        focus_areas=["Reading"],
        reviewers=[("NLE", lead_school)],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PeerReviewer.objects.create(review=review, name="x", establishment=school_a, reviewed_school=school_a)


def test_reviewer_must_be_in_the_partnership(officer, partnership, school_a, las):
    outsider = make_school(las[0], 100099)
    with pytest.raises(NotEligible, match="not in"):
        services.peer_review_plan(
            by=officer,
            partnership=partnership,
            school=school_a,
            review_on=today(),
            focus_areas=["Reading"],
            reviewers=[("X", outsider)],
        )


def test_actions_carried_forward_and_support_raised(client, officer, partnership, school_a, lead_school):
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
        strengths="Culture",
        areas_for_development="Phonics",
        actions=[
            ("Phonics training", "Deputy head", today() - timedelta(days=30)),
            ("New library", "Head", today()),
        ],
    )
    done = first.actions.get(text="New library")
    services.peer_review_action_update(by=officer, action=done, status="done")
    second = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today(),
        focus_areas=["Phonics"],
        reviewers=[("NLE", lead_school)],
    )
    carried = second.actions.get()
    assert (
        second.previous == first
        and carried.text == "Phonics training"
        and carried.carried_from.review == first
    )
    # Each row is on the record: the actions agreed at completion, the one carried forward, the reviewers (found in
    # an audit-coverage review).
    assert history_for(done).filter(action="peer_review.action_added").exists()
    carried_event = history_for(carried).get(action="peer_review.action_carried")
    assert carried_event.actor == officer and carried_event.changes["text"] == [None, "Phonics training"]
    reviewer = second.reviewers.get()
    assert history_for(reviewer).get(action="peer_review.reviewer_added").changes["name"] == [None, "NLE"]
    services.peer_review_action_update(by=officer, action=carried, status="done")
    assert PeerReviewAction.objects.get(pk=carried.carried_from_id).status == "done"
    req = services.peer_review_raise_support(
        by=officer, review=second, needs=["subject"], description="Phonics specialist"
    )
    assert req.origin == "peer_review" and req.peer_review == second
    with pytest.raises(InvalidTransition):
        services.peer_review_complete(
            by=officer, review=first, strengths="s", areas_for_development="a", actions=[]
        )
    client.force_login(officer)
    body = client.get(reverse("improvement:review-detail", args=[second.pk])).content.decode()
    assert "carried forward" in body and "Subject support" in body
    assert (
        client.get(f"/api/v1/peer-reviews/{second.pk}/").json()["actions"][0]["carried_from"]
        == carried.carried_from_id
    )


def test_peer_review_complete_needs_findings(officer, partnership, school_a, lead_school):
    review = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today(),
        focus_areas=["Reading"],
        reviewers=[("NLE", lead_school)],
    )
    with pytest.raises(ValidationFailed) as err:
        services.peer_review_complete(
            by=officer, review=review, strengths="", areas_for_development="", actions=[("a", "", today())]
        )
    assert set(err.value.extra["errors"]) == {"strengths", "areas_for_development", "actions"}


def test_peer_review_scope(client, officer_b, officer, partnership, school_a, lead_school):
    review = services.peer_review_plan(
        by=officer,
        partnership=partnership,
        school=school_a,
        review_on=today(),
        focus_areas=["Reading"],
        reviewers=[("NLE", lead_school)],
    )
    client.force_login(officer_b)
    assert client.get(reverse("improvement:review-detail", args=[review.pk])).status_code == 404
    assert client.get("/api/v1/peer-reviews/").json()["count"] == 0


def test_an_officer_entering_a_urn_outside_their_scope_is_told_which_scope(client, officer, school_b):
    client.force_login(officer)
    bad = client.post(
        reverse("improvement:support-new"),
        {"urn": school_b.urn, "needs": ["leadership"], "description": "x", "days_needed": 2},
    )
    assert bad.status_code == 400
    assert (
        f"There is no school with URN {school_b.urn} among the schools you work with (every school in "
        "Northshire). Enter the URN of one of them"
    ) in bad.content.decode()
