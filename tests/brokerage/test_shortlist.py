"""The school shortlist page: one candidate per organisation, distances in km, markers that do not cover each
other, and excluded partners grouped by the rules they fail."""

import math
import re

from django.urls import reverse

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.maps import MARKER_GAP, shortlist_svg, spread
from schoolsystem.brokerage.models import PartnerProfile
from schoolsystem.engines.matching.types import ScoredCandidate
from tests.brokerage.conftest import make_school, make_trust


def test_markers_at_one_place_are_spread_round_it_and_a_lone_marker_stays():
    points = [(100.0, 100.0), (100.0, 100.0), (105.0, 98.0), (300.0, 300.0), (60.0, 100.0)]
    school = (70.0, 100.0)
    out = spread(points, fixed=[school])
    assert out[0] == (100.0, 100.0) and out[3] == (
        300.0,
        300.0,
    )  # the best rank keeps its place; so does a lone one
    for a in range(len(out)):
        assert math.dist(out[a], school) >= MARKER_GAP - 1e-6
        assert math.dist(out[a], points[a]) <= 3 * MARKER_GAP  # near where it is, with a leader line
        for b in range(a + 1, len(out)):
            assert math.dist(out[a], out[b]) >= MARKER_GAP - 1e-6
    assert spread(points, fixed=[school]) == out  # the same map every time


def test_map_numbers_each_marker_by_its_rank_and_none_overlap():
    class School:
        easting, northing, name = 500_000.0, 150_000.0, "Low Road Primary"

    cands = [ScoredCandidate(f"p{k}", f"P{k}", 80 - k, 2.0, (), rank=k) for k in (1, 2, 3)]
    same = (502_000.0, 150_000.0)
    svg = shortlist_svg(School(), cands, {"p1": same, "p2": same, "p3": (495_000.0, 152_000.0)})
    circles = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="9"', svg)]
    assert len(circles) == 3
    assert min(math.dist(a, b) for i, a in enumerate(circles) for b in circles[i + 1 :]) >= MARKER_GAP - 0.1
    school = re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="10"', svg).groups()
    assert min(math.dist(c, tuple(map(float, school))) for c in circles) >= MARKER_GAP - 0.1
    numbers = re.findall(r'text-anchor="middle">(\d+)</text>', svg)
    assert numbers == ["1", "2", "3"]


def test_a_sponsor_record_and_its_trust_are_one_candidate_with_the_trusts_capacity(area, officer):
    near = [make_school(area["la"], f"Tenacity {i}", 505_000 + 200 * i, 150_300) for i in range(2)]
    trust = make_trust("Tenacity Academy Trust", [near[0]])
    sponsor = make_trust("TENACITY ACADEMY TRUST", [near[1]], group_type="sponsor")
    PartnerProfile.objects.create(group=trust, capacity=1)
    partners = {p.id: p for p in selectors.trust_candidates()}
    assert f"group:{sponsor.pk}" not in partners
    merged = partners[f"group:{trust.pk}"]
    assert (near[1].easting, near[1].northing) in merged.locations and merged.capacity == 1
    # Two schools and no other trust with room: the trust takes one, not one as itself and one as its sponsor.
    for other in ("oak", "ash", "church"):
        PartnerProfile.objects.create(group=area[other], capacity=0)
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    for s in (area["needy"], make_school(area["la"], "Needy Two", 505_200, 150_400)):
        services.round_add_school(by=officer, round=r, establishment=s)
    r = services.round_plan(by=officer, round=r)
    keys = list(r.proposals.values_list("partner_key", flat=True))
    assert keys == [f"group:{trust.pk}"]
    assert r.plan_summary["orphans"] == 1


def test_shortlist_shows_km_as_distance_and_points_in_the_breakdown(client, area, officer):
    client.force_login(officer)
    page = client.get(reverse("brokerage:school-shortlist", args=[area["needy"].urn])).content.decode()
    head = page[page.index("<thead") : page.index("</thead>")]
    assert ">Distance to its nearest school</th>" in head and ">Points towards the fit</th>" in head
    body = page[page.index("<tbody") : page.index("</tbody>")]
    first = re.search(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S).group(1)
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', first, re.S)
    assert re.fullmatch(r"\d+\.\d km", cells[2])  # the distance column
    assert all(re.fullmatch(r"\d+\.\d", c) for c in cells[4:])  # the points


def test_excluded_partners_are_grouped_by_reason_with_a_count(
    client, area, officer, django_assert_max_num_queries
):
    # Ten trusts the church school cannot join for the same reason, and one for two reasons.
    for i in range(10):
        make_trust(
            f"Secular Trust {i}", [make_school(area["la"], f"Secular {i}", 507_000 + 100 * i, 151_000)]
        )
    make_trust(
        "Far Secondary Trust",
        [make_school(area["la"], "Far Secondary", 560_000, 151_000, phase="Secondary")],
    )
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        page = client.get(
            reverse("brokerage:school-shortlist", args=[area["church_needy"].urn])
        ).content.decode()
    summaries = re.findall(r'govuk-details__summary-text">([^<]*)</span>', page)
    faith_only = [s for s in summaries if s.startswith("Faith ethos:")]
    assert faith_only == ["Faith ethos: 12 partners"]  # the ten, Oak and Ash
    assert any(s.startswith("Faith ethos and Phase experience and Distance: 1 partner") for s in summaries)
    assert summaries == sorted(summaries, key=lambda s: -int(re.search(r": (\d+) partner", s).group(1)))
    assert page.count("<li>Secular Trust") == 10  # each listed once, inside its group


def test_a_planned_rounds_shortlist_explains_the_proposal_after_the_hand_off(client, area, officer):
    from schoolsystem.brokerage.demo import decide
    from tests.brokerage.test_services import planned_round

    r = planned_round(area, officer)
    p = r.proposals.get()
    decide(p, officer, reasons="Agreed.", hand_off=True)  # the school is now a member of its new trust
    client.force_login(officer)
    resp = client.get(reverse("brokerage:school-shortlist", args=[area["needy"].urn]))
    page = resp.content.decode()
    assert "as when its plan was proposed on" in page
    first = resp.context["shortlist"].ranked[0]
    assert (first.partner_id, first.fit) == (p.partner_key, p.fit)


def test_a_folded_sponsor_records_church_schools_give_the_trust_its_faith(area):
    # The trust's own school is not a church school; the two its sponsor record sponsors are.
    trust = make_trust("Faithful Trust", [make_school(area["la"], "Faithful Primary", 505_000, 150_300)])
    church = [
        make_school(
            area["la"], f"St Faith {i}", 505_100 + 100 * i, 150_300, religious_character="Church of England"
        )
        for i in range(2)
    ]
    make_trust("Faithful Trust", church, group_type="sponsor")
    merged = {p.id: p for p in selectors.trust_candidates()}[f"group:{trust.pk}"]
    assert merged.denomination == "Church of England" and merged.current_schools == 3
