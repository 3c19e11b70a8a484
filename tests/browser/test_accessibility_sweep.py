"""axe-core over the main pages of every area, on the demo's own data (loaded through `demo_data`): no serious or
critical violations for an LA officer, an assessor, and on the public pages for a visitor who is not signed in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from schoolsystem.accounts.models import User
from schoolsystem.accreditation.models import Application
from schoolsystem.brokerage.models import Proposal, Round
from schoolsystem.improvement.models import Case, Decision, PeerReview, SupportRequest
from schoolsystem.registry.models import Group
from tests.browser.test_e2e import assert_accessible, browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_accessibility_violations(live_server, browser, tmp_path):  # noqa: F811
    call_command("demo_data", "--schools", "80", "--seed", "3", "--out", str(tmp_path / "data"),
                 "--users-file", str(tmp_path / "users.txt"), stdout=StringIO(), stderr=StringIO())  # fmt: skip
    officer = User.objects.get(username="la_officer")
    case, support = Case.objects.first(), SupportRequest.objects.first()
    rnd, proposal, review = Round.objects.first(), Proposal.objects.first(), PeerReview.objects.first()
    school = case.school
    trust = Group.objects.filter(group_type="mat").first()
    decision = Decision.objects.filter(published_on__isnull=False).first()
    signed_in = [
        "/", "/schools/", f"/schools/{school.urn}/", f"/groups/{trust.pk}/", "/partnerships/new/",
        "/partnerships/upload/", "/performance/", "/performance/at-risk/", f"/performance/schools/{school.urn}/risk/",
        f"/performance/groups/{trust.pk}/scorecard/", "/improvement/", f"/improvement/cases/{case.pk}/",
        f"/improvement/support/requests/{support.pk}/", "/improvement/support/", "/brokerage/",
        f"/brokerage/rounds/{rnd.pk}/", f"/brokerage/rounds/{rnd.pk}/what-if/", f"/brokerage/proposals/{proposal.pk}/",
        f"/improvement/cases/{case.pk}/record_visit/", "/improvement/support/requests/new/",
        f"/improvement/reviews/{review.pk}/", "/isolated-schools/", "/improvement/decisions/new/",
    ]  # fmt: skip
    waiting = Application.objects.get(status="in_assessment", assessor__username="assessor")
    assessor_pages = ["/accreditation/", f"/accreditation/applications/{waiting.pk}/"]
    public = [
        f"/performance/schools/{school.urn}/report-card/", "/decisions/", f"/decisions/{decision.pk}/",
        "/accredited-providers/", "/performance/report-cards/", f"/performance/report-cards/?q={school.urn}",
        "/performance/report-cards/?q=",
    ]  # fmt: skip
    leader_homes = {"school_leader": "/my-school/", "trust_leader": "/my-trust/"}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for path in public:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page, path)
    _sign_in(context, live_server, officer)
    for path in signed_in:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page, path)
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    _sign_in(context, live_server, User.objects.get(username="assessor"))
    page = context.new_page()
    for path in assessor_pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page, path)
    context.close()
    for username, path in leader_homes.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        _sign_in(context, live_server, User.objects.get(username=username))
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page, path)
        context.close()
