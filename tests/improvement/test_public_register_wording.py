"""The public decision register names the deciding role or body, never a person; a deferral is not shown as a
decision; its Type filter offers every type the register holds."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from schoolsystem.accounts.models import User
from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import PUBLISHED_DECISION_TYPES, CaseState, DecisionType
from tests.improvement.factories import case_in_state

PUBLIC_PAGES = [
    "/decisions/",
    "/decisions/export.csv",
    "/api/v1/decisions/",
    "/accredited-providers/",
    "/api/v1/accredited-providers/",
]


def _decision(officer, school, **kw):
    fields = {
        "by": officer,
        "subject": "Federation of Alder Primary with Oak Primary",
        "decision_type": "intervention",
        "establishment": school,
        "decided_by_name": "Northshire local authority",
        "decided_on": date(2026, 10, 1),
        "options_considered": ["LA support", "Federation"],
        "criteria": ["Standards over time"],
        "rationale": "The governing body agreed.",
        **kw,
    }
    return services.decision_create(**fields)


def test_a_case_decision_names_the_local_authority_and_no_public_page_names_a_user(
    school_a, officer, regional
):
    case = case_in_state(CaseState.INTERVENTION_CHOSEN, school=school_a, by=officer)
    decision = case.intervention_decision
    assert decision.decided_by_name == "Northshire local authority"
    services.decision_publish(by=officer, decision=decision)
    anonymous = Client()
    names = [u.get_full_name() for u in User.objects.all() if u.get_full_name().strip()]
    assert "Ann Officer" in names and "Rhea Regional" in names
    for url in [*PUBLIC_PAGES, f"/decisions/{decision.pk}/", f"/api/v1/decisions/{decision.pk}/"]:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8-sig")
        for name in names:
            assert name not in body, (url, name)
    assert "Northshire local authority" in anonymous.get(f"/decisions/{decision.pk}/").content.decode()
    # The person stays on the record where it belongs: the audit.
    assert AuditEvent.objects.filter(action="decision.published", actor=officer).exists()


def test_a_decision_cannot_name_a_user_as_who_decided(school_a, officer):
    for name in ["Ann Officer", "  ann   OFFICER ", officer.username]:
        with pytest.raises(ValidationFailed) as err:
            _decision(officer, school_a, decided_by_name=name)
        assert "not a person's name" in err.value.extra["errors"]["decided_by_name"][0]


def test_a_deferral_is_listed_as_deferred_not_decided(school_a, officer):
    deferred = _decision(officer, school_a, outcome="deferred")
    services.decision_publish(by=officer, decision=deferred)
    html = Client().get("/decisions/").content.decode()
    assert "Deferred 1 Oct 2026" in html and "Decided 1 Oct 2026" not in html
    assert '<th scope="col" class="govuk-table__header">Date</th>' in html
    detail = Client().get(f"/decisions/{deferred.pk}/").content.decode()
    assert "Deferred by" in detail and "Date deferred" in detail and "Decided by" not in detail

    approved = _decision(officer, school_a, decided_on=date(2026, 10, 2))
    services.decision_publish(by=officer, decision=approved)
    html = Client().get("/decisions/").content.decode()
    assert "Decided 2 Oct 2026" in html and "Deferred 1 Oct 2026" in html


def test_the_type_filter_offers_every_type_the_register_holds_before_any_is_published(db):
    response = Client().get("/decisions/")
    offered = dict(response.context["form"].fields["decision_type"].choices)
    assert set(offered) == {"", *PUBLISHED_DECISION_TYPES}
    assert offered[DecisionType.ACADEMY_ORDER] == "Academy order"
    assert DecisionType.ACCREDITATION not in offered  # offered once one is published (test_reviewer_findings)
    assert '<option value="academy_order">Academy order</option>' in response.content.decode()


def test_filtering_by_academy_order_finds_academy_orders(school_a, officer, regional):
    order = _decision(
        regional, school_a, decision_type="academy_order", subject="Academy order for Alder Primary"
    )
    other = _decision(officer, school_a)
    services.decision_publish(by=regional, decision=order)
    services.decision_publish(by=officer, decision=other)
    response = Client().get(reverse("decisions:register"), {"decision_type": "academy_order"})
    assert response.status_code == 200
    assert [d.pk for d, _ in response.context["rows"]] == [order.pk]
