"""The round page offers an action only when the service would take it, and says why otherwise (one rule for
both); an academy-order round lists the schools it can take; blank phases and lowered labels read properly."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.brokerage import rules, selectors, services
from schoolsystem.brokerage.constants import ProposalStatus, RoundStatus, Scenario
from schoolsystem.brokerage.models import RoundSchool
from schoolsystem.core.errors import InvalidTransition, NotEligible, ValidationFailed
from schoolsystem.core.formatting import in_sentence
from schoolsystem.improvement.models import AcademyOrder, Case
from tests.brokerage.conftest import make_school
from tests.brokerage.test_services import approve, planned_round


def _round(area, officer, title="Orders"):
    return services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title=title)


def _page(client, officer, r):
    client.force_login(officer)
    return client.get(reverse("brokerage:round", args=[r.pk])).content.decode()


# 1. Actions offered only when their rule allows them ------------------------------------------------------------


def test_empty_round_offers_neither_shortlists_nor_a_plan_and_says_why(client, area, officer):
    r = _round(area, officer)
    page = _page(client, officer, r)
    assert "Draw up shortlists" not in page and "Propose the optimal plan" not in page
    assert f"{rules.NO_SCHOOLS}." in page.replace("&#x27;", "'")
    # The service refuses with the same words, for the same rule.
    for act in (services.round_shortlist, services.round_plan):
        with pytest.raises(ValidationFailed) as exc:
            act(by=officer, round=r)
        assert exc.value.message == rules.NO_SCHOOLS


def test_round_with_schools_offers_both(client, area, officer):
    r = _round(area, officer)
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    page = _page(client, officer, r)
    assert "Draw up shortlists" in page and "Propose the optimal plan" in page
    assert "Add a school to the round first" not in page


def test_round_with_an_approved_proposal_is_not_offered_a_new_plan(client, area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    page = _page(client, officer, r)
    assert "Propose the optimal plan" in page  # every proposal still only proposed: re-planning is allowed
    for p in r.proposals.all():
        approve(p, officer)
    r.refresh_from_db()
    # Approved into trusts of the register: the hand-offs are still to come.
    assert r.status == RoundStatus.PLANNED
    page = _page(client, officer, r)
    assert "Propose the optimal plan" not in page
    refusal = rules.plan_refusal(n_schools=2, proposal_statuses=[ProposalStatus.APPROVED] * 2)
    assert f"{refusal}." in page
    assert "2 have moved on from proposed (2 approved)" in refusal
    # The status says what is left: every move approved, the hand-offs still to record.
    status = page.split("Status</dt>")[1].split("</dd>")[0]
    assert "Plan proposed: every school's move is approved by the advisory board" in status, status
    assert "2 hand-offs still to record" in status
    # Clicking anyway (a stale page) gets the same words from the service.
    with pytest.raises(InvalidTransition) as exc:
        services.round_plan(by=officer, round=r)
    assert exc.value.message == refusal


def test_one_proposal_under_way_blocks_re_planning_with_its_count(area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    services.proposal_start_due_diligence(by=officer, proposal=r.proposals.first())
    with pytest.raises(InvalidTransition, match=r"1 has moved on from proposed \(1 trust's due diligence\)$"):
        services.round_plan(by=officer, round=r)


def test_withdrawn_proposal_refusal_says_how_the_school_can_be_brokered_again(area, officer):
    msg = rules.plan_refusal(
        n_schools=2, proposal_statuses=[ProposalStatus.WITHDRAWN, ProposalStatus.HANDED_OVER]
    )
    assert "(1 withdrawn, 1 handed over)" in msg and msg.endswith("can be brokered in a new round")
    assert rules.plan_refusal(n_schools=2, proposal_statuses=[ProposalStatus.PROPOSED] * 2) is None


def test_hand_offs_pending_is_zero_while_a_school_is_still_being_worked(area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    first, second = r.proposals.order_by("pk")
    approve(first, officer)
    assert selectors.hand_offs_pending(selectors.round_schools(r)) == 0
    approve(second, officer)
    assert selectors.hand_offs_pending(selectors.round_schools(r)) == 2
    services.proposal_hand_off(by=officer, proposal=first, effective_on=date(2026, 4, 1))
    assert selectors.hand_offs_pending(selectors.round_schools(r)) == 1


# 2. An academy-order round lists the schools it can take ------------------------------------------------------


def _case(school, by, **kw):
    return Case.objects.create(
        school=school, state_changed_on=timezone.now(), sector="maintained", opened_by=by, **kw
    )


@pytest.fixture
def order_area(area, officer):
    la = area["la"]
    ordered = make_school(la, "Ordered Primary", 504_800, 150_300, ofsted_rating="Good")
    case = _case(ordered, officer, state="intervention_chosen", intervention="sponsored_academy")
    AcademyOrder.objects.create(case=case, issued_on=date(2026, 3, 2), issued_by=officer)
    other = make_school(la, "Supported Primary", 504_900, 150_400, ofsted_rating="Inadequate")
    _case(other, officer, state="implementation", intervention="third_party_support")
    academy = make_school(
        la, "Weak Academy", 505_100, 150_600, ofsted_rating="Inadequate", type_group="Academies"
    )
    busy = make_school(la, "Busy Primary", 505_200, 150_700, ofsted_rating="Special measures")
    services.round_add_school(by=officer, round=_round(area, officer, "Elsewhere"), establishment=busy)
    return {"ordered": ordered, "other": other, "academy": academy, "busy": busy}


def test_academy_order_round_lists_the_schools_it_can_take(client, area, officer, order_area):
    r = _round(area, officer)
    choices = dict(selectors.academy_order_choices(r, officer))
    assert set(choices) == {area["needy"], order_area["ordered"]}
    assert choices[order_area["ordered"]] == "Academy order issued on 2 March 2026"
    assert choices[area["needy"]].startswith("Ofsted: Inadequate")
    # Each school listed is one the service takes; each left out is one it refuses.
    for school in (order_area["other"], order_area["academy"], order_area["busy"]):
        with pytest.raises(NotEligible):
            services.round_add_school(by=officer, round=r, establishment=school)
    for school in choices:
        services.round_add_school(by=officer, round=r, establishment=school)
    assert selectors.academy_order_choices(r, officer) == []  # already in the round


def test_round_page_lists_them_with_an_add_button_in_few_queries(client, area, officer, order_area):
    r = _round(area, officer)
    client.force_login(officer)
    for i in range(6):  # more qualifying schools: no more queries
        make_school(
            area["la"], f"Failing Primary {i}", 505_000 + i * 100, 151_000, ofsted_rating="Inadequate"
        )
    url = reverse("brokerage:round", args=[r.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6, 20):
        make_school(
            area["la"], f"Failing Primary {i}", 505_000 + i * 100, 151_000, ofsted_rating="Inadequate"
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few) <= 10  # 9 measured: the choices take 4 whatever their number
    assert 'id="order-choices"' in page and "Failing Primary 19" in page and "Ordered Primary" in page
    assert "Supported Primary" not in page and "Weak Academy" not in page and "Busy Primary" not in page
    assert f'name="urn" value="{order_area["ordered"].urn}"' in page
    assert '<span class="govuk-visually-hidden"> Ordered Primary</span>' in page
    resp = client.post(url, {"action": "add", "urn": order_area["ordered"].urn})
    assert resp.status_code == 302
    assert RoundSchool.objects.filter(round=r, establishment=order_area["ordered"]).exists()
    assert "Ordered Primary" not in client.get(url).content.decode().split('id="order-choices"')[-1]


def test_other_scenarios_list_no_choices(client, area, regional):
    r = services.round_create(by=regional, la=area["la"], scenario=Scenario.REBROKERAGE, title="Move")
    assert 'id="order-choices"' not in _page(client, regional, r)


# 3. A blank phase -----------------------------------------------------------------------------------------------


def test_blank_phase_reads_as_on_the_school_page(client, area, officer):
    special = make_school(
        area["la"], "Chestermere Park", 505_300, 150_800, phase="", ofsted_rating="Inadequate"
    )
    r = _round(area, officer)
    services.round_add_school(by=officer, round=r, establishment=special)
    page = _page(client, officer, r)
    assert (
        '<td class="govuk-table__cell">Not applicable</td>' in page
    )  # GIAS's word for a special school's phase
    assert "Not applicable" in client.get(reverse("registry:school", args=[special.urn])).content.decode()


# 4. Labels inside sentences keep their capitals -------------------------------------------------------------------


def test_other_intervention_keeps_nle_and_national_support_school(area, officer):
    _case(area["needy"], officer, state="implementation", intervention="third_party_support")
    with pytest.raises(NotEligible) as exc:
        services.round_add_school(by=officer, round=_round(area, officer), establishment=area["needy"])
    assert "third-party support (another school, an NLE or National Support School)" in exc.value.message
    assert "nle" not in exc.value.message and "national support school" not in exc.value.message


def test_in_sentence_lowers_only_a_first_letter_that_is_not_an_acronym():
    assert in_sentence("Trust's due diligence") == "trust's due diligence"
    assert in_sentence("NLE support") == "NLE support"
    assert in_sentence("ASP limit") == "ASP limit"
    assert in_sentence("") == ""


@given(st.text(st.characters(codec="ascii"), min_size=1))
def test_in_sentence_changes_nothing_after_the_first_letter(label):
    out = in_sentence(label)
    assert out[1:] == label[1:] and out[0] in {label[0], label[0].lower()}
