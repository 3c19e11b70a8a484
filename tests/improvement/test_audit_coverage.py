"""Every write of the support workflow is audited (peer reviews: test_support_and_reviews), and a page that makes
two writes makes both or neither (found in an audit-coverage review: each test failed while the gap was there)."""

import pytest
from django.urls import reverse

from schoolsystem.core.audit import history_for
from schoolsystem.improvement import services
from schoolsystem.improvement.models import CreditEntry, Offer, Provider
from tests.improvement.factories import today

pytestmark = pytest.mark.django_db


def test_closing_paid_support_audits_each_credit_moved_and_deploying_each_milestone(
    client, officer, school_a, offer, lead_school
):
    services.credit_grant(by=officer, school=school_a, amount=50, reason="Opening allocation")
    client.force_login(officer)
    request = services.support_request_create(
        by=officer, school=school_a, needs=["leadership"], description="x", days_needed=2
    )

    def step(name, data):
        assert (
            client.post(reverse("improvement:support-step", args=[request.pk, name]), data).status_code == 302
        )

    step("match", {"offers": [offer.pk]})
    step("agree", {"offer": offer.pk, "days_agreed": 2, "objectives": "Coach"})
    step("deploy", {"milestones": f"{today().isoformat()} Plan written"})
    [milestone] = request.milestones.all()
    added = history_for(milestone).get(action="support.milestone_added")
    assert added.actor == officer and added.changes["title"] == [None, "Plan written"]
    step("close", {"days_delivered": 2, "impact_summary": "Plan in place"})
    moved = {e.amount: e for e in CreditEntry.objects.filter(request=request)}
    assert sorted(moved) == [-4, 4]
    for amount, entry in moved.items():
        event = history_for(entry).get(action="support.credits_moved")
        assert event.actor == officer and event.changes["amount"] == [None, amount]


def test_a_refused_offer_leaves_no_provider_behind(client, officer, lead_school):
    client.force_login(officer)
    providers = Provider.objects.count()
    response = client.post(
        reverse("improvement:offer-new"),
        {
            "provider_name": "Oak NSS",
            "provider_kind": "lead_school",
            "provider_urn": str(lead_school.urn),
            "title": "Coaching",
            "kind": "leadership",
            "days_per_term": "5",
            "schools_at_once": "1",
            "price_model": "credits",
            "credits_per_day": "",  # the service refuses a credit-priced offer with no price
        },
    )
    assert response.status_code == 400
    assert Provider.objects.count() == providers and not Offer.objects.filter(title="Coaching").exists()
