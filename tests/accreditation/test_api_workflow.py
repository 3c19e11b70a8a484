"""API for every workflow step: scores, advisory review, feedback, complaints, assignment, suspension and
review. Bad input is 400 naming the field; scope is the same as the pages'."""

import pytest
from rest_framework.test import APIClient

from schoolsystem.accreditation import services
from schoolsystem.accreditation.constants import Heading, Status
from schoolsystem.core.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/accreditation"


def _api(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


def test_dm_assigns_an_assessor_and_a_declared_conflict_is_refused(drive, people):
    app, _ = drive(Status.SUBMITTED)
    services.conflict_declare(
        assessor=people["assessor2"],
        organisation=app.organisation,
        reason="Former head.",
        by=people["assessor2"],
    )
    dm = _api(people["dm"])
    r = dm.post(f"{BASE}/applications/{app.pk}/assign/", {"assessor": people["assessor2"].pk}, format="json")
    assert r.status_code == 400 and "conflict of interest" in r.json()["detail"]
    r = dm.post(f"{BASE}/applications/{app.pk}/assign/", {"assessor": people["advisory"].pk}, format="json")
    assert r.status_code == 400 and "assessor" in r.json()
    r = dm.post(f"{BASE}/applications/{app.pk}/assign/", {"assessor": people["assessor"].pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Status.IN_ASSESSMENT
    assert _api(people["assessor"]).post(
        f"{BASE}/applications/{app.pk}/assign/", {"assessor": people["assessor"].pk}, format="json"
    ).status_code in (403, 404)


def test_assigned_assessor_scores_each_heading_through_the_api(drive, people):
    app, applicant = drive(Status.IN_ASSESSMENT)
    api = _api(people["assessor"])
    r = api.post(f"{BASE}/applications/{app.pk}/scores/", {"heading": "vision", "score": 7}, format="json")
    assert r.status_code == 400 and "score" in r.json()
    r = api.post(f"{BASE}/applications/{app.pk}/scores/", {"heading": "nonsense", "score": 3}, format="json")
    assert r.status_code == 400 and "heading" in r.json()
    for heading in Heading.values:
        r = api.post(
            f"{BASE}/applications/{app.pk}/scores/",
            {"heading": heading, "score": 4, "notes": "Strong."},
            format="json",
        )
        assert r.status_code == 200
    assert {s["heading"]: s["score"] for s in r.json()} == dict.fromkeys(Heading.values, 4)
    assert AuditEvent.objects.filter(action="accreditation.scored").count() == 5
    # Another assessor cannot see it; the applicant cannot read or write scores.
    assert _api(people["assessor2"]).get(f"{BASE}/applications/{app.pk}/scores/").status_code == 404
    assert _api(applicant).get(f"{BASE}/applications/{app.pk}/scores/").status_code == 403
    r = _api(applicant).post(
        f"{BASE}/applications/{app.pk}/scores/", {"heading": "vision", "score": 4}, format="json"
    )
    assert r.status_code == 403
    r = api.post(
        f"{BASE}/applications/{app.pk}/recommend/",
        {"recommendation": "accredit", "note": "Yes."},
        format="json",
    )
    assert r.json()["status"] == Status.AWAITING_DECISION


def test_advisory_group_reviews_an_asg_through_the_api(drive, people):
    app, applicant = drive(Status.ADVISORY_REVIEW, "ASG")
    adv = _api(people["advisory"])
    assert adv.post(f"{BASE}/applications/{app.pk}/advisory-review/", {}, format="json").json().keys() >= {
        "note"
    }
    assert (
        _api(people["dm"])
        .post(f"{BASE}/applications/{app.pk}/advisory-review/", {"note": "x"}, format="json")
        .status_code
        == 403
    )
    r = adv.post(f"{BASE}/applications/{app.pk}/advisory-review/", {"note": "Strong group."}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Status.AWAITING_DECISION
    assert AuditEvent.objects.filter(action="accreditation.advisory_review", object_id=str(app.pk)).exists()
    # At decision the advisory group still sees the ASG but cannot review again (409).
    assert (
        adv.post(f"{BASE}/applications/{app.pk}/advisory-review/", {"note": "x"}, format="json").status_code
        == 409
    )


def test_feedback_is_written_returned_released_then_a_complaint_is_lodged_reviewed_answered(drive, people):
    app, applicant = drive(Status.NOT_ACCREDITED)
    assessor, adv, dm, me = (
        _api(people["assessor"]),
        _api(people["advisory"]),
        _api(people["dm"]),
        _api(applicant),
    )
    assert assessor.post(f"{BASE}/applications/{app.pk}/feedback/", {}, format="json").json().keys() >= {
        "text"
    }
    r = assessor.post(f"{BASE}/applications/{app.pk}/feedback/", {"text": "Thin record."}, format="json")
    assert r.json()["status"] == Status.FEEDBACK_REVIEW
    r = adv.post(f"{BASE}/applications/{app.pk}/review-feedback/", {"release": False}, format="json")
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = adv.post(
        f"{BASE}/applications/{app.pk}/review-feedback/",
        {"release": False, "note": "Be specific."},
        format="json",
    )
    assert r.json()["status"] == Status.NOT_ACCREDITED
    assessor.post(f"{BASE}/applications/{app.pk}/feedback/", {"text": "Outcomes at KS2 fell."}, format="json")
    # The applicant cannot complain before release.
    assert (
        me.post(f"{BASE}/applications/{app.pk}/complaints/", {"text": "Unfair."}, format="json").status_code
        == 409
    )
    r = adv.post(f"{BASE}/applications/{app.pk}/review-feedback/", {"release": True}, format="json")
    assert r.json()["status"] == Status.FEEDBACK_RELEASED
    assert me.post(f"{BASE}/applications/{app.pk}/complaints/", {}, format="json").json().keys() >= {"text"}
    r = me.post(
        f"{BASE}/applications/{app.pk}/complaints/", {"text": "The assessor ignored our data."}, format="json"
    )
    assert r.status_code == 201
    complaint_id = r.json()["id"]
    assert [c["id"] for c in me.get(f"{BASE}/complaints/").json()["results"]] == [complaint_id]
    assert (
        me.post(f"{BASE}/complaints/{complaint_id}/review/", {"note": "x"}, format="json").status_code == 403
    )
    assert (
        dm.post(f"{BASE}/complaints/{complaint_id}/answer/", {"answer": "x"}, format="json").status_code
        == 409
    )
    assert dm.post(f"{BASE}/complaints/{complaint_id}/review/", {}, format="json").json().keys() >= {"note"}
    dm.post(f"{BASE}/complaints/{complaint_id}/review/", {"note": "Re-read the data."}, format="json")
    r = dm.post(
        f"{BASE}/complaints/{complaint_id}/answer/", {"answer": "The decision stands."}, format="json"
    )
    assert r.json()["status"] == "answered" and r.json()["answer"] == "The decision stands."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "accreditation.complaint_lodged",
        "accreditation.complaint_review",
        "accreditation.complaint_answer",
    } <= actions


def test_complaints_are_scoped_to_proposals_the_caller_may_see(drive, make_org, people):
    app, applicant = drive(Status.FEEDBACK_RELEASED)
    complaint = services.complaint_lodge(application=app, text="Unfair.", by=applicant)
    _, other = make_org(name="Elm Primary")
    assert _api(other).get(f"{BASE}/complaints/").json()["count"] == 0
    assert _api(other).get(f"{BASE}/complaints/{complaint.pk}/").status_code == 404
    assert _api(people["assessor2"]).get(f"{BASE}/complaints/{complaint.pk}/").status_code == 404


def test_dm_suspends_reinstates_and_reviews_an_accreditation_through_the_api(drive, people, make_user, la):
    app, applicant = drive(Status.ACCREDITED)
    acc = app.accreditation
    dm = _api(people["dm"])
    for user in (applicant, people["assessor"], people["advisory"], make_user("la_officer", scope_la=la)):
        assert _api(user).get(f"{BASE}/accreditations/{acc.pk}/").status_code == 404
        assert (
            _api(user)
            .post(f"{BASE}/accreditations/{acc.pk}/suspend/", {"reason": "x"}, format="json")
            .status_code
            == 404
        )
    assert dm.post(f"{BASE}/accreditations/{acc.pk}/suspend/", {}, format="json").json().keys() >= {"reason"}
    r = dm.post(f"{BASE}/accreditations/{acc.pk}/suspend/", {"reason": "Ofsted concerns."}, format="json")
    assert r.json()["status"] == "suspended" and r.json()["suspension_reason"] == "Ofsted concerns."
    assert _api().get("/api/v1/accredited-providers/").json()["count"] == 0
    r = dm.post(f"{BASE}/accreditations/{acc.pk}/reinstate/", {"note": "Resolved."}, format="json")
    assert r.json()["status"] == "active"
    r = dm.post(
        f"{BASE}/accreditations/{acc.pk}/review/",
        {"renew": True, "note": "Good.", "next_review_on": "2001-01-01"},
        format="json",
    )
    assert r.status_code == 400
    r = dm.post(f"{BASE}/accreditations/{acc.pk}/review/", {"renew": "maybe", "note": "x"}, format="json")
    assert r.status_code == 400 and "renew" in r.json()
    r = dm.post(
        f"{BASE}/accreditations/{acc.pk}/review/",
        {"renew": False, "note": "No longer leading."},
        format="json",
    )
    assert r.json()["status"] == "withdrawn"
    assert {"accreditation.suspend", "accreditation.reinstate", "accreditation.withdraw"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_applicant_withdraws_through_the_api(drive):
    app, applicant = drive(Status.SUBMITTED)
    r = _api(applicant).post(f"{BASE}/applications/{app.pk}/withdraw/", {"reason": "Merging."}, format="json")
    assert r.json()["status"] == Status.WITHDRAWN


def test_complaint_page_refuses_over_long_text_with_the_limit_keeps_what_was_typed_and_the_complaint_open(
    client, drive, people
):
    app, applicant = drive(Status.FEEDBACK_RELEASED)
    complaint = services.complaint_lodge(application=app, text="Unfair.", by=applicant)
    client.force_login(people["dm"])
    page = client.get(f"/accreditation/applications/{app.pk}/")
    assert f'id="complaint-{complaint.pk}-text-info"' in page.content.decode()
    assert "You can enter up to 10,000 characters" in page.content.decode()
    url = f"/accreditation/complaints/{complaint.pk}/review/"
    typed = "Checked the scoring against the guidance. " + "x" * 10_000
    r = client.post(url, {"text": typed})
    html = r.content.decode()
    assert r.status_code == 400 and "<title>Error: " in html
    # The error is in the summary, linked to this complaint's box, and the box still holds what was typed.
    assert f'href="#complaint-{complaint.pk}-text">Review note must be 10,000 characters or less' in html
    assert typed in html
    complaint.refresh_from_db()
    assert complaint.status == "lodged"
    r = client.post(url, {"text": "  "})  # refused by the service: its message goes beside the same box
    assert r.status_code == 400
    assert (
        f'href="#complaint-{complaint.pk}-text">Enter a review note for the complaint' in r.content.decode()
    )
    r = client.post(url, {"text": "Re-read the data."}, follow=True)
    assert f"Complaint review started: {app.reference}" in r.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "under_review"
    r = client.post(f"/accreditation/complaints/{complaint.pk}/answer/", {"text": ""})
    assert f'href="#complaint-{complaint.pk}-text">Enter the answer to the applicant' in r.content.decode()


def test_api_text_inputs_have_the_pages_limit(drive, people):
    app, applicant = drive(Status.FEEDBACK_RELEASED)
    me = _api(applicant)
    r = me.post(f"{BASE}/applications/{app.pk}/complaints/", {"text": "x" * 10_001}, format="json")
    assert r.status_code == 400 and "text" in r.json()
    assert not app.complaints.exists()
    r = me.post(f"{BASE}/applications/{app.pk}/complaints/", {"text": "x" * 10_000}, format="json")
    assert r.status_code in (200, 201) and app.complaints.count() == 1


def test_the_complainant_reads_the_answer_but_not_the_decision_makers_review_note(drive, people):
    """The review note is the decision maker's working note: the API sent it to the applicant, whose pages never
    show it (found in an access review)."""
    app, applicant = drive(Status.FEEDBACK_RELEASED)
    complaint = services.complaint_lodge(application=app, text="Unfair.", by=applicant)
    services.complaint_review(complaint=complaint, note="Internal: assessor notes thin", by=people["dm"])
    url = f"/api/v1/accreditation/complaints/{complaint.pk}/"
    mine = APIClient()
    mine.force_authenticate(applicant)
    body = mine.get(url).json()
    assert body["text"] == "Unfair." and "review_note" not in body
    theirs = APIClient()
    theirs.force_authenticate(people["dm"])
    assert theirs.get(url).json()["review_note"] == "Internal: assessor notes thin"
    answered = theirs.post(f"{url}answer/", {"answer": "Upheld in part."}, format="json").json()
    assert answered["review_note"] == "Internal: assessor notes thin"
