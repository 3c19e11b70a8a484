"""Findings of the demo review: register outcomes and supersession, the type filter, future dates, codes shown to
users, the support match with nothing to shortlist, and who may open casework and record decisions."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.core.errors import PermissionDenied, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState
from schoolsystem.improvement.models import Decision
from tests.improvement.factories import case_in_state, make_school


def record(by, school, *, subject, decision_type="rebrokerage", outcome=None, decided_on=date(2026, 10, 1)):
    return services.decision_create(
        by=by,
        subject=subject,
        decision_type=decision_type,
        establishment=school,
        decided_by_name="Regional advisory board",
        decided_on=decided_on,
        options_considered=["Oak Trust", "Elm Trust"],
        criteria=["Capacity"],
        rationale="Decided on the published criteria.",
        outcome=outcome,
    )


def publish(by, school, **kwargs):
    return services.decision_publish(by=by, decision=record(by, school, **kwargs))


# 1. Outcome on the register; a deferred decision never reads as a match; one live approval per question.


def test_register_shows_outcome_in_words_and_words_non_approved_headlines(client, regional, school_a):
    publish(regional, school_a, subject="Alder Primary (URN 100001): Oak Trust", outcome="deferred")
    body = client.get(reverse("decisions:register")).content.decode()
    assert '<th scope="col" class="govuk-table__header">Outcome</th>' in body
    assert ">Deferred</strong>" in body
    assert "Deferred, no decision yet: Alder Primary (URN 100001): Oak Trust" in body
    detail = client.get(reverse("decisions:detail", args=[Decision.objects.get().pk])).content.decode()
    assert "Deferred, no decision yet: Alder Primary" in detail


def test_outcome_taken_from_the_source_record_when_not_given(regional, school_a):
    class BoardDecision:  # what the brokerage app passes as `source`: a record with its own outcome
        pk = 7
        outcome = "declined"

    from schoolsystem.improvement.services import decisions as decision_services

    assert decision_services._outcome_of(None, BoardDecision()) == "declined"
    assert decision_services._outcome_of(None, None) == "approved"
    with pytest.raises(ValidationFailed) as exc:
        record(regional, school_a, subject="x", outcome="maybe")
    assert "outcome" in exc.value.extra["errors"]


def test_a_second_approval_supersedes_the_first_explicitly_and_audited(client, regional, school_a):
    first = publish(regional, school_a, subject="Alder Primary: Oak Trust")
    deferred = publish(regional, school_a, subject="Alder Primary: Elm Trust", outcome="deferred")
    second = publish(regional, school_a, subject="Alder Primary: Oak Trust", decision_type="sponsor_match")
    first.refresh_from_db()
    deferred.refresh_from_db()
    assert first.superseded_by == second and not first.is_live_approval
    assert deferred.superseded_by == second  # the deferral awaited this decision
    assert second.is_live_approval
    live = Decision.objects.filter(establishment=school_a, outcome="approved", superseded_by__isnull=True)
    assert list(live) == [second]
    event = AuditEvent.objects.get(action="decision.superseded", object_id=str(first.pk))
    assert second.reference in event.note
    body = client.get(reverse("decisions:register")).content.decode()
    assert "Superseded by <a" in body and second.reference in body


def test_a_later_decision_answers_a_deferral_but_a_refusal_leaves_a_standing_approval(regional, school_a):
    approved = publish(regional, school_a, subject="Alder Primary: Oak Trust")
    deferred = publish(regional, school_a, subject="Alder Primary: Elm Trust", outcome="deferred")
    declined = publish(regional, school_a, subject="Alder Primary: Elm Trust", outcome="declined")
    approved.refresh_from_db()
    deferred.refresh_from_db()
    assert deferred.superseded_by == declined  # no longer "no decision yet"
    assert (
        approved.superseded_by is None and approved.is_live_approval
    )  # a refusal of another trust changes nothing


def test_approvals_of_different_questions_or_schools_do_not_supersede(regional, school_a, inadequate_a):
    a = publish(regional, school_a, subject="Alder: Oak Trust")
    publish(regional, inadequate_a, subject="Birch: Oak Trust")
    publish(regional, school_a, subject="Revoked", decision_type="academy_order_revocation")
    a.refresh_from_db()
    assert a.superseded_by is None


# 2. The type filter offers only types the register holds.


def test_type_filter_offers_only_published_types(client, regional, school_a):
    publish(regional, school_a, subject="Alder: Oak Trust")
    body = client.get(reverse("decisions:register")).content.decode()
    assert 'value="rebrokerage"' in body and 'value="accreditation"' not in body
    r = client.get(reverse("decisions:register"), {"decision_type": "accreditation"})
    assert r.status_code == 400 and 'href="#id_decision_type"' in r.content.decode()
    services.decision_publish(
        by=None, decision=record(None, None, subject="Accredited: Oak Trust", decision_type="accreditation")
    )
    assert 'value="accreditation"' in client.get(reverse("decisions:register")).content.decode()


# 3. No decision or review date in the future.


def test_decision_in_the_future_is_refused_by_the_service(officer, school_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        record(officer, school_a, subject="x", decision_type="intervention", decided_on=tomorrow)
    assert exc.value.extra["errors"]["decided_on"] == [
        "The date of the decision must be today or in the past"
    ]
    assert not Decision.objects.exists()
    record(officer, school_a, subject="x", decision_type="intervention", decided_on=timezone.localdate())


def test_decision_page_names_the_future_date_in_the_error_summary(client, officer, school_a):
    client.force_login(officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    r = client.post(
        reverse("improvement:decision-new"),
        {
            "urn": 100001,
            "subject": "Federate Alder Primary",
            "decision_type": "intervention",
            "outcome": "approved",
            "decided_by_name": "Cabinet member",
            "decided_on": tomorrow.isoformat(),
            "options_considered": "Federation",
            "criteria": "Standards",
            "rationale": "Capacity.",
            "consultation_outcome": "Agreed.",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and 'href="#id_decided_on"' in body and "must be today or in the past" in body
    assert not Decision.objects.exists()


def test_support_review_in_the_future_is_refused(officer, school_a, offer):
    req = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=1
    )
    services.credit_grant(by=officer, school=school_a, amount=100, reason="x")
    req = services.support_request_match(by=officer, request=req, offers=[offer])
    req = services.support_request_agree(
        by=officer, request=req, offer=offer, days_agreed=1, objectives=["a"]
    )
    req = services.support_request_deploy(by=officer, request=req, milestones=[("m", timezone.localdate())])
    with pytest.raises(ValidationFailed) as exc:
        services.support_request_review(
            by=officer,
            request=req,
            reviewed_on=timezone.localdate() + timedelta(days=3),
            rag="green",
            progress="p",
        )
    assert "reviewed_on" in exc.value.extra["errors"]


# 4. Words, not codes.


def test_case_page_names_the_officer_and_the_grounds_in_words(client, officer, school_a):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    client.force_login(officer)
    body = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "by Ann Officer (" in body and f"by {officer.username}" not in body
    assert "grounds: Unacceptably low standards of performance over time" in body
    assert "grounds: standards" not in body


def test_decision_page_says_minutes_not_recorded(client, officer, school_a):
    d = record(officer, school_a, subject="x", decision_type="intervention")
    client.force_login(officer)
    body = client.get(reverse("improvement:decision-manage", args=[d.pk])).content.decode()
    assert "Not recorded" in body and ">None<" not in body


def test_case_export_has_labels_readable_headers_and_a_byte_order_mark(client, officer, las):
    school = make_school(las[0], 100077, name="École Élan Primary")
    case_in_state(CaseState.WARNING_NOTICE, school=school, by=officer)
    client.force_login(officer)
    raw = client.get(reverse("improvement:case-export")).getvalue()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Case", "URN", "School", "Local authority", "Sector", "State"]
    assert "Next visit due" in rows[0] and "next_visit_due" not in rows[0] and "la" not in rows[0]
    assert rows[1][2] == "École Élan Primary"
    assert rows[1][4] == "Maintained school" and rows[1][5] == "Warning notice issued"


# 5. Support: nothing to shortlist is explained, never an empty checkbox group.


def test_match_with_no_eligible_offer_explains_why_and_offers_a_way_on(client, officer, las, offer):
    far = make_school(las[0], 100088, name="Faraway Infant", easting=470000)  # ~65 km from the 30 km offer
    req = services.support_request_create(
        by=officer, school=far, needs=["leadership"], description="New head", days_needed=3
    )
    client.force_login(officer)
    url = reverse("improvement:support-step", args=[req.pk, "match"])
    body = client.get(url).content.decode()
    assert "No offers to shortlist" in body
    assert "Leadership coaching" in body and "outside the 30 km area covered" in body
    assert 'type="checkbox"' not in body and "Save" not in body
    assert reverse("improvement:offer-search") + "?urn=100088" in body
    assert reverse("improvement:offer-new") in body
    posted = client.post(url, {})
    assert posted.status_code == 409 and "This field is required" not in posted.content.decode()
    detail = client.get(reverse("improvement:support-detail", args=[req.pk])).content.decode()
    assert "No suitable offers yet" in detail and "outside the 30 km area covered" in detail


def test_match_with_eligible_offers_still_shows_the_checkboxes(client, officer, school_a, offer):
    req = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=2
    )
    client.force_login(officer)
    body = client.get(reverse("improvement:support-step", args=[req.pk, "match"])).content.decode()
    assert 'type="checkbox"' in body and "Leadership coaching" in body


# 6. Who may open casework and record intervention decisions.

NO_CASEWORK = ["public", "assessor", "advisory_group", "decision_maker", "applicant"]


@pytest.mark.parametrize("role", NO_CASEWORK)
def test_roles_without_casework_are_refused(client, make_user, role, school_a, officer):
    case = services.case_open(school=school_a, by=officer, reasons=["x"])
    client.force_login(make_user(role))
    for url in [
        reverse("improvement:home"),
        reverse("improvement:case-list"),
        reverse("improvement:case-detail", args=[case.pk]),
        reverse("improvement:case-export"),
        reverse("improvement:decision-list"),
        reverse("improvement:decision-new"),
        reverse("improvement:offer-search"),
        reverse("improvement:support-list"),
        reverse("improvement:review-list"),
    ]:
        assert client.get(url).status_code == 403, (role, url)


@pytest.mark.parametrize("role", ["la_officer", "regional_officer"])
def test_officers_see_casework_and_record_decisions(client, make_user, las, role):
    scope = {"scope_la": las[0]} if role == "la_officer" else {"scope_region": "North West"}
    client.force_login(make_user(role, **scope))
    assert client.get(reverse("improvement:home")).status_code == 200
    assert client.get(reverse("improvement:decision-new")).status_code == 200
    assert "Record a decision" in client.get(reverse("improvement:decision-list")).content.decode()


@pytest.mark.parametrize("role", ["trust_leader", "school_leader"])
def test_leaders_see_casework_but_do_not_record_decisions(client, make_user, school_a, role):
    from schoolsystem.registry.models import Group

    scope = (
        {"scope_establishment": school_a}
        if role == "school_leader"
        else {"scope_group": Group.objects.create(name="Oak Trust", group_type="mat")}
    )
    client.force_login(make_user(role, **scope))
    assert client.get(reverse("improvement:home")).status_code == 200
    assert client.get(reverse("improvement:support-list")).status_code == 200
    assert client.get(reverse("improvement:decision-new")).status_code == 403
    assert "Record a decision" not in client.get(reverse("improvement:decision-list")).content.decode()


def test_decision_maker_may_not_record_intervention_decisions_in_the_service(make_user, school_a):
    maker = make_user("decision_maker")
    with pytest.raises(PermissionDenied):
        record(maker, school_a, subject="x", decision_type="intervention")
    assert record(maker, None, subject="Accredited: Oak Trust", decision_type="accreditation").pk
