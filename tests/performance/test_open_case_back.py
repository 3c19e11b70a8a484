"""'Open a case' from the at-risk list comes back to the list (as filtered and paged), not to the school's risk
page: the link carries `back`, which the case form uses only when it is a page of this site."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from schoolsystem.performance.services import risk_screen_run
from tests.performance.test_pages import surrey  # noqa: F401 (the fixture)


def _back_link(html: str) -> str:
    start = html.index('class="govuk-back-link"')
    return html[html.rindex("<a", 0, start) : start]


def test_open_a_case_from_the_at_risk_list_goes_back_to_the_list_as_filtered(client, surrey, make_user):  # noqa: F811
    risk_screen_run(by=None, as_of=date(2019, 9, 1))
    client.force_login(make_user("la_officer", scope_la=surrey))
    response = client.get(reverse("performance:at-risk"), {"concern": "any", "kind": "maintained"})
    row = next(r for r in response.context["rows"] if r.case_url)
    list_url = reverse("performance:at-risk") + "?concern=any&kind=maintained"
    assert row.case_url.endswith("&" + urlencode({"back": list_url}))
    form = client.get(row.case_url).content.decode()
    assert f'href="{list_url.replace("&", "&amp;")}"' in _back_link(form)
    # A failed submission keeps the way back.
    again = client.post(row.case_url, {"urn": row.establishment.urn, "source": "risk_screen", "reasons": ""})
    assert again.status_code == 400
    assert f'href="{list_url.replace("&", "&amp;")}"' in _back_link(again.content.decode())


@pytest.mark.parametrize(
    "back",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "http://testserver.evil/"],
)
def test_a_back_address_off_this_site_is_ignored(client, surrey, make_user, back):  # noqa: F811
    officer = make_user("la_officer", scope_la=surrey)
    client.force_login(officer)
    school = surrey.establishments.order_by("urn").first()
    url = (
        reverse("improvement:case-open")
        + "?"
        + urlencode({"source": "risk_screen", "urn": school.urn, "back": back})
    )
    link = _back_link(client.get(url).content.decode())
    assert "evil" not in link and "javascript" not in link
    assert reverse("performance:school-risk", args=[school.urn]) in link
