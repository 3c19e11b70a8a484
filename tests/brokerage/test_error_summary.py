"""Brokerage forms with errors: the error summary is the first thing in the main container, before the heading,
and the page title starts with "Error: " (GOV.UK Design System, error summary and error message patterns)."""

import re

import pytest
from django.urls import reverse

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.engines.matching import Weights
from tests.brokerage.test_services import planned_round


def _check(resp):
    page = resp.content.decode()
    assert resp.status_code in (200, 400)
    assert re.search(r"<title>\s*Error: ", page), page[:300]
    main = page[page.index('<main class="govuk-main-wrapper" id="main-content">') :]
    summary, heading = main.find('class="govuk-error-summary"'), main.find("<h1")
    assert 0 <= summary < heading
    # Nothing but the summary (and any notification banner) comes before it: no caption, no paragraph.
    before = main[: main.index('<div class="govuk-error-summary"')]
    assert "govuk-caption" not in before and "govuk-body" not in before
    assert page.count('class="govuk-error-summary"') == 1


def _home(client, area, officer, regional):
    return client.post(reverse("brokerage:home"), {"title": "", "scenario": "nope"})


def _round_add(client, area, officer, regional):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    return client.post(reverse("brokerage:round", args=[r.pk]), {"action": "add", "urn": 999_999})


def _round_action(client, area, officer, regional):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    return client.post(reverse("brokerage:round", args=[r.pk]), {"action": "plan"})  # no schools yet


def _round_close(client, area, officer, regional):
    r = planned_round(area, officer)
    return client.post(reverse("brokerage:round-close", args=[r.pk]), {"reason": ""})


def _what_if(client, area, officer, regional):
    r = planned_round(area, officer)
    return client.post(reverse("brokerage:what-if", args=[r.pk]), {f"w_{n}": 0 for n in Weights.COMPONENTS})


def _proposal_form(client, area, officer, regional):
    p = planned_round(area, officer).proposals.get()
    return client.post(
        reverse("brokerage:proposal", args=[p.pk]), {"action": "withdraw", "withdraw-reason": ""}
    )


def _proposal_refused(client, area, officer, regional):
    p = planned_round(area, officer).proposals.get()
    return client.post(reverse("brokerage:proposal", args=[p.pk]), {"action": "complete_due_diligence"})


def _preferences(client, area, officer, regional):
    r = services.round_create(
        by=regional,
        la=area["la"],
        scenario=Scenario.MAT_CLOSURE,
        title="Oak closes",
        leaving_group=area["oak"],
    )
    first = area["oak"].memberships.order_by("establishment__name").first().establishment
    services.round_add_leaving_trust_schools(by=regional, round=r, performing_urns={first.urn})
    rs = r.schools.get(performing=True)
    client.force_login(regional)
    return client.post(reverse("brokerage:round-school-preferences", args=[r.pk, rs.pk]), {"choice_1": ""})


PAGES = [
    _home,
    _round_add,
    _round_action,
    _round_close,
    _what_if,
    _proposal_form,
    _proposal_refused,
    _preferences,
]


@pytest.mark.parametrize("page", PAGES, ids=lambda f: f.__name__.strip("_"))
def test_error_summary_leads_the_page_and_the_title_says_error(client, area, officer, regional, page):
    client.force_login(officer)
    _check(page(client, area, officer, regional))


def test_a_page_without_errors_has_no_error_prefix(client, area, officer):
    client.force_login(officer)
    page = client.get(reverse("brokerage:what-if", args=[planned_round(area, officer).pk])).content.decode()
    assert "Error:" not in page[: page.index("</title>")]
