"""Pages and API: who sees what, the public register, forms with bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from schoolsystem.accreditation import services
from schoolsystem.accreditation.constants import Status
from schoolsystem.registry.models import LocalAuthority

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _api(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


# --- scoping -------------------------------------------------------------------------------------------------


def test_applicant_sees_only_their_own_proposals_on_pages_and_api(client, drive, make_org):
    mine, me = drive(Status.SUBMITTED)
    theirs, _ = drive(Status.SUBMITTED, org=make_org(name="Elm Primary"))
    c = _client(client, me)
    assert c.get(reverse("accreditation:application", args=[mine.pk])).status_code == 200
    assert c.get(reverse("accreditation:application", args=[theirs.pk])).status_code == 404
    home = c.get(reverse("accreditation:home")).content.decode()
    assert mine.reference in home and theirs.reference not in home
    api = _api(me)
    assert [r["id"] for r in api.get("/api/v1/accreditation/applications/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/accreditation/applications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/accreditation/applications/{theirs.pk}/submit/").status_code == 404


def test_assessor_sees_only_proposals_assigned_to_them(client, drive, people):
    assigned, _ = drive(Status.IN_ASSESSMENT)
    other, _ = drive(Status.SUBMITTED)
    c = _client(client, people["assessor"])
    assert c.get(reverse("accreditation:application", args=[assigned.pk])).status_code == 200
    assert c.get(reverse("accreditation:application", args=[other.pk])).status_code == 404
    c2 = _client(client, people["assessor2"])
    assert c2.get(reverse("accreditation:application", args=[assigned.pk])).status_code == 404
    api = _api(people["assessor2"])
    assert api.get("/api/v1/accreditation/applications/").json()["results"] == []
    assert _api(people["assessor"]).get("/api/v1/accreditation/applications/").json()["count"] == 1


def test_advisory_group_sees_asg_at_review_and_feedback_but_not_asp_in_assessment(client, drive, people):
    asg, _ = drive(Status.ADVISORY_REVIEW, "ASG")
    asp, _ = drive(Status.AWAITING_DECISION, "ASP")
    feedback, _ = drive(Status.FEEDBACK_REVIEW, "ASP")
    c = _client(client, people["advisory"])
    assert c.get(reverse("accreditation:application", args=[asg.pk])).status_code == 200
    assert c.get(reverse("accreditation:application", args=[feedback.pk])).status_code == 200
    assert c.get(reverse("accreditation:application", args=[asp.pk])).status_code == 404
    ids = {
        r["id"] for r in _api(people["advisory"]).get("/api/v1/accreditation/applications/").json()["results"]
    }
    assert ids == {asg.pk, feedback.pk}


@pytest.mark.parametrize("role", ["la_officer", "public", "school_leader"])
def test_other_roles_see_no_proposals(make_user, drive, role, la, school, client):
    app, _ = drive(Status.SUBMITTED)
    scope = {"la_officer": {"scope_la": la}, "school_leader": {"scope_establishment": school}}.get(role, {})
    user = make_user(role, **scope)
    assert _client(client, user).get(reverse("accreditation:application", args=[app.pk])).status_code == 404
    assert _api(user).get("/api/v1/accreditation/applications/").json()["count"] == 0


def test_attachment_downloads_are_scoped(client, drive, make_org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app, me = drive(Status.DRAFT)
    att = services.attachment_add(application=app, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7"), by=me)
    url = reverse("accreditation:attachment", args=[app.pk, att.pk])
    assert _client(client, me).get(url).status_code == 200
    _, stranger = make_org(name="Elm Primary")
    assert _client(client, stranger).get(url).status_code == 404


def test_home_shows_each_role_its_queue(client, drive, people):
    at_decision, _ = drive(Status.AWAITING_DECISION)
    submitted, _ = drive(Status.SUBMITTED)
    page = _client(client, people["dm"]).get(reverse("accreditation:home")).content.decode()
    assert at_decision.reference in page and submitted.reference in page
    assert "Recommendations awaiting your decision" in page


def test_assessors_home_puts_their_work_first_and_what_moved_on_below(client, drive, people, make_org):
    """Found in review: one list mixed proposals being assessed with ones already accredited."""
    mine, _ = drive(Status.IN_ASSESSMENT, org=make_org(name="Being Assessed Primary"))
    done, _ = drive(Status.ACCREDITED, org=make_org(name="Done Primary"))
    page = _client(client, people["assessor"]).get(reverse("accreditation:home")).content.decode()
    waiting, earlier = page.split("Proposals waiting for you</h2>")[1].split("Your other proposals</h2>")
    assert mine.reference in waiting and done.reference not in waiting
    assert done.reference in earlier


def test_advisory_groups_home_lists_what_it_reviewed_below_what_waits(client, drive, people, make_org):
    """Found in review: "None." and no way to the proposals the group had reviewed."""
    waiting, _ = drive(
        Status.ADVISORY_REVIEW,
        org=make_org(name="Waiting Group", org_type="federation"),
        accreditation_type="ASG",
    )
    reviewed, _ = drive(
        Status.AWAITING_DECISION,
        org=make_org(name="Reviewed Group", org_type="federation"),
        accreditation_type="ASG",
    )
    page = _client(client, people["advisory"]).get(reverse("accreditation:home")).content.decode()
    first, below = page.split("Reviewed by the advisory group</h2>")
    assert waiting.reference in first and reviewed.reference not in first
    assert reviewed.reference in below


def test_decision_makers_home_lists_every_other_proposal_past_its_draft(client, drive, people, make_org):
    """Found in review: a proposal being assessed, or found not eligible, was linked from nowhere."""
    assessing, _ = drive(Status.IN_ASSESSMENT, org=make_org(name="Assessed Primary"))
    ineligible, _ = drive(Status.INELIGIBLE, org=make_org(name="Ineligible Primary"))
    draft, _ = drive(Status.DRAFT, org=make_org(name="Draft Primary"))
    page = _client(client, people["dm"]).get(reverse("accreditation:home")).content.decode()
    others = page.split('<h2 class="govuk-heading-m">Other proposals</h2>')[1].split("<h2")[0]
    assert assessing.reference in others and ineligible.reference in others
    assert reverse("accreditation:application", args=[assessing.pk]) in others
    assert draft.reference not in others


# --- the public register ---------------------------------------------------------------------------------


def test_register_lists_accredited_providers_only_without_sign_in(client, drive, make_org, people):
    accredited, _ = drive(Status.ACCREDITED, org=make_org(name="Oak Primary"))
    drive(Status.AWAITING_DECISION, org=make_org(name="Pending Primary"))
    drive(Status.FEEDBACK_RELEASED, org=make_org(name="Refused Primary"))
    suspended, _ = drive(Status.ACCREDITED, org=make_org(name="Suspended Primary"))
    services.accreditation_suspend(accreditation=suspended.accreditation, reason="Concern.", by=people["dm"])
    page = client.get("/accredited-providers/")
    assert page.status_code == 200
    html = page.content.decode()
    register_table = html.split('id="register"')[1].split("</table>")[0]
    assert "Oak Primary" in register_table
    assert "Pending Primary" not in html and "Refused Primary" not in html
    assert "Suspended Primary" not in register_table
    assert "Suspended Primary" in html.split('id="suspended"')[1]
    rows = _api().get("/api/v1/accredited-providers/").json()["results"]
    assert [(r["name"], r["accreditation_type"], r["max_schools"]) for r in rows] == [
        ("Oak Primary", "ASP", 2)
    ]
    assert rows[0]["accredited_since"] and rows[0]["phases"] == ["primary"] and rows[0]["la_codes"] == ["936"]


def test_register_is_read_only(drive):
    drive(Status.ACCREDITED)
    assert _api().post("/api/v1/accredited-providers/", {"name": "x"}).status_code in (401, 403, 405)


def test_register_filters(client, drive, make_org):
    drive(Status.ACCREDITED, "ASP", org=make_org(name="Oak Primary"))
    drive(Status.ACCREDITED, "ASG", org=make_org(name="Elm Federation", org_type="federation"))
    api = _api()
    assert [r["name"] for r in api.get("/api/v1/accredited-providers/?type=ASG").json()["results"]] == [
        "Elm Federation"
    ]
    assert api.get("/api/v1/accredited-providers/?la=999").json()["count"] == 0
    assert api.get("/api/v1/accredited-providers/?phase=primary").json()["count"] == 2
    html = client.get("/accredited-providers/?name=elm").content.decode()
    assert "Elm Federation" in html and "Oak Primary" not in html


def test_register_query_count_does_not_grow_with_rows(client, drive, make_org, django_assert_max_num_queries):
    for i in range(4):
        drive(Status.ACCREDITED, org=make_org(name=f"School {i}"))
    with django_assert_max_num_queries(4):
        assert client.get("/accredited-providers/").status_code == 200


def test_application_page_query_count_is_bounded(client, drive, people, django_assert_max_num_queries):
    app, _ = drive(Status.FEEDBACK_RELEASED, "ASG")
    c = _client(client, people["dm"])
    with django_assert_max_num_queries(25):
        page = c.get(reverse("accreditation:application", args=[app.pk]))
    assert page.status_code == 200
    # The areas covered are named, not just coded; a code the register no longer holds stands for itself.
    assert "Primary · Surrey (936)<" in page.content.decode()
    LocalAuthority.objects.filter(code="936").update(code="939")
    assert "Primary · 936<" in c.get(reverse("accreditation:application", args=[app.pk])).content.decode()


# --- the applicant's journey through pages -------------------------------------------------------------------


def test_applicant_registers_applies_fills_and_submits_through_pages(
    client, make_user, open_round, settings, tmp_path, la
):
    settings.MEDIA_ROOT = tmp_path
    me = make_user("applicant")
    c = _client(client, me)
    assert c.get(reverse("accreditation:application-new")).status_code == 302
    r = c.post(
        reverse("accreditation:organisation-new"), {"name": "Birch Primary", "org_type": "maintained_primary"}
    )
    assert r.status_code == 302
    r = c.post(
        reverse("accreditation:application-new"), {"accreditation_type": "ASP", "round": open_round.pk}
    )
    app_url = r["Location"]
    pk = int(app_url.rstrip("/").split("/")[-1])
    page = c.get(app_url).content.decode()
    assert "govuk-task-list" in page and "Part One: vision" in page
    r = c.post(
        reverse("accreditation:details", args=[pk]),
        {
            "round": open_round.pk,
            "route": "own_right",
            "phases": ["primary"],
            "la_codes": "936",
            "proposed_capacity": 2,
            "schools_led_in_formal_partnership": 1,
            "primary_schools_governed": 0,
        },
    )
    assert r.status_code == 302
    guidance = c.get(reverse("accreditation:evidence", args=[pk, "pupil_achievement"])).content.decode()
    assert "attainment and progress over three years" in guidance  # the school-sector guidance
    for criterion in [
        "vision",
        "capacity",
        "leadership_management",
        "pupil_achievement",
        "partnership_working",
    ]:
        assert (
            c.post(reverse("accreditation:evidence", args=[pk, criterion]), {"text": "Evidence."}).status_code
            == 302
        )
    r = c.post(
        reverse("accreditation:attachments", args=[pk]),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "criterion": "vision"},
    )
    assert r.status_code == 302
    assert c.post(reverse("accreditation:submit", args=[pk])).status_code == 302
    page = c.get(app_url).content.decode()
    assert "Submitted" in page and "govuk-task-list" not in page
    assert c.post(reverse("accreditation:evidence", args=[pk, "vision"]), {"text": "late"}).status_code == 400


def test_bad_details_show_an_error_summary(client, drive):
    app, me = drive(Status.DRAFT)
    r = _client(client, me).post(
        reverse("accreditation:details", args=[app.pk]),
        {
            "route": "own_right",
            "la_codes": "93",
            "proposed_capacity": "lots",
            "schools_led_in_formal_partnership": 0,
            "primary_schools_governed": 0,
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_proposed_capacity"' in html


def test_bad_attachment_shows_an_error_summary(client, drive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app, me = drive(Status.DRAFT)
    r = _client(client, me).post(
        reverse("accreditation:attachments", args=[app.pk]), {"file": SimpleUploadedFile("evil.exe", b"MZ")}
    )
    assert r.status_code == 400 and "The file must be one of" in r.content.decode()
    assert not app.attachments.exists()


def test_incomplete_submission_lists_the_gaps(client, make_org):
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    r = _client(client, me).post(reverse("accreditation:submit", args=[app.pk]))
    assert r.status_code == 400 and "Give evidence for part one: vision." in r.content.decode()


def test_ineligible_organisation_sees_the_reason(client, drive):
    app, me = drive(Status.INELIGIBLE)
    html = _client(client, me).get(reverse("accreditation:application", args=[app.pk])).content.decode()
    assert "Not eligible" in html and "An ASP leads improvement in one or two schools" in html
    assert "§" not in html


# --- the assessor and decision maker through pages -------------------------------------------------------


def test_conflicted_assessor_cannot_be_assigned_through_the_page(client, drive, people):
    app, _ = drive(Status.SUBMITTED)
    services.conflict_declare(
        assessor=people["assessor"], organisation=app.organisation, reason="Governor.", by=people["assessor"]
    )
    r = _client(client, people["dm"]).post(
        reverse("accreditation:action", args=[app.pk, "assign"]), {"assessor": people["assessor"].pk}
    )
    assert r.status_code == 400 and "declared a conflict of interest" in r.content.decode()
    # The page does not offer them (found in review: the list showed them and only the save refused).
    offered = _client(client, people["dm"]).get(reverse("accreditation:application", args=[app.pk]))
    choices = [u.pk for u in offered.context["forms"]["assign"].fields["assessor"].queryset]
    assert people["assessor"].pk not in choices
    assert "<title>Error: " in r.content.decode()
    # Nor does the page that answers the refused choice (found in review: it offered them again).
    assert f'<option value="{people["assessor"].pk}"' not in r.content.decode()
    assert people["assessor"].pk not in [
        u.pk for u in r.context["forms"]["assign"].fields["assessor"].queryset
    ]


def test_assign_refuses_a_user_who_is_not_an_active_assessor(client, drive, people):
    app, _ = drive(Status.SUBMITTED)
    r = _client(client, people["dm"]).post(
        reverse("accreditation:action", args=[app.pk, "assign"]), {"assessor": people["dm"].pk}
    )
    assert r.status_code == 400 and "Choose an assessor" in r.content.decode()
    app.refresh_from_db()
    assert app.assessor_id is None


def test_assessor_scores_requests_information_and_recommends_through_pages(client, drive, people):
    app, me = drive(Status.IN_ASSESSMENT)
    c = _client(client, people["assessor"])
    scores = {f"score-{h}": 3 for h in ["vision", "governance", "track_record", "expertise", "capacity"]}
    assert c.post(reverse("accreditation:action", args=[app.pk, "score"]), scores).status_code == 302
    assert (
        c.post(reverse("accreditation:action", args=[app.pk, "score"]), {"score-vision": 9}).status_code
        == 400
    )
    # Nothing to save is not "Scores saved", and notes need their score (found in review).
    empty = c.post(reverse("accreditation:action", args=[app.pk, "score"]), {})
    assert empty.status_code == 400 and "Choose a score for at least one heading" in empty.content.decode()
    orphan_notes = c.post(
        reverse("accreditation:action", args=[app.pk, "score"]),
        {**scores, "score-vision": "", "notes-vision": "Strong"},
    )
    assert orphan_notes.status_code == 400 and "to save its notes" in orphan_notes.content.decode()
    assert (
        c.post(
            reverse("accreditation:action", args=[app.pk, "request_information"]), {"text": ""}
        ).status_code
        == 400
    )
    assert (
        c.post(
            reverse("accreditation:action", args=[app.pk, "request_information"]), {"text": "KS2 data"}
        ).status_code
        == 302
    )
    app.refresh_from_db()
    assert app.status == Status.AWAITING_INFORMATION
    applicant = _client(client, me)
    assert (
        applicant.post(
            reverse("accreditation:action", args=[app.pk, "provide_information"]), {"text": "Here."}
        ).status_code
        == 302
    )
    c = _client(client, people["assessor"])
    r = c.post(
        reverse("accreditation:action", args=[app.pk, "recommend"]),
        {"recommendation": "accredit", "note": "Strong."},
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.AWAITING_DECISION


def test_applicant_cannot_take_the_assessors_actions(client, drive):
    app, me = drive(Status.IN_ASSESSMENT)
    r = _client(client, me).post(
        reverse("accreditation:action", args=[app.pk, "recommend"]),
        {"recommendation": "accredit", "note": "x"},
    )
    assert r.status_code == 400 and "Your role does not allow this action." in r.content.decode()


# --- API writes ----------------------------------------------------------------------------------------------


def test_api_rejects_bad_input_and_maps_domain_errors(drive, people):
    app, me = drive(Status.AWAITING_DECISION)
    dm = _api(people["dm"])
    assert (
        dm.post(
            f"/api/v1/accreditation/applications/{app.pk}/decide/", {"accredit": "maybe"}, format="json"
        ).status_code
        == 400
    )
    r = dm.post(
        f"/api/v1/accreditation/applications/{app.pk}/decide/",
        {"accredit": True, "note": "ok", "capacity": 7},
        format="json",
    )
    assert r.status_code == 400 and r.json()["code"] == "ValidationFailed"
    r = dm.post(
        f"/api/v1/accreditation/applications/{app.pk}/decide/",
        {"accredit": True, "note": "ok"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "accredited"
    r = dm.post(
        f"/api/v1/accreditation/applications/{app.pk}/decide/",
        {"accredit": True, "note": "again"},
        format="json",
    )
    assert r.status_code == 409
    r = _api(me).post(
        f"/api/v1/accreditation/applications/{app.pk}/recommend/",
        {"recommendation": "accredit", "note": "x"},
        format="json",
    )
    assert r.status_code == 403


def test_api_applicant_starts_and_submits(make_org, open_round):
    org, me = make_org()
    api = _api(me)
    assert (
        api.post(
            "/api/v1/accreditation/applications/", {"accreditation_type": "XYZ"}, format="json"
        ).status_code
        == 400
    )
    r = api.post(
        "/api/v1/accreditation/applications/",
        {"accreditation_type": "ASP", "round": open_round.pk},
        format="json",
    )
    assert r.status_code == 201
    r = api.post(f"/api/v1/accreditation/applications/{r.json()['id']}/submit/")
    assert r.status_code == 400 and "evidence-vision" in r.json()["errors"]


def test_api_requires_sign_in_for_proposals():
    assert _api().get("/api/v1/accreditation/applications/").status_code in (401, 403)


def test_check_and_submit_lists_the_answers_with_links_to_change_them(client, make_org):
    """Found in review: the page had nothing to check, and an ineligible answer had no way back to it."""
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    html = _client(client, me).get(reverse("accreditation:submit", args=[app.pk])).content.decode()
    answers = html.split('<dl class="govuk-summary-list" id="answers">')[1].split("</dl>")[0]
    details = reverse("accreditation:details", args=[app.pk])
    assert f'href="{details}">Change<span class="govuk-visually-hidden"> proposed capacity</span>' in answers
    assert (
        "Supporting documents" in answers and reverse("accreditation:attachments", args=[app.pk]) in answers
    )
    assert reverse("accreditation:evidence", args=[app.pk, "vision"]) in answers


def test_check_and_submit_flags_evidence_of_only_a_few_words(client, make_org):
    """Found in review: "x" read as a completed part one, and the proposal was submitted with it."""
    org, me = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=me)
    services.evidence_save(application=app, criterion="vision", text="x", by=me)
    answers = (
        _client(client, me)
        .get(reverse("accreditation:submit", args=[app.pk]))
        .content.decode()
        .split('id="answers"')[1]
    )
    assert "Only 1 word</strong> The assessor scores what you write" in answers
    services.evidence_save(application=app, criterion="vision", text=" ".join(["word"] * 25), by=me)
    answers = (
        _client(client, me)
        .get(reverse("accreditation:submit", args=[app.pk]))
        .content.decode()
        .split('id="answers"')[1]
    )
    assert "Only " not in answers


def test_registering_an_organisation_makes_it_with_its_member_or_not_at_all(client, make_user):
    """An administrator (not an applicant) is refused as the first member: the organisation was left behind with
    no member (found in an audit-coverage review)."""
    from schoolsystem.accreditation.models import Organisation

    client.force_login(make_user("public", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("accreditation:organisation-new"),
        {"name": "Orphan Trust", "org_type": "academy_trust", "denomination": ""},
    )
    assert response.status_code == 400
    assert not Organisation.objects.filter(name="Orphan Trust").exists()
