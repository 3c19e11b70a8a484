import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from schoolsystem.core.audit import audit, snapshot
from schoolsystem.registry.models import Establishment, Group, Membership
from tests.registry.pages_seed import school, seed_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    return seed_system()


@pytest.fixture
def la_officer(make_user, system):
    return make_user("la_officer", scope_la=system["surrey"])


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ------------------------------------------------------------------------------------------------ sign-in, scope


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("registry:overview", {}),
        ("registry:school-search", {}),
        ("registry:school", {"urn": 140001}),
        ("registry:isolated", {}),
    ],
)
def test_pages_need_sign_in(client, system, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_group_page_needs_sign_in(client, system):
    response = client.get(reverse("registry:group", args=[system["mat"].pk]))
    assert response.status_code == 302


def test_overview_defaults_to_the_la_officers_la(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:overview"))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.area.label == "Surrey"
    assert overview.total == 8  # Hertfordshire's school is not counted
    assert overview.open == 7  # the closed predecessor is not open; proposed-to-close is


def test_school_and_trust_leaders_are_sent_from_the_overview_to_their_home(client, make_user, system):
    # Their homes (registry:my-school, registry:my-trust) are tested in test_role_homes.
    head = make_user("school_leader", scope_establishment=system["lone"])
    client.force_login(head)
    assert client.get(reverse("registry:overview")).url == reverse("registry:my-school")

    leader = make_user("trust_leader", scope_group=system["mat"])
    client.force_login(leader)
    assert client.get(reverse("registry:overview")).url == reverse("registry:my-trust")
    # Their own area is still what the school search shows by default.
    assert client.get(reverse("registry:school-search")).context["area"].label == "Oak Trust"


def test_regional_officer_defaults_to_their_region(client, make_user, system):
    client.force_login(make_user("regional_officer", scope_region="East of England"))
    overview = client.get(reverse("registry:overview")).context["overview"]
    assert (overview.area.label, overview.total) == ("East of England", 1)


def test_superuser_sees_england_and_can_choose_an_la(client, make_user, system):
    admin = make_user("public", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("registry:overview")).context["overview"].total == 9
    response = client.get(reverse("registry:overview"), {"la": "919"})
    assert response.context["overview"].area.label == "Hertfordshire"
    assert response.context["overview"].total == 1
    assert 'value="919" selected' in response.content.decode()


def test_unknown_la_code_is_not_found(client, la_officer):
    client.force_login(la_officer)
    assert client.get(reverse("registry:overview"), {"la": "999"}).status_code == 404


# --------------------------------------------------------------------------------------------------- overview


def test_overview_counts_by_type_phase_status_and_ofsted(client, la_officer):
    client.force_login(la_officer)
    o = client.get(reverse("registry:overview")).context["overview"]
    assert dict(o.by_status) == {"Open": 6, "Open, but proposed to close": 1, "Closed": 1}
    # (label, status Open, all recorded)
    assert {(r.label, r.open, r.all) for r in o.by_ofsted} == {
        ("Good", 2, 4),
        ("Outstanding", 1, 1),
        ("Requires improvement", 1, 1),
        ("Not recorded", 2, 2),
    }
    assert {(r.label, r.open, r.all) for r in o.by_phase} == {
        ("Primary", 4, 5),
        ("Secondary", 1, 1),
        ("Nursery", 0, 1),
        ("Not applicable", 1, 1),
    }
    assert [r.label for r in o.by_phase][0] == "Primary"
    assert {r.label: r.open for r in o.by_type}["Academy converter"] == 1
    assert {r.label: r.open for r in o.by_trust_flag}["Supported by a multi-academy trust"] == 2
    assert (o.state_funded_open, o.academies_open) == (6, 2)
    assert o.academy_share == pytest.approx(2 / 6)


def test_overview_shows_coverage_and_links_the_isolated_count(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:overview"))
    net = response.context["overview"].network
    assert net.isolated == (125004, 125005, 125007)
    coverage = {c.district: (c.schools, c.covered) for c in net.coverage}
    assert coverage == {"Guildford": (2, 1), "Tandridge": (1, 0), "Waverley": (1, 1), "Woking": (2, 1)}
    assert net.uncovered_districts == ("Tandridge",)
    page = text(response)
    assert f'href="{reverse("registry:isolated")}"' in page
    assert "No school is covered in: Tandridge" in page


# ----------------------------------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"q": "oak"}, [140001]),  # open schools by default: not the closed Oakwood Junior School
        ({"q": "oak", "status": "any"}, [140001, 125000]),
        ({"q": "125004"}, [125004]),
        ({"q": "gu1 2bb"}, [140002]),
        ({"q": "GU12BB"}, [140002]),
        ({"type": "Academy converter"}, [140001]),
        ({"phase": "Secondary"}, [140002]),
        ({"status": "closed"}, [125000]),
        ({"status": "open", "phase": "Nursery"}, []),
        ({"la": "919"}, [117001]),
    ],
)
def test_school_search_filters(client, la_officer, params, expected):
    client.force_login(la_officer)
    response = client.get(reverse("registry:school-search"), params)
    assert response.status_code == 200
    assert sorted(s.urn for s in response.context["page"].object_list) == sorted(expected)


def test_school_search_paginates_with_govuk_pagination(client, make_user):
    systems = seed_system(extra_schools=60)
    client.force_login(make_user("la_officer", scope_la=systems["surrey"]))
    response = client.get(reverse("registry:school-search"), {"q": "Extra", "page": 2})
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (2, 3, 25)
    html = response.content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'aria-current="page"' in html
    assert "q=Extra&amp;page=3" in html  # filters kept in page links


def test_school_search_csv_exports_every_matching_row_with_the_same_filters(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:school-search"), {"q": "academy", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="schools-surrey-academy-{today}.csv"'
    rows = csv_rows(response)
    assert rows[0][:3] == ["URN", "Name", "LA code"]
    assert sorted(r[0] for r in rows[1:]) == ["140001", "140002"]


def test_school_search_csv_neutralises_formulas(client, la_officer, system):
    school(system["surrey"], 199999, '=HYPERLINK("http://evil")')
    client.force_login(la_officer)
    rows = csv_rows(client.get(reverse("registry:school-search"), {"q": "199999", "format": "csv"}))
    assert rows[1][1].startswith("'=HYPERLINK")


# ------------------------------------------------------------------------------------------------- school page


def test_school_page_shows_details_memberships_chain_leaders_and_map(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:school", args=[140001]))
    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="govuk-heading-l">Oakwood Academy</h1>' in page
    assert "Oak Trust" in page and "Downs Teaching School Alliance" in page
    assert "Pat Jones" in page and "National Support School" in page
    # History chain: the closed junior school (linked, in the registry) and its own predecessor (not linked).
    chain = [(s.urn, s.relation, s.distance, s.in_registry) for s in response.context["chain"]]
    assert chain == [(100999, "predecessor", 2, False), (125000, "predecessor", 1, True)]
    assert f'href="{reverse("registry:school", args=[125000])}"' in page
    assert "Oakwood First School" in page
    # The map: accessible SVG, this school highlighted once, the LA's other open schools grey.
    svg = str(response.context["map"])
    assert 'role="img"' in svg and '<title id="school-map-title">' in svg
    assert svg.count('fill="#d4351c"') == 1
    assert svg.count('fill="#b1b4b6"') == 6  # 7 open in Surrey, less this one; Herts not drawn


def test_successor_chain_is_followed_from_the_predecessor(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:school", args=[125000]))
    chain = [(s.urn, s.relation) for s in response.context["chain"]]
    assert chain == [(100999, "predecessor"), (140001, "successor")]
    assert "is closed" in text(response)


def test_school_page_of_an_unknown_urn_is_404(client, la_officer):
    client.force_login(la_officer)
    assert client.get(reverse("registry:school", args=[999999])).status_code == 404


def test_school_page_more_links_skip_routes_that_do_not_exist(client, la_officer, monkeypatch):
    from schoolsystem.registry import school_links

    monkeypatch.setattr(
        school_links,
        "SCHOOL_LINKS",
        [("Find a school", "registry:school", None), ("Missing", "nowhere:page", None)],
    )
    client.force_login(la_officer)
    response = client.get(reverse("registry:school", args=[140001]))
    assert response.context["more_links"] == [("Find a school", "/schools/140001/")]
    assert "Missing" not in response.content.decode()


def test_audit_history_is_shown_to_officers_in_scope_only(client, make_user, la_officer, system):
    oakwood = system["oakwood"]
    before = snapshot(oakwood)
    oakwood.head_name = "Ms A Head"
    oakwood.save(update_fields=["head_name"])
    audit(obj=oakwood, action="establishment.updated", actor_label="import:gias", before=before)

    client.force_login(la_officer)
    response = client.get(reverse("registry:school", args=[140001]))
    assert response.context["show_audit"] is True
    page = text(response)
    assert "GIAS import" in page and "Establishment updated" in page and "Ms A Head" in page

    other_la = make_user("la_officer", scope_la=system["herts"])
    client.force_login(other_la)
    response = client.get(reverse("registry:school", args=[140001]))
    assert response.status_code == 200  # registry data is public
    assert response.context["show_audit"] is False
    assert "Establishment updated" not in response.content.decode()

    client.force_login(make_user("public"))
    assert (
        "Establishment updated" not in client.get(reverse("registry:school", args=[140001])).content.decode()
    )


# -------------------------------------------------------------------------------------------------- group page


def test_group_page_shows_members_over_time_and_map(client, la_officer, system):
    client.force_login(la_officer)
    response = client.get(reverse("registry:group", args=[system["mat"].pk]))
    assert response.status_code == 200
    members = [(m.establishment.urn, m.left_on is None) for m in response.context["members"]]
    assert members == [(140002, True), (140001, True), (125004, False)]
    assert (response.context["current_count"], response.context["past_count"]) == (2, 1)
    assert str(response.context["map"]).count('fill="#d4351c"') == 2
    assert "31 Aug 2019" in response.content.decode()
    scorecard = reverse("performance:scorecard", args=[system["mat"].pk])
    assert f'href="{scorecard}"' in response.content.decode()
    assert client.get(scorecard).status_code == 200


def test_group_members_csv(client, la_officer, system):
    client.force_login(la_officer)
    rows = csv_rows(client.get(reverse("registry:group", args=[system["mat"].pk]), {"format": "csv"}))
    assert rows[0] == ["URN", "Name", "Local authority", "Role", "Joined", "Left", "Status"]
    assert rows[3] == [
        "125004",
        "Ash Infant School",
        "Surrey",
        "Member",
        "2016-01-01",
        "2019-08-31",
        "Former",
    ]


def test_unknown_group_is_404(client, la_officer):
    client.force_login(la_officer)
    assert client.get(reverse("registry:group", args=[987654])).status_code == 404


# --------------------------------------------------------------------------------------------- isolated schools


def test_isolated_schools_list_and_csv(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:isolated"))
    assert [s.urn for s in response.context["page"].object_list] == [125004, 125005, 125007]
    rows = csv_rows(client.get(reverse("registry:isolated"), {"format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["125004", "125005", "125007"]


def test_the_isolated_list_and_the_network_analysis_agree_on_every_kind_of_tie(system):
    """The list is one query; the overview's count comes from `engines.network`. The same schools for each case:
    a tie only to a closed group, a tie that ended, a live partnership, a proposed-to-close school, a closed
    school and an independent school with no tie."""
    from schoolsystem.registry import selectors

    surrey = system["surrey"]
    closed_group = Group.objects.create(name="Old Federation", group_type="federation", status="closed")
    partnership = Group.objects.create(name="Heads Network", group_type="collaborative_partnership")
    only_closed = school(surrey, 125101, "Tied Only To A Closed Group")
    ended = school(surrey, 125102, "Left Its Trust")
    partner = school(surrey, 125103, "Partnership Member")
    closing = school(surrey, 125104, "Proposed To Close", status="proposed_to_close")
    school(surrey, 125105, "Closed School", status="closed")
    school(surrey, 125106, "Independent", state_funded=False, type_group="Independent schools")
    Membership.objects.create(establishment=only_closed, group=closed_group)
    Membership.objects.create(establishment=ended, group=partnership, left_on=date(2020, 7, 31))
    Membership.objects.create(establishment=partner, group=partnership)
    area = selectors.Area("la", surrey.name, Q(la_id=surrey.pk), la=surrey)
    listed = [e.urn for e in selectors.isolated_schools(area)]
    assert sorted(listed) == list(selectors.network_analysis(area).isolated)
    assert {only_closed.urn, ended.urn, closing.urn} <= set(listed) and partner.urn not in listed
    assert not {125105, 125106} & set(listed)


def test_isolated_list_follows_the_area(client, la_officer):
    client.force_login(la_officer)
    response = client.get(reverse("registry:isolated"), {"la": "919"})
    assert [s.urn for s in response.context["page"].object_list] == [117001]


# ------------------------------------------------------------------------------------------------ query counts


@pytest.fixture
def big_system(make_user):
    systems = seed_system(extra_schools=120)
    from schoolsystem.registry.models import Group, Membership

    groups = [
        Group.objects.create(name=f"Partnership {i}", group_type="collaborative_partnership")
        for i in range(30)
    ]
    extras = list(systems["surrey"].establishments.filter(urn__gte=150000).order_by("urn"))
    for i, establishment in enumerate(extras[:90]):
        Membership.objects.create(establishment=establishment, group=groups[i % 30])
    big = Group.objects.create(name="Big Partnership", group_type="local_strategic_partnership")
    for establishment in extras[:60]:
        Membership.objects.create(establishment=establishment, group=big)
    return systems


@pytest.mark.parametrize(
    "name,params,max_queries",
    [
        ("registry:overview", {}, 16),
        ("registry:school-search", {}, 10),
        ("registry:school-search", {"format": "csv"}, 8),
        ("registry:isolated", {}, 12),
        ("registry:isolated", {"format": "csv"}, 10),
    ],
)
def test_list_pages_do_not_query_per_row(
    client, make_user, big_system, django_assert_max_num_queries, name, params, max_queries
):
    client.force_login(make_user("la_officer", scope_la=big_system["surrey"]))
    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(name), {**params, "page": 1} if "format" not in params else params)
        if params.get("format") == "csv":
            rows = csv_rows(response)
            assert len(rows) > 30
        else:
            assert response.status_code == 200


def test_group_and_school_pages_do_not_query_per_member(
    client, make_user, big_system, django_assert_max_num_queries
):
    from schoolsystem.registry.models import Group

    group = Group.objects.get(name="Big Partnership")
    client.force_login(make_user("la_officer", scope_la=big_system["surrey"]))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("registry:group", args=[group.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        rows = csv_rows(client.get(reverse("registry:group", args=[group.pk]), {"format": "csv"}))
        assert len(rows) == 61
    # 16, plus one access check per link to another app's page about the school (risk, casework, brokerage):
    # a fixed number, not one per member.
    with django_assert_max_num_queries(20):
        assert client.get(reverse("registry:school", args=[140001])).status_code == 200


def test_membership_status_tells_current_left_leaving_and_planned(client, la_officer, system):
    today = timezone.localdate()
    lone = Establishment.objects.get(urn=125005)
    # A brokered move recorded ahead of its effective date: leaves one trust and joins another next term.
    old = Group.objects.create(name="Elder Trust", group_type="mat", la=system["surrey"])
    Membership.objects.create(
        establishment=lone, group=old, joined_on=date(2017, 9, 1), left_on=today + timedelta(days=60)
    )
    Membership.objects.create(establishment=lone, group=system["mat"], joined_on=today + timedelta(days=60))
    client.force_login(la_officer)
    page = text(client.get(reverse("registry:school", args=[125005])))
    assert re.search(r"Elder Trust.*?Leaving</strong> \d", page)
    assert re.search(r"Oak Trust.*?Planned</strong> from the joining date", page)
    assert "Current</strong>" not in page
    group_page = text(client.get(reverse("registry:group", args=[system["mat"].pk])))
    assert "Planned</strong>" in group_page and "Left 31 Aug 2019" in group_page
    assert group_page.count("Current</strong>") == 2  # Oakwood and Elm
    # Found in review: the planned school was counted, and mapped, as a current member.
    response = client.get(reverse("registry:group", args=[system["mat"].pk]))
    counts = [response.context[k] for k in ("current_count", "planned_count", "past_count")]
    assert counts == [2, 1, 1]
    assert "2 current, 1 planned to join, 1 former" in text(response)
    assert str(response.context["map"]).count('fill="#d4351c"') == 2
    rows = csv_rows(client.get(reverse("registry:group", args=[system["mat"].pk]), {"format": "csv"}))
    assert sorted(r[-1] for r in rows[1:]) == ["Current", "Current", "Former", "Planned"]
    # The trust it is leaving still counts it as a current member until the day it leaves.
    assert client.get(reverse("registry:group", args=[old.pk])).context["current_count"] == 1


@pytest.mark.parametrize(
    "role,scope,expected",
    [
        ("la_officer", "la", ["Report card", "Risk screen", "Casework", "Brokerage shortlist"]),
        ("trust_leader", "trust", ["Report card", "Risk screen", "Casework"]),
        ("school_leader", "school", ["Report card", "Risk screen", "Casework"]),
        ("school_leader", "other_school", ["Report card"]),
        ("public", None, ["Report card"]),
        ("assessor", None, ["Report card"]),
    ],
)
def test_school_page_offers_only_the_pages_the_user_may_open(
    client, make_user, system, role, scope, expected
):
    """Each link the school page shows opens (200) for that user; the ones left out would have refused them."""
    fields = {
        "la": {"scope_la": system["surrey"]},
        "trust": {"scope_group": system["mat"]},
        "school": {"scope_establishment": Establishment.objects.get(urn=140001)},
        "other_school": {
            "scope_establishment": Establishment.objects.exclude(urn=140001).filter(la__code="936").first()
        },
        None: {},
    }[scope]
    client.force_login(make_user(role, **fields))
    links = client.get(reverse("registry:school", args=[140001])).context["more_links"]
    assert [label for label, _ in links] == expected
    for label, url in links:
        assert client.get(url).status_code == 200, (label, url)


def test_school_page_says_where_figures_come_from_and_hides_giass_no_religion_values(client, la_officer):
    Establishment.objects.filter(urn=125003).update(
        religious_character="Church of England", diocese="Diocese of Guildford", fsm_percent=19.3
    )
    Establishment.objects.filter(urn=125004).update(religious_character="Does not apply")
    Establishment.objects.filter(urn=125005).update(religious_character="None")
    client.force_login(la_officer)
    church = text(client.get(reverse("registry:school", args=[125003])))
    assert "Religious character</dt>" in church and "Church of England" in church
    assert (
        "19.3% eligible for free school meals" in church
        and "As recorded in Get Information about Schools" in church
    )
    for urn in (125004, 125005):
        page = text(client.get(reverse("registry:school", args=[urn])))
        assert "Religious character</dt>" not in page, urn


def test_gias_codes_read_as_words_on_school_pages(client, la_officer):
    Establishment.objects.filter(urn=125004).update(
        ofsted_rating="Serious Weaknesses", urban_rural="(England/Wales) Urban city and town"
    )
    client.force_login(la_officer)
    page = text(client.get(reverse("registry:school", args=[125004])))
    assert "Inadequate (serious weaknesses)" in page and "Serious Weaknesses" not in page
    assert "Urban city and town" in page and "(England/Wales)" not in page
    listing = text(client.get(reverse("registry:school-search"), {"q": "Ash Infant"}))
    assert "Inadequate (serious weaknesses)" in listing


def test_a_search_text_over_its_limit_is_refused_with_the_error_and_lists_nothing(client, la_officer, system):
    """Found in review: 500 characters were dropped silently and every school of the area was listed."""
    client.force_login(la_officer)
    typed = "Oakwood " * 60
    response = client.get(reverse("registry:school-search"), {"q": typed})
    page = response.content.decode()
    assert "<title>Error: Schools" in page
    assert 'href="#id_q">Name, URN or postcode must be 100 characters or less' in page
    assert 'id="id_q-error"' in page and typed.strip() in page
    assert response.context["page"].paginator.count == 0
    assert "No establishments match" not in page  # nothing was searched for
    ok = client.get(reverse("registry:school-search"), {"q": "Oakwood"})
    assert ok.context["page"].paginator.count >= 1 and "There is a problem" not in ok.content.decode()


def test_group_page_has_breadcrumbs_back_to_its_la_and_schools(client, la_officer):
    """Found in review: school pages had breadcrumbs and group pages had no way back."""
    from schoolsystem.registry.models import Group

    group = Group.objects.exclude(la=None).first()
    client.force_login(la_officer)
    html = client.get(reverse("registry:group", args=[group.pk])).content.decode()
    nav = html.split('<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert f'href="{reverse("registry:overview")}?la={group.la.code}">{group.la.name}</a>' in nav
    assert f'href="{reverse("registry:school-search")}?la={group.la.code}">Schools</a>' in nav


def test_school_page_lists_other_links_recorded_on_either_side(client, la_officer, system):
    """Found in review: Halliford School is linked only from its sixth form centre's side in GIAS, and its page
    showed no link."""
    from schoolsystem.registry.models import EstablishmentLink

    main = Establishment.objects.filter(la=system["surrey"]).order_by("urn").first()
    centre = school(system["surrey"], 999001, "Halliford Sixth Form Centre")
    EstablishmentLink.objects.create(urn=centre.urn, linked_urn=main.urn, link_type="Sixth Form Centre Link")
    EstablishmentLink.objects.create(
        urn=main.urn, linked_urn=999002, link_type="Expansion", linked_name="Annexe"
    )
    EstablishmentLink.objects.create(urn=main.urn, linked_urn=999002, link_type="Other", linked_name="Annexe")
    client.force_login(la_officer)
    html = client.get(reverse("registry:school", args=[main.urn])).content.decode()
    assert "Sixth Form Centre Link – Halliford Sixth Form Centre (999001)" in html
    assert (
        "Expansion – Annexe (999002)" in html and "Other – Annexe (999002)" in html
    )  # two kinds, both shown
