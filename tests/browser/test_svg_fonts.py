"""The SVG figures read in one sans-serif font in Chromium: the brokerage shortlist map's labels (drawn by hand,
inline in the page, where GOV.UK Frontend sets no font and Chromium's default is Times) use the same family as a
report card chart's text (matplotlib). On the demo's data."""

from io import StringIO

import pytest
from django.core.management import call_command

from schoolsystem.accounts.models import User
from schoolsystem.brokerage.models import RoundSchool
from schoolsystem.core.formatting import SVG_FONTS
from tests.browser.test_accessibility_sweep import _sign_in
from tests.browser.test_e2e import browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fonts(family: str) -> tuple[str, ...]:
    """A computed CSS font-family as its names (Chromium quotes only the names with spaces)."""
    return tuple(name.strip().strip("'\"") for name in family.split(","))


# Each <text> of the figure: its computed font family, and its width as drawn against the same text in a serif.
TEXTS = """(selector) => [...document.querySelectorAll(selector + ' text')].map(t => {
  const probe = t.cloneNode(true);
  probe.setAttribute('font-family', 'serif');
  probe.style.fontFamily = 'serif';
  t.parentNode.appendChild(probe);
  const out = {text: t.textContent, family: getComputedStyle(t).fontFamily,
               width: t.getComputedTextLength(), serif: probe.getComputedTextLength()};
  probe.remove();
  return out;
})"""


@pytest.mark.django_db(transaction=True)
def test_shortlist_map_labels_use_the_charts_sans_serif_font(live_server, browser, tmp_path):  # noqa: F811
    call_command("demo_data", "--schools", "60", "--seed", "3", "--out", str(tmp_path / "data"),
                 "--users-file", str(tmp_path / "users.txt"), stdout=StringIO(), stderr=StringIO())  # fmt: skip
    urn = RoundSchool.objects.exclude(establishment__easting=None).first().establishment.urn
    context = browser.new_context()
    _sign_in(context, live_server, User.objects.get(username="la_officer"))
    page = context.new_page()

    assert page.goto(f"{live_server.url}/brokerage/schools/{urn}/shortlist/").status == 200
    labels = page.evaluate(TEXTS, ".app-map svg")
    assert len(labels) >= 2, labels  # the school's name and at least one ranked marker
    for label in labels:
        assert fonts(label["family"]) == SVG_FONTS, label
    # Drawn in that font, not in Times: the school's name is a different width in a serif.
    assert any(abs(label["width"] - label["serif"]) > 1 for label in labels), labels

    assert page.goto(f"{live_server.url}/performance/schools/{urn}/report-card/").status == 200
    charts = page.evaluate(TEXTS, ".app-chart svg")
    assert charts, "no chart on the report card"
    assert {fonts(c["family"]) for c in charts} == {SVG_FONTS}
    context.close()
