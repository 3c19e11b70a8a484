"""At a phone's width (375 CSS pixels) wide tables scroll inside their own focusable region and the page itself never
scrolls sideways: the at-risk list, a brokerage round, the decisions register, a report card and the system leaders
list, on the demo's data."""

from io import StringIO

import pytest
from django.core.management import call_command

from schoolsystem.accounts.models import User
from schoolsystem.brokerage.models import Round
from schoolsystem.improvement.models import Case
from tests.browser.test_accessibility_sweep import _sign_in
from tests.browser.test_e2e import browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE_WIDTH = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""
# Every table, with the region that holds it (or null) and whether that region scrolls.
TABLES = """() => [...document.querySelectorAll('main table')].map(t => {
  const w = t.closest('.app-table-wrapper');
  return {caption: (t.caption && t.caption.innerText) || '', region: w && w.getAttribute('role'),
          tabindex: w && w.getAttribute('tabindex'), label: w && w.getAttribute('aria-label'),
          scrolls: !!w && w.scrollWidth > w.clientWidth};
})"""


@pytest.mark.django_db(transaction=True)
def test_wide_tables_scroll_in_their_own_region_at_375px(live_server, browser, tmp_path):  # noqa: F811
    call_command("demo_data", "--schools", "80", "--seed", "3", "--out", str(tmp_path / "data"),
                 "--users-file", str(tmp_path / "users.txt"), stdout=StringIO(), stderr=StringIO())  # fmt: skip
    school = Case.objects.first().school
    rnd = Round.objects.first()
    paths = [
        "/performance/at-risk/",
        f"/brokerage/rounds/{rnd.pk}/",
        "/decisions/",
        f"/performance/schools/{school.urn}/report-card/",
        "/system-leaders/",
    ]
    context = browser.new_context(viewport={"width": 375, "height": 800})
    _sign_in(context, live_server, User.objects.get(username="la_officer"))
    page = context.new_page()
    scrolled = []
    for path in paths:
        assert page.goto(live_server.url + path).status == 200, path
        scroll_width, client_width = page.evaluate(PAGE_WIDTH)
        assert scroll_width <= client_width, f"{path} scrolls sideways: {scroll_width} > {client_width}"
        tables = page.evaluate(TABLES)
        assert tables, path
        for table in tables:
            assert table["region"] == "region" and table["tabindex"] == "0" and table["label"], (path, table)
        scrolled += [path for t in tables if t["scrolls"]]
    # The check means something: the at-risk list and the round's plan are wider than a phone, and scroll.
    assert {"/performance/at-risk/", f"/brokerage/rounds/{rnd.pk}/"} <= set(scrolled), scrolled
    context.close()
