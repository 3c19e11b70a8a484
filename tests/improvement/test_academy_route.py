"""Third casework review: casework knows a school's academy route already under way (brokerage sponsor matches,
academy orders) and refuses a second academy order; the case page says what happens next at every stage, for the
signed-in role; an escalated case is in the regional officer's (and the LA officer's) what is due; a school with
an open case links it wherever "Open a case" would be offered."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.improvement import selectors, services
from schoolsystem.improvement.constants import AcademyOrderState, CaseState, InterventionOption
from schoolsystem.improvement.models import AcademyOrder, Case
from tests.improvement.factories import PATHS, case_in_state, consult, make_school


def _match(
    school, la, *, status="handed_over", partner="Fenwick Learning Trust", effective_in_days=60, ref="R-1"
):
    """A brokerage proposal matching `school` with a partner trust, in a round in `la`'s area."""
    from schoolsystem.brokerage.models import HandOff, Proposal, Round, RoundSchool
    from schoolsystem.registry.models import Group

    group = Group.objects.create(name=partner, group_type="multi_academy_trust", la=la)
    round_ = Round.objects.create(
        reference=ref, title=f"Sponsor for {school.name}", scenario="academy_order", la=la
    )
    rs = RoundSchool.objects.create(round=round_, establishment=school)
    proposal = Proposal.objects.create(
        round=round_,
        round_school=rs,
        partner_key=f"group:{group.pk}",
        partner_name=partner,
        group=group,
        fit=0.8,
        status=status,
        status_changed_on=timezone.now(),
    )
    if status == "handed_over":
        HandOff.objects.create(
            proposal=proposal, effective_on=timezone.localdate() + timedelta(days=effective_in_days)
        )
    return proposal


def _escalated(school, officer, regional):
    case = case_in_state(CaseState.ESCALATED, school=school, by=officer)
    consult(case, regional)
    case.refresh_from_db()
    return case


def _choose(case, by, option):
    return services.case_choose_intervention(
        case=case,
        by=by,
        option=option,
        rationale="Special measures; no capacity to improve.",
        options_considered=["IEB", "Academy order"],
        criteria=["Inadequate"],
    )


# ---------------------------------------------------------------------------------------------------------------
# 1. The academy route already under way


def test_an_approved_sponsor_match_refuses_every_intervention(las, inadequate_a, officer, regional):
    """A second academy order, and any other intervention: brokerage and casework do not both decide a school's
    future (brokerage refuses its match once the case chose another intervention, the same rule the other way)."""
    case = _escalated(inadequate_a, officer, regional)
    proposal = _match(inadequate_a, las[0])
    for option in (InterventionOption.SPONSORED_ACADEMY, InterventionOption.IEB):
        with pytest.raises(ValidationFailed) as exc:
            _choose(case, regional, option)
        message = exc.value.extra["errors"]["option"][0]
        assert message.startswith("Birch Primary already has an approved sponsor match")
        assert proposal.partner_name in message and "R-1" in message and "joining on" in message
        assert "No intervention can be chosen while it stands" in message
    assert not AcademyOrder.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED and not case.intervention
    # Once the match is no longer standing (declined), the choice is casework's again.
    type(proposal).objects.filter(pk=proposal.pk).update(status="declined")
    assert _choose(case, regional, InterventionOption.IEB).intervention == InterventionOption.IEB


@pytest.mark.parametrize("status", ["approved", "handed_over"])
def test_case_page_shows_the_match_and_offers_no_intervention(
    client, las, inadequate_a, officer, regional, status
):
    case = _escalated(inadequate_a, officer, regional)
    proposal = _match(inadequate_a, las[0], status=status)
    client.force_login(regional)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Academy order and sponsor matches" in page
    assert "Brokerage round R-1" in page and "Fenwick Learning Trust" in page
    assert reverse("brokerage:proposal", args=[proposal.pk]) in page
    assert 'id="academy-order-refused"' in page and "No intervention can be chosen while it stands" in page
    assert reverse("improvement:case-action", args=[case.pk, "choose_intervention"]) not in page
    # The intervention page has no form, and says why.
    response = client.get(reverse("improvement:case-action", args=[case.pk, "choose_intervention"]))
    body = response.content.decode()
    assert response.status_code == 200 and "form" not in response.context
    assert "Birch Primary already has an approved sponsor match" in body


def test_a_match_not_yet_approved_is_shown_and_leaves_the_academy_order(
    client, las, inadequate_a, officer, regional
):
    case = _escalated(inadequate_a, officer, regional)
    _match(inadequate_a, las[0], status="due_diligence")
    _match(inadequate_a, las[0], status="declined", partner="Declined Trust", ref="R-2")
    client.force_login(regional)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Trust&#x27;s due diligence" in page or "Trust's due diligence" in page
    assert "Declined Trust" not in page  # a declined match is over
    assert "academy-order-refused" not in page
    chosen = _choose(case, regional, InterventionOption.SPONSORED_ACADEMY)
    assert chosen.academy_order.state == AcademyOrderState.ISSUED


def test_an_academy_order_in_force_on_another_case_refuses_a_second(
    client, las, inadequate_a, officer, regional
):
    first = Case.objects.create(
        school=inadequate_a,
        state="closed",
        state_changed_on=timezone.now(),
        sector="maintained",
        opened_by=officer,
        intervention="sponsored_academy",
    )
    AcademyOrder.objects.create(case=first, issued_on=timezone.localdate(), issued_by=regional)
    case = _escalated(inadequate_a, officer, regional)
    with pytest.raises(ValidationFailed, match="already has an academy order, issued on"):
        _choose(case, regional, InterventionOption.SPONSORED_ACADEMY)
    client.force_login(regional)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Academy order issued" in page and reverse("improvement:case-detail", args=[first.pk]) in page
    assert 'id="academy-order-refused"' in page


def test_risk_screen_shows_the_match(client, las, inadequate_a, officer):
    _match(inadequate_a, las[0])
    client.force_login(officer)
    page = client.get(reverse("performance:school-risk", args=[inadequate_a.urn])).content.decode()
    assert "Academy order and sponsor matches" in page and "Brokerage round R-1" in page


def test_a_match_in_a_round_outside_the_officers_area_is_shown_without_a_link(
    client, las, inadequate_a, officer, regional
):
    """The school is in the LA officer's area, the round in another LA's: the fact is casework's (it refuses the
    order), the round's page is not theirs to open."""
    case = _escalated(inadequate_a, officer, regional)
    proposal = _match(inadequate_a, las[1])
    client.force_login(officer)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Brokerage round R-1" in page
    assert reverse("brokerage:proposal", args=[proposal.pk]) not in page


def test_academy_routes_take_two_queries_whatever_the_number_of_schools(las, officer):
    schools = [make_school(las[0], 100100 + i, ofsted_rating="Inadequate") for i in range(4)]
    _match(schools[0], las[0])
    with CaptureQueriesContext(connection) as one:
        selectors.academy_routes(officer, [schools[0].pk])
    for i, s in enumerate(schools[1:], start=2):
        _match(s, las[0], partner=f"Trust {i}", ref=f"R-{i}")
    with CaptureQueriesContext(connection) as many:
        routes = selectors.academy_routes(officer, [s.pk for s in schools])
    assert len(many) == len(one) == 2
    assert all(routes[s.pk].refusal(s.name) for s in schools)


# ---------------------------------------------------------------------------------------------------------------
# 2. What happens next, and an escalated case in what is due


@pytest.mark.parametrize("state", list(PATHS))
def test_case_page_says_what_happens_next_at_every_stage(client, inadequate_a, officer, state):
    case = case_in_state(state, school=inadequate_a, by=officer)
    client.force_login(officer)
    response = client.get(reverse("improvement:case-detail", args=[case.pk]))
    assert 'id="next-step"' in response.content.decode()
    assert response.context["next_step"]


def test_escalated_case_names_the_regional_officer_for_each_role(client, inadequate_a, officer, regional):
    case = case_in_state(CaseState.ESCALATED, school=inadequate_a, by=officer)
    client.force_login(officer)
    assert (
        "a regional officer chooses the intervention"
        in client.get(reverse("improvement:case-detail", args=[case.pk])).context["next_step"]
    )
    client.force_login(regional)
    response = client.get(reverse("improvement:case-detail", args=[case.pk]))
    assert "you choose the intervention" in response.context["next_step"]
    # Not consulted yet: the page says so where "Choose an intervention" would be.
    assert 'id="intervention-not-yet"' in response.content.decode()
    consult(case, regional)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert reverse("improvement:case-action", args=[case.pk, "choose_intervention"]) in page


def test_inadequate_maintained_school_page_says_an_academy_order_is_possible(client, inadequate_a, officer):
    case = case_in_state(CaseState.MONITORING, school=inadequate_a, by=officer)
    client.force_login(officer)
    next_step = client.get(reverse("improvement:case-detail", args=[case.pk])).context["next_step"]
    assert "a regional officer may choose an academy order" in next_step


def test_la_officer_is_not_offered_the_regional_officers_moves_for_an_academy(
    client, academy_a, officer, regional
):
    case = case_in_state(CaseState.MONITORING, school=academy_a, by=regional)
    client.force_login(officer)
    response = client.get(reverse("improvement:case-detail", args=[case.pk]))
    assert "issue_warning_notice" not in [a for a, _ in response.context["actions"]]
    assert "a regional officer issues a warning notice" in response.context["next_step"]
    client.force_login(regional)
    response = client.get(reverse("improvement:case-detail", args=[case.pk]))
    assert "issue_warning_notice" in [a for a, _ in response.context["actions"]]


def test_escalated_case_is_due_for_the_regional_officer_and_the_la_officer(
    client, las, inadequate_a, school_a, officer, regional, make_user
):
    case = _escalated(inadequate_a, officer, regional)  # consulted: an intervention can be chosen
    client.force_login(regional)
    page = client.get(reverse("improvement:home")).content.decode()
    assert "Escalated: choose the intervention: Birch Primary" in page
    assert reverse("improvement:case-detail", args=[case.pk]) in page
    labels = [t.label for t in selectors.tasks_for_user(officer)]
    assert "Escalated to the regional officer, who chooses the intervention: Birch Primary" in labels
    # Another region's officer is not told.
    other = make_user("regional_officer", scope_region="South East")
    assert not any("Birch Primary" in t.label for t in selectors.tasks_for_user(other))
    # Queries do not grow with escalated cases.
    with CaptureQueriesContext(connection) as one:
        selectors.tasks_for_user(regional)
    case_in_state(CaseState.ESCALATED, school=school_a, by=officer)
    with CaptureQueriesContext(connection) as two:
        tasks = selectors.tasks_for_user(regional)
    assert len(two) == len(one)
    assert sum(1 for t in tasks if t.label.startswith("Escalated")) == 2


# ---------------------------------------------------------------------------------------------------------------
# 3. An open case is linked, not a second one offered


def test_school_with_an_open_case_links_it_instead_of_offering_a_second(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    url = reverse("improvement:case-detail", args=[case.pk])
    client.force_login(officer)
    cases_page = client.get(reverse("improvement:school-cases", args=[school_a.urn])).content.decode()
    assert f'href="{url}">Open case: monitoring</a>' in cases_page and "Open a case" not in cases_page
    risk_page = client.get(reverse("performance:school-risk", args=[school_a.urn])).content.decode()
    assert f'href="{url}">Open case: monitoring</a>' in risk_page and "Open a case" not in risk_page
    school_page = client.get(reverse("registry:school", args=[school_a.urn])).content.decode()
    assert "Open case: monitoring" in school_page and "Open a case" not in school_page
    # Arriving at the form anyway (an old link) goes to the open case, saying so, before anything is typed.
    response = client.get(reverse("improvement:case-open"), {"urn": school_a.urn, "source": "risk_screen"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Alder Primary already has an open case: monitoring" in page


def test_school_without_an_open_case_still_offers_one(client, school_a, officer):
    case_in_state(CaseState.CLOSED, school=school_a, by=officer)
    client.force_login(officer)
    cases_page = client.get(reverse("improvement:school-cases", args=[school_a.urn])).content.decode()
    assert "Open a case" in cases_page
    assert client.get(reverse("improvement:case-open"), {"urn": school_a.urn}).status_code == 200


def test_what_is_due_asks_to_choose_the_intervention_only_when_the_case_page_offers_it(
    client, las, inadequate_a, school_a, officer, regional
):
    """Found in review: 'What is due' told the regional officer to choose the intervention for an escalated case
    whose page offered no intervention. The same rule as the case page (`intervention_choice`) now words it."""
    not_consulted = case_in_state(CaseState.ESCALATED, school=school_a, by=officer)
    decided = _escalated(inadequate_a, officer, regional)
    _match(inadequate_a, las[0], status="approved")
    labels = [t.label for t in selectors.tasks_for_user(regional)]
    assert not any(label.startswith("Escalated: choose the intervention") for label in labels)
    assert (
        "Escalated: the intervention cannot be chosen yet (the case says what is missing): Alder Primary"
        in labels
    )
    assert (
        "Escalated: no intervention is chosen while the school's academy route stands or is decided in "
        "brokerage: Birch Primary"
    ) in labels
    client.force_login(regional)
    for case in (not_consulted, decided):  # the case pages agree: no link to choose one
        page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
        assert reverse("improvement:case-action", args=[case.pk, "choose_intervention"]) not in page
    # Queries do not grow with escalated cases.
    with CaptureQueriesContext(connection) as before:
        selectors.tasks_for_user(regional)
    third = make_school(las[0], 100088, name="Rowan Primary")
    _escalated(third, officer, regional)
    with CaptureQueriesContext(connection) as after:
        labels = [t.label for t in selectors.tasks_for_user(regional)]
    assert len(after) == len(before)
    assert "Escalated: choose the intervention: Rowan Primary" in labels


@pytest.mark.parametrize(
    ("state", "shown"),
    [(AcademyOrderState.ISSUED, "Issued {d}</p>"), (AcademyOrderState.REVOKED, "Issued {d}; order revoked")],
)
def test_case_page_says_when_the_order_was_issued_once(client, inadequate_a, officer, regional, state, shown):
    case = _escalated(inadequate_a, officer, regional)
    today = timezone.localdate()
    AcademyOrder.objects.create(case=case, issued_on=today, issued_by=regional, state=state)
    client.force_login(regional)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert shown.format(d=f"{today.day} {today:%b %Y}") in page
    assert "(issued " not in page


def test_an_administrator_opens_the_case_and_risk_pages_of_a_school_with_a_match(
    client, las, inadequate_a, officer, regional, make_user
):
    """Found by crawling the demo as its administrator: both pages were a 500, because an administrator's proposal
    scope is an empty Q, which Django refuses as a When() condition. An administrator may open every proposal."""
    case = _escalated(inadequate_a, officer, regional)
    proposal = _match(inadequate_a, las[1])
    admin = make_user("public", is_staff=True, is_superuser=True)
    assert selectors.academy_route(admin, inadequate_a).matches[0].visible
    client.force_login(admin)
    for url in (
        reverse("improvement:case-detail", args=[case.pk]),
        reverse("performance:school-risk", args=[inadequate_a.urn]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert reverse("brokerage:proposal", args=[proposal.pk]) in response.content.decode()
