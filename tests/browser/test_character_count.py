"""A text box with a limit is the GOV.UK character count in a real browser: govuk-frontend's script counts as
the user types and says when the text is over, and the form still refuses over-long text without the script."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from schoolsystem.registry.models import Establishment, LocalAuthority
from tests.browser.test_e2e import browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_the_monitoring_reason_counts_characters(live_server, browser, make_user):  # noqa: F811
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    Establishment.objects.create(urn=100001, la=la, name="Oak Primary", status="open", state_funded=True)
    officer = make_user("la_officer", scope_la=la)
    client = Client()
    client.force_login(officer)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/performance/schools/100001/risk/")
    box = page.get_by_label("Why you are monitoring this school")
    group = page.locator('[data-module="govuk-character-count"]').filter(has=box)
    group.wait_for()
    box.fill("Head left suddenly")
    counter = group.locator(".govuk-character-count__status")
    expect(counter).to_contain_text("9,982 characters remaining")
    box.fill("a" * 10_001)
    expect(counter).to_contain_text("1 character too many")
    context.close()
