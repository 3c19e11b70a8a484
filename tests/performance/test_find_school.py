"""Signed out, a parent finds a school by name, URN or postcode and opens its public report card: open schools by
default, closed ones on request, nothing from casework or the risk screen."""

import re

import pytest
from django.urls import reverse

from schoolsystem.improvement import services as improvement
from schoolsystem.performance.models import RiskResult, RuleSet
from schoolsystem.registry.models import LocalAuthority
from tests.registry.pages_seed import school

pytestmark = pytest.mark.django_db

URL = "/performance/report-cards/"


@pytest.fixture
def schools(db, make_user):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    marys = school(la, 125101, "St Mary's Church of England Primary School", postcode="GU7 1AA")
    school(la, 125102, "St Mary's Junior School", status="closed", postcode="GU7 2BB")
    school(la, 125103, "Oak Academy", postcode="GU21 4CC")
    officer = make_user("la_officer", scope_la=la)
    improvement.case_open(school=marys, by=officer, reasons=["Secret reason from casework"])
    rules = RuleSet.objects.create(name="Test", version=1, thresholds={}, is_active=True)
    RiskResult.objects.create(establishment=marys, rule_set=rules, concern="high", majors=2)
    return la


def _page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, re.sub(r"\s+", " ", response.content.decode())


def test_the_search_is_public_and_linked_from_the_header_when_signed_out(client, schools):
    assert reverse("performance:find-school") == URL
    response, html = _page(client)
    assert "Find a school's report card" in html
    assert f'href="{URL}" class="govuk-generic-header__homepage-link"' in html
    assert {i["label"]: i["url"] for i in response.context["nav_items"]}["Find a school"] == URL
    # The sign-in page (the start for staff) offers it too.
    assert (
        f'href="{URL}">Find a school\'s report card</a>'
        in client.get(reverse("accounts:login")).content.decode()
    )


@pytest.mark.parametrize("q", ["St Marys", "st mary's", "125101", "GU7 1AA", "gu71aa"])
def test_signed_out_search_by_name_urn_or_postcode_leads_to_the_report_card(client, schools, q):
    response, html = _page(client, q=q)
    assert [s.urn for s in response.context["page"].object_list] == [125101]
    assert f'href="{reverse("performance:report-card", args=[125101])}"' in html
    card = client.get(reverse("performance:report-card", args=[125101]))
    assert card.status_code == 200
    assert f'href="{URL}" class="govuk-back-link">Find another school</a>' in card.content.decode()


def test_closed_schools_only_when_asked_for(client, schools):
    response, html = _page(client, q="St Marys")
    assert [s.urn for s in response.context["page"].object_list] == [125101]
    response, html = _page(client, q="St Marys", closed="on")
    assert [s.urn for s in response.context["page"].object_list] == [125101, 125102]
    assert "Closed" in html


def test_no_casework_or_risk_on_the_public_pages(client, schools):
    for html in (
        _page(client, q="St Marys")[1],
        re.sub(r"\s+", " ", client.get(reverse("performance:report-card", args=[125101])).content.decode()),
    ):
        assert "Secret reason" not in html
        assert "/improvement/" not in html and "/risk/" not in html
        assert "High" not in html and "concern" not in html.lower()


def test_an_empty_search_says_what_to_enter(client, schools):
    response, html = _page(client, q="")
    assert "<title>Error: Find a school's report card – schoolsystem</title>" in html
    assert "Enter a school name, URN or postcode" in html
    assert response.context["page"] is None


def test_nothing_found_says_so_and_suggests_closed_schools(client, schools):
    _, html = _page(client, q="Nowhere")
    assert "0 schools found" in html and "include schools that have closed" in html


def test_search_queries_do_not_grow_with_results(client, schools, django_assert_max_num_queries):
    la = LocalAuthority.objects.get(code="936")
    for i in range(30):
        school(la, 160000 + i, f"Extra School {i}")
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"q": "Extra"})
    assert len(response.context["page"].object_list) == 20
