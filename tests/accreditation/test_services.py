"""The accreditation workflow: every transition allowed or refused, eligibility, scoping of writes, audit."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from schoolsystem.accreditation import selectors, services
from schoolsystem.accreditation.constants import TRANSITIONS, Action, Status
from schoolsystem.accreditation.models import Accreditation, Application, HistoryEntry, InformationRequest
from schoolsystem.core.audit import history_for
from schoolsystem.core.errors import InvalidTransition, NotEligible, PermissionDenied, ValidationFailed
from schoolsystem.core.uploads import validate_document
from tests.accreditation.conftest import FULL

pytestmark = pytest.mark.django_db


def _score_all(app, by):
    for heading, score in FULL.items():
        services.score_record(application=app, heading=heading, score=score, notes="", by=by)


ACTIONS = {
    Action.SUBMIT: lambda app, ctx: services.application_submit(application=app, by=ctx["admin"]),
    Action.ASSIGN: lambda app, ctx: services.application_assign_assessor(
        application=app, assessor=ctx["assessor2"], by=ctx["admin"]
    ),
    Action.REQUEST_INFORMATION: lambda app, ctx: services.information_request(
        application=app, request="More please.", by=ctx["admin"]
    ),
    Action.PROVIDE_INFORMATION: lambda app, ctx: services.information_provide(
        application=app, response="Here.", by=ctx["admin"]
    ),
    Action.RECOMMEND: lambda app, ctx: (
        _score_all(app, ctx["admin"]),
        services.application_recommend(
            application=app, recommendation="accredit", note="Strong.", by=ctx["admin"]
        ),
    ),
    Action.ADVISORY_REVIEW: lambda app, ctx: services.application_advisory_review(
        application=app, note="Fine.", by=ctx["admin"]
    ),
    Action.DECIDE_ACCREDIT: lambda app, ctx: services.application_decide(
        application=app, accredit=True, note="Yes.", by=ctx["admin"]
    ),
    Action.DECIDE_REFUSE: lambda app, ctx: services.application_decide(
        application=app, accredit=False, note="No.", by=ctx["admin"]
    ),
    Action.WRITE_FEEDBACK: lambda app, ctx: services.feedback_write(
        application=app, feedback="Because.", by=ctx["admin"]
    ),
    Action.RETURN_FEEDBACK: lambda app, ctx: services.feedback_review(
        application=app, release=False, note="Say more.", by=ctx["admin"]
    ),
    Action.RELEASE_FEEDBACK: lambda app, ctx: services.feedback_review(
        application=app, release=True, note="", by=ctx["admin"]
    ),
    Action.WITHDRAW: lambda app, ctx: services.application_withdraw(application=app, by=ctx["admin"]),
}
STATES = list(Status.values)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", STATES)
def test_every_transition_is_allowed_exactly_from_its_source_states(state, action, drive, people, make_user):
    app, _ = drive(state, "ASG")
    assert app.status == state
    ctx = {**people, "admin": make_user("assessor", is_superuser=True)}
    allowed = state in TRANSITIONS[action][0]
    if allowed:
        ACTIONS[action](app, ctx)
        app.refresh_from_db()
        assert app.status != state or action == Action.ASSIGN
    else:
        with pytest.raises(InvalidTransition):
            ACTIONS[action](app, ctx)
        app.refresh_from_db()
        assert app.status == state


def test_asp_goes_to_the_decision_maker_and_asg_to_the_advisory_group_first(drive):
    asp, _ = drive(Status.AWAITING_DECISION, "ASP")
    asg, _ = drive(Status.ADVISORY_REVIEW, "ASG")
    assert asp.status == Status.AWAITING_DECISION
    assert not asp.history.filter(action=Action.ADVISORY_REVIEW).exists()
    assert asg.status == Status.ADVISORY_REVIEW


def test_every_state_change_is_audited_and_in_the_history(drive):
    app, _ = drive(Status.FEEDBACK_RELEASED, "ASG")
    moves = list(app.history.exclude(from_status="").values_list("from_status", "to_status"))
    assert moves == [
        ("draft", "submitted"),
        ("submitted", "in_assessment"),
        ("in_assessment", "awaiting_information"),
        ("awaiting_information", "in_assessment"),
        ("in_assessment", "advisory_review"),
        ("advisory_review", "awaiting_decision"),
        ("awaiting_decision", "not_accredited"),
        ("not_accredited", "feedback_review"),
        ("feedback_review", "feedback_released"),
    ]
    audited = [
        e.changes.get("status")
        for e in history_for(app).order_by("occurred_on", "id")
        if "status" in e.changes
    ]
    assert [tuple(s) for s in audited] == [(None, "draft"), *moves]


def test_a_failed_history_write_rolls_back_the_state_change(drive):
    app, applicant = drive(Status.DRAFT)
    with (
        mock.patch.object(HistoryEntry.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.application_submit(application=app, by=applicant)
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.submitted_on is None


# --- eligibility at submission ------------------------------------------------------------------------------


def test_ineligible_proposal_is_refused_with_the_reasons_recorded(drive):
    app, _ = drive(Status.INELIGIBLE, "ASP")
    assert app.status == Status.INELIGIBLE
    assert app.ineligibility_reasons == [
        "An ASP leads improvement in one or two schools; the proposed capacity is 9."
    ]
    assert app.history.last().note.startswith("An ASP leads improvement")


def test_ineligibility_reasons_say_the_rule_without_section_numbers(drive):
    """Users read what the rule says; the seed's section numbers (§1.3) stay in the engine's code."""
    app, _ = drive(Status.INELIGIBLE, "ASP")
    assert not any("§" in reason for reason in app.ineligibility_reasons)
    assert "§" not in app.history.last().note


def test_local_authority_is_refused_asp_as_not_an_eligible_organisation(make_org, open_round):
    org, applicant = make_org(name="Anytown Council", org_type="local_authority")
    app = services.application_start(
        organisation=org, accreditation_type="ASP", by=applicant, round=open_round
    )
    from tests.accreditation.conftest import fill

    fill(app, applicant)
    app = services.application_submit(application=app, by=applicant)
    assert app.status == Status.INELIGIBLE
    assert app.ineligibility_reasons[0] == (
        "A local authority is not among the organisations that may seek accreditation as an ASP."
    )


def test_incomplete_proposal_stays_a_draft_with_every_gap_listed(make_org):
    org, applicant = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", by=applicant)
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(application=app, by=applicant)
    assert set(exc.value.extra["errors"]) == {
        "evidence-vision",
        "evidence-capacity",
        "evidence-leadership_management",
        "evidence-pupil_achievement",
        "evidence-partnership_working",
        "phases",
        "la_codes",
        "out_of_round_reason",
    }
    app.refresh_from_db()
    assert app.status == Status.DRAFT


def test_national_support_school_need_not_give_leadership_or_achievement_evidence(make_org):
    org, applicant = make_org(national_support_school=True)
    app = services.application_start(organisation=org, accreditation_type="ASP", by=applicant)
    errors = services.completeness_errors(app)
    assert "evidence-leadership_management" not in errors and "evidence-pupil_achievement" not in errors
    assert "evidence-vision" in errors


def test_national_support_school_flag_is_for_primary_schools_only(people):
    with pytest.raises(ValidationFailed, match="Only maintained primary schools are National Support"):
        services.organisation_create(
            name="X Trust", org_type="academy_trust", national_support_school=True, by=people["dm"]
        )


def test_in_an_open_round_no_out_of_round_reason_is_needed(make_org, open_round):
    org, applicant = make_org()
    app = services.application_start(
        organisation=org, accreditation_type="ASP", by=applicant, round=open_round
    )
    assert "out_of_round_reason" not in services.completeness_errors(app)
    closed = services.completeness_errors(app, today=open_round.closes_on + timedelta(days=1))
    assert "out_of_round_reason" in closed


def test_submission_locks_the_proposal(drive):
    app, applicant = drive(Status.SUBMITTED)
    for call in (
        lambda: services.evidence_save(application=app, criterion="vision", text="changed", by=applicant),
        lambda: services.application_update_details(application=app, by=applicant, phases=["secondary"]),
        lambda: services.partner_add(
            application=app, name="P", kind="co_partner", is_educational=True, track_record="t", by=applicant
        ),
    ):
        with pytest.raises(InvalidTransition):
            call()


def test_non_educational_applicant_needs_a_strategy_and_educational_co_partner(make_org, open_round):
    org, applicant = make_org(name="Acme Ltd", org_type="private_sector")
    assert org.is_educational is False
    app = services.application_start(
        organisation=org, accreditation_type="ASP", by=applicant, round=open_round
    )
    from tests.accreditation.conftest import fill

    fill(app, applicant)
    services.application_update_details(application=app, by=applicant, route="with_co_partner")
    services.evidence_save(
        application=app, criterion="education_strategy", text="Partner school.", by=applicant
    )
    app = services.application_submit(application=app, by=applicant)
    assert app.status == Status.INELIGIBLE
    assert any(
        r.startswith("A non-educational organisation must set out its education strategy")
        for r in app.ineligibility_reasons
    )
    assert any(
        r.startswith("A non-educational organisation applying with a co-partner or as a consortium")
        for r in app.ineligibility_reasons
    )


def test_bad_details_are_all_reported(drive):
    app, applicant = drive(Status.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.application_update_details(
            application=app,
            by=applicant,
            phases=["nursery"],
            la_codes=["99"],
            route="alone",
            proposed_capacity=-1,
        )
    assert set(exc.value.extra["errors"]) == {"phases", "la_codes", "route", "proposed_capacity"}


# --- who may act --------------------------------------------------------------------------------------------


def test_another_organisations_applicant_cannot_touch_a_proposal(drive, make_org):
    app, _ = drive(Status.DRAFT)
    _, stranger = make_org(name="Elm Primary")
    with pytest.raises(PermissionDenied):
        services.application_submit(application=app, by=stranger)
    with pytest.raises(PermissionDenied):
        services.evidence_save(application=app, criterion="vision", text="x", by=stranger)


def test_assessor_with_a_declared_conflict_cannot_be_assigned(drive, people):
    app, _ = drive(Status.SUBMITTED)
    services.conflict_declare(
        assessor=people["assessor"],
        organisation=app.organisation,
        reason="Former governor.",
        by=people["assessor"],
    )
    with pytest.raises(NotEligible, match="Former governor"):
        services.application_assign_assessor(application=app, assessor=people["assessor"], by=people["dm"])
    app = services.application_assign_assessor(application=app, assessor=people["assessor2"], by=people["dm"])
    assert app.assessor == people["assessor2"]


def test_only_the_assigned_assessor_scores_and_asks_for_information(drive, people):
    app, _ = drive(Status.IN_ASSESSMENT)
    with pytest.raises(PermissionDenied):
        services.score_record(application=app, heading="vision", score=3, notes="", by=people["assessor2"])
    with pytest.raises(PermissionDenied):
        services.information_request(application=app, request="x", by=people["assessor2"])


def test_only_the_decision_maker_decides(drive, people):
    app, _ = drive(Status.AWAITING_DECISION)
    for who in ("assessor", "advisory"):
        with pytest.raises(PermissionDenied):
            services.application_decide(application=app, accredit=True, note="x", by=people[who])


def test_accreditation_recommendation_needs_every_heading_met(drive, people):
    app, _ = drive(Status.IN_ASSESSMENT)
    with pytest.raises(ValidationFailed, match="Score every heading"):
        services.application_recommend(
            application=app, recommendation="accredit", note="x", by=people["assessor"]
        )
    _score_all(app, people["assessor"])
    services.score_record(application=app, heading="capacity", score=2, notes="thin", by=people["assessor"])
    with pytest.raises(ValidationFailed, match="Partly met"):
        services.application_recommend(
            application=app, recommendation="accredit", note="x", by=people["assessor"]
        )
    app = services.application_recommend(
        application=app, recommendation="do_not_accredit", note="x", by=people["assessor"]
    )
    assert app.status == Status.AWAITING_DECISION


@pytest.mark.parametrize("score", [0, 5, "3"])
def test_scores_outside_one_to_four_are_refused(drive, people, score):
    app, _ = drive(Status.IN_ASSESSMENT)
    with pytest.raises(ValidationFailed):
        services.score_record(application=app, heading="vision", score=score, notes="", by=people["assessor"])


# --- outcome ------------------------------------------------------------------------------------------------


def test_accreditation_records_type_phases_areas_capacity_and_review_date(drive, people):
    app, _ = drive(Status.AWAITING_DECISION, "ASG")
    services.application_decide(
        application=app, accredit=True, note="Yes.", by=people["dm"], capacity=5, today=date(2026, 5, 1)
    )
    acc = Accreditation.objects.get(application=app)
    assert (acc.accreditation_type, acc.phases, acc.la_codes, acc.capacity) == (
        "ASG",
        ["primary"],
        ["936"],
        5,
    )
    assert acc.accredited_on == date(2026, 5, 1) and acc.review_due_on == date(2029, 5, 1)
    assert acc.current_schools == 2


@pytest.mark.parametrize("kind,capacity", [("ASP", 3), ("ASG", 2)])
def test_decision_capacity_must_fit_the_type(drive, people, kind, capacity):
    app, _ = drive(Status.AWAITING_DECISION, kind)
    with pytest.raises(ValidationFailed):
        services.application_decide(
            application=app, accredit=True, note="Yes.", by=people["dm"], capacity=capacity
        )
    app.refresh_from_db()
    assert app.status == Status.AWAITING_DECISION


def test_unsuccessful_applicant_gets_reviewed_feedback_then_complains(drive, people):
    app, applicant = drive(Status.FEEDBACK_REVIEW)
    returned = services.feedback_review(
        application=app, release=False, note="Cite the data.", by=people["advisory"]
    )
    assert returned.status == Status.NOT_ACCREDITED
    services.feedback_write(
        application=app, feedback="KS2 progress fell in both schools.", by=people["assessor"]
    )
    app = services.feedback_review(application=app, release=True, note="", by=people["advisory"])
    assert app.status == Status.FEEDBACK_RELEASED and app.feedback_released_on
    complaint = services.complaint_lodge(
        application=app, text="The assessor ignored 2025 results.", by=applicant
    )
    with pytest.raises(InvalidTransition):
        services.complaint_answer(complaint=complaint, answer="x", by=people["dm"])
    services.complaint_review(complaint=complaint, note="Re-read the file.", by=people["dm"])
    complaint = services.complaint_answer(
        complaint=complaint, answer="The 2025 results were considered.", by=people["dm"]
    )
    assert complaint.status == "answered"
    with pytest.raises(InvalidTransition):
        services.complaint_review(complaint=complaint, note="again", by=people["dm"])


def test_complaint_only_after_feedback_is_released(drive):
    app, applicant = drive(Status.FEEDBACK_REVIEW)
    with pytest.raises(InvalidTransition):
        services.complaint_lodge(application=app, text="Unfair", by=applicant)


# --- the pool ----------------------------------------------------------------------------------------------


def test_suspension_removes_a_provider_from_the_register_and_brokerage_until_reinstated(drive, people):
    app, _ = drive(Status.ACCREDITED)
    acc = app.accreditation
    assert [p["provider_id"] for p in selectors.accredited_pool_for_brokerage()] == [acc.pk]
    services.accreditation_suspend(accreditation=acc, reason="Safeguarding concern.", by=people["dm"])
    assert selectors.accredited_pool_for_brokerage() == []
    assert not selectors.public_register().exists()
    with pytest.raises(InvalidTransition):
        services.accreditation_suspend(accreditation=acc, reason="again", by=people["dm"])
    services.accreditation_reinstate(accreditation=acc, note="Resolved.", by=people["dm"])
    assert len(selectors.accredited_pool_for_brokerage()) == 1


def test_review_withdraws_or_renews(drive, people):
    app, _ = drive(Status.ACCREDITED)
    acc = services.accreditation_review(
        accreditation=app.accreditation, renew=True, note="Good.", by=people["dm"], today=date(2027, 1, 1)
    )
    assert acc.review_due_on == date(2030, 1, 1) and acc.last_reviewed_on == date(2027, 1, 1)
    acc = services.accreditation_review(
        accreditation=acc, renew=False, note="No longer leads.", by=people["dm"]
    )
    assert acc.status == "withdrawn"
    with pytest.raises(InvalidTransition):
        services.accreditation_reinstate(accreditation=acc, note="", by=people["dm"])
    with pytest.raises(PermissionDenied):
        services.accreditation_suspend(accreditation=acc, reason="x", by=people["assessor"])


def test_brokerage_feed_has_exactly_the_agreed_keys(drive, people, make_org, school):
    asp_org = make_org(name="Oak Primary", establishment=school, denomination="CofE", diocese="Guildford")
    drive(Status.ACCREDITED, "ASP", org=asp_org)
    drive(Status.ACCREDITED, "ASG")
    feed = sorted(selectors.accredited_pool_for_brokerage(), key=lambda r: r["accreditation_type"])
    assert all(
        set(row)
        == {
            "provider_id",
            "name",
            "accreditation_type",
            "phases",
            "la_codes",
            "max_schools",
            "current_schools",
            "denomination",
            "easting",
            "northing",
            "group_id",
            "establishment_urn",
        }
        for row in feed
    )
    asg, asp = feed
    assert (asp["accreditation_type"], asp["max_schools"], asp["denomination"]) == ("ASP", 2, "CofE")
    assert (asp["easting"], asp["northing"], asp["establishment_urn"]) == (500100, 150200, 125000)
    assert (asg["accreditation_type"], asg["max_schools"], asg["current_schools"]) == ("ASG", 4, 2)
    assert asg["easting"] is None and asg["group_id"] is None and asg["denomination"] == ""
    assert asp["phases"] == ["primary"] and asp["la_codes"] == ["936"]


# --- the clock ----------------------------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


def test_clock_counts_working_days_since_submission_less_information_pauses(drive):
    app, _ = drive(Status.SUBMITTED)
    Application.objects.filter(pk=app.pk).update(
        submitted_on=datetime(2026, 3, 2, 10, tzinfo=LONDON)
    )  # Monday
    InformationRequest.objects.create(
        application=app,
        request="x",
        requested_on=datetime(2026, 3, 4, 9, tzinfo=LONDON),  # Wednesday
        answered_on=datetime(2026, 3, 9, 15, tzinfo=LONDON),  # next Monday
    )
    app = selectors.application_for_user(app.organisation.applications.first().created_by, app.pk)
    assert selectors.clock_for(app, today=date(2026, 3, 4)) == 2
    assert selectors.clock_for(app, today=date(2026, 3, 9)) == 2
    assert selectors.clock_for(app, today=date(2026, 3, 13)) == 6


# --- attachments -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,ok",
    [
        ("plan.pdf", b"%PDF-1.7 rest", True),
        ("plan.PDF", b"%PDF-1.4", True),
        ("data.csv", b"urn,ks2\n1,2\n", True),
        ("plan.docx", b"PK\x03\x04....", True),
        ("plan.pdf", b"MZ\x90\x00 an exe", False),
        ("run.exe", b"MZ", False),
        ("notes.txt", b"\x00\x01binary", False),
        ("empty.pdf", b"", False),
        ("noext", b"hello", False),
    ],
)
def test_attachment_type_and_content_are_checked(name, content, ok):
    if ok:
        assert validate_document(name, len(content), content[:8])
    else:
        with pytest.raises(ValidationFailed):
            validate_document(name, len(content), content[:8])


def test_attachment_over_five_megabytes_is_refused():
    with pytest.raises(ValidationFailed, match="5 MB"):
        validate_document("big.pdf", 5 * 1024 * 1024 + 1, b"%PDF-")


def test_attachment_is_stored_and_removed_with_the_draft(drive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app, applicant = drive(Status.DRAFT)
    att = services.attachment_add(
        application=app,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.7 x"),
        by=applicant,
        criterion="vision",
    )
    assert att.size == 10 and (tmp_path / att.file.name).exists()
    services.attachment_remove(attachment=att, by=applicant)
    assert not app.attachments.exists()
