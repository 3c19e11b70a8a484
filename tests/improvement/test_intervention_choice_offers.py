"""The choose-intervention page offers only the options the service would take now, and says why instead when
there are none (docs/decisions/0091). Found in review: for a school already handed over to a trust by a brokerage
round (or with an academy order in force) the page listed options that were all refused, and the case page linked to
it. Brokerage and casework do not both decide a school's future (the rule brokerage keeps the other way round:
brokerage.services._chose_another_intervention): while the school's academy route stands, no intervention is
chosen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState, InterventionOption, WarningGround
from schoolsystem.improvement.models import AcademyOrder, Case
from tests.improvement.factories import case_in_state, consult, today
from tests.improvement.test_academy_route import _choose, _escalated, _match

CHOOSE = "choose_intervention"


def _pending_notice(school, officer, regional):
    """A warning notice issued today (compliance date ahead) and the school consulted since: before the compliance
    date only an academy order (for an inadequate maintained school) can be chosen."""
    case = case_in_state(CaseState.MONITORING, school=school, by=officer)
    services.case_issue_warning_notice(
        case=case,
        by=officer,
        grounds=[WarningGround.LEADERSHIP],
        compliance_by=today() + timedelta(days=21),
    )
    consult(case, regional)
    case.refresh_from_db()
    return case


def _page(client, user, case):
    client.force_login(user)
    return client.get(reverse("improvement:case-action", args=[case.pk, CHOOSE]))


def _case_page(client, user, case):
    client.force_login(user)
    return client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()


def _order_on_an_earlier_case(school, officer, regional):
    first = Case.objects.create(
        school=school,
        state="closed",
        state_changed_on=timezone.now(),
        sector="maintained",
        opened_by=officer,
        intervention="sponsored_academy",
    )
    return AcademyOrder.objects.create(case=first, issued_on=today(), issued_by=regional)


@pytest.mark.parametrize("route", ["handed_over", "approved", "academy_order"])
@pytest.mark.parametrize("stage", ["pending_notice", "escalated"])
def test_a_school_whose_future_is_decided_is_offered_no_intervention(
    client, las, inadequate_a, officer, regional, route, stage
):
    case = (
        _pending_notice(inadequate_a, officer, regional)
        if stage == "pending_notice"
        else _escalated(inadequate_a, officer, regional)
    )
    if route == "academy_order":
        _order_on_an_earlier_case(inadequate_a, officer, regional)
        why = "Birch Primary already has an academy order, issued on"
    else:
        _match(inadequate_a, las[0], status=route)
        why = "Birch Primary already has an approved sponsor match: Fenwick Learning Trust in brokerage round R-1"
    # The case page does not link to a page that can do nothing, and says why.
    page = _case_page(client, regional, case)
    assert reverse("improvement:case-action", args=[case.pk, CHOOSE]) not in page
    assert 'id="academy-order-refused"' in page and why in page
    assert "No intervention can be chosen while it stands" in page
    # What happens next says so too, for every role, not "choose the intervention".
    for user in (regional, officer):
        next_step = client.get(reverse("improvement:case-detail", args=[case.pk])).context["next_step"]
        assert next_step.startswith("No intervention is chosen while the school's academy order")
        client.force_login(user)
    # The page itself says why, with no form.
    response = _page(client, regional, case)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="not-now"' in body and why in body and 'id="main-form"' not in body
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, CHOOSE]),
        {
            "version": case.version,
            "option": "ieb",
            "rationale": "x",
            "options_considered": "x",
            "criteria": "x",
        },
    )
    assert response.status_code == 409
    # And the service refuses every option, with the same reason on the option.
    for option in (
        InterventionOption.IEB,
        InterventionOption.LA_SUPPORT,
        InterventionOption.SPONSORED_ACADEMY,
    ):
        with pytest.raises(ValidationFailed) as err:
            _choose(case, regional, option)
        assert why in err.value.extra["errors"]["option"][0]
    case.refresh_from_db()
    assert case.state in {CaseState.WARNING_NOTICE, CaseState.ESCALATED} and not case.intervention


def test_before_the_compliance_date_the_page_offers_only_the_academy_order(
    client, inadequate_a, officer, regional
):
    case = _pending_notice(inadequate_a, officer, regional)
    response = _page(client, regional, case)
    choices = [v for v, _ in response.context["form"].fields["option"].choices]
    assert choices == [InterventionOption.SPONSORED_ACADEMY]
    assert "only an academy order can be chosen before then" in response.content.decode()
    # The LA officer may not choose an academy order: nothing can be chosen before the compliance date.
    page = _case_page(client, officer, case)
    assert reverse("improvement:case-action", args=[case.pk, CHOOSE]) not in page
    assert "The school has until" in page
    response = _page(client, officer, case)
    assert 'id="not-now"' in response.content.decode() and "The school has until" in response.content.decode()


def test_a_live_sponsor_proposal_leaves_only_the_academy_order_it_serves(
    client, las, inadequate_a, officer, regional
):
    """Found in review: an intervention chosen while the school's sponsor proposal in an academy-order round was
    still live ran two routes at once. Only the academy order (the route the round finds a sponsor for) is left;
    any other intervention is refused naming the round, and the case page links to the proposal."""
    case = _escalated(inadequate_a, officer, regional)
    proposal = _match(inadequate_a, las[0], status="due_diligence")
    response = _page(client, regional, case)
    choices = [v for v, _ in response.context["form"].fields["option"].choices]
    assert choices == [InterventionOption.SPONSORED_ACADEMY]
    with pytest.raises(ValidationFailed) as err:
        _choose(case, regional, InterventionOption.IEB)
    message = err.value.extra["errors"]["option"][0]
    assert "academy-order round R-1" in message and "Fenwick Learning Trust" in message
    assert "trust's due diligence" in message
    page = _case_page(client, regional, case)
    assert "while the school's sponsor proposal is under way in brokerage, only sponsored academy" in page
    case.refresh_from_db()
    assert not case.intervention
    assert _choose(case, regional, InterventionOption.SPONSORED_ACADEMY).academy_order is not None
    assert proposal.pk


@pytest.mark.parametrize("status", ["proposed", "consultation", "awaiting_decision", "deferred"])
def test_a_live_sponsor_proposal_refuses_every_intervention_when_no_order_can_be_chosen(
    client, las, school_a, officer, regional, status
):
    """A school not judged inadequate (no academy order possible): nothing can be chosen; the case page says why in
    'what happens next' and links to the proposal. Declined or withdrawn proposals do not count."""
    case = _escalated(school_a, officer, regional)
    proposal = _match(school_a, las[0], status=status)
    with pytest.raises(ValidationFailed) as err:
        _choose(case, regional, InterventionOption.LA_SUPPORT)
    assert (
        "has a sponsor proposal under way: Fenwick Learning Trust in brokerage academy-order round R-1"
        in (err.value.extra["errors"]["option"][0])
    )
    page = _case_page(client, regional, case)
    assert reverse("improvement:case-action", args=[case.pk, CHOOSE]) not in page
    next_step = page.split('id="next-step"', 1)[1].split("</div>", 1)[0]
    assert "sponsor proposal for the school is under way in brokerage" in next_step
    assert "round R-1" in next_step
    assert reverse("brokerage:proposal", args=[proposal.pk]) in next_step
    assert _page(client, regional, case).status_code == 200  # says why instead of a form
    proposal.status = "withdrawn"
    proposal.save(update_fields=["status"])
    assert (
        _choose(case, regional, InterventionOption.LA_SUPPORT).intervention == InterventionOption.LA_SUPPORT
    )


def test_a_proposal_in_another_kind_of_round_does_not_refuse(las, school_a, officer, regional):
    case = _escalated(school_a, officer, regional)
    proposal = _match(school_a, las[0], status="proposed")
    proposal.round.scenario = "lead_partner"
    proposal.round.save(update_fields=["scenario"])
    assert (
        _choose(case, regional, InterventionOption.LA_SUPPORT).intervention == InterventionOption.LA_SUPPORT
    )
