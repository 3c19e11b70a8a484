"""User review of the demo: the proposal page said only "Fit 75.4 of 100, 1.9 km", and the public decision's
"Options considered" listed only the chosen trust (a round planned straight away has no stored shortlist). The page
now breaks the fit down as the engine scored it and links to the school's shortlist; the register lists the
eligible partners considered, with their fit."""

from datetime import date

from django.urls import reverse

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.models import Candidate
from schoolsystem.improvement.models import Decision
from tests.brokerage.test_services import walk_to_decision


def planned_without_shortlists(area, by):
    r = services.round_create(by=by, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    services.round_add_school(by=by, round=r, establishment=area["needy"])
    r = services.round_plan(by=by, round=r)
    assert not Candidate.objects.filter(round_school__round=r).exists()
    return r.proposals.get()


def test_proposal_page_breaks_the_fit_down_and_links_to_the_shortlist(client, area, officer):
    p = planned_without_shortlists(area, officer)
    fit = selectors.proposal_fit(p)
    assert abs(sum(part.points for part in fit.parts) - p.fit) < 0.1  # the parts make up the fit
    # The school lists no preferences (an academy-order round): that part is not counted, nor shown, and the
    # weights shown make up 100%.
    assert "The school's preference" not in [part.label for part in fit.parts]
    assert abs(sum(part.share_percent for part in fit.parts) - 100) < 1e-6
    assert {c.name for c in fit.considered} == {"Oak Trust", "Ash Trust", "Diocesan Trust"}
    assert [c.fit for c in fit.considered] == sorted((c.fit for c in fit.considered), reverse=True)
    assert [c.name for c in fit.considered if c.proposed] == [p.partner_name]
    client.force_login(officer)
    page = client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()
    assert "The fit of " + p.partner_name + ", part by part" in page
    assert ">Distance to the partner&#x27;s nearest school</th>" in page
    assert reverse("brokerage:school-shortlist", args=[area["needy"].urn]) in page
    for other in {"Oak Trust", "Ash Trust", "Diocesan Trust"} - {p.partner_name}:
        assert f'<td class="govuk-table__cell">{other}</td>' in page
    assert f"<strong>{p.partner_name}</strong> (proposed)" in page


def test_register_lists_the_partners_considered_with_their_fit(area, officer):
    p = walk_to_decision(planned_without_shortlists(area, officer), officer)
    services.board_decide(
        by=officer,
        proposal=p,
        outcome="approved",
        reasons="Best fit.",
        decided_on=date(2026, 1, 9),
        decided_by_name="Regional advisory board",
    )
    options = Decision.objects.get().options_considered
    assert len(options) == 3
    chosen = next(o for o in options if o.startswith(p.partner_name))
    assert chosen.endswith(", the partner proposed") and f"fit {p.fit:.1f} of 100" in chosen
    others = [o for o in options if not o.startswith(p.partner_name)]
    assert all(o.split(" (fit ")[0] in {"Oak Trust", "Ash Trust", "Diocesan Trust"} for o in others)
    assert all(" km)" in o and "proposed" not in o for o in others)


def test_proposal_page_query_count_does_not_grow_with_the_partners_considered(
    client, area, officer, django_assert_max_num_queries
):
    p = planned_without_shortlists(area, officer)
    client.force_login(officer)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("brokerage:proposal", args=[p.pk])).status_code == 200
