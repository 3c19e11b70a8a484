"""Headless Chromium + axe-core: no serious or critical accessibility violations on the public register, the
applicant's task list and the assessor's scoring page. Fails (not skips) under CI when Chromium is missing."""

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

from schoolsystem.accreditation import services
from schoolsystem.accreditation.constants import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    chromium = shutil.which("chromium")
    if chromium is None or not AXE.exists():
        missing = "chromium" if chromium is None else str(AXE)
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is missing: the accessibility checks must run in CI")
        pytest.skip(f"{missing} is not installed on this machine")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


def _violations(browser, url: str, user=None) -> list[str]:
    context = browser.new_context(bypass_csp=True)  # axe is injected inline; the app's CSP forbids that
    if user is not None:
        client = Client()
        client.force_login(user)
        host = url.split("/")[2].split(":")[0]
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
        )
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_register_task_list_and_scoring_page_have_no_serious_violations(browser, live_server, drive, people):
    accredited, _ = drive(Status.ACCREDITED)
    services.accreditation_suspend(
        accreditation=accredited.accreditation, reason="Concerns.", by=people["dm"]
    )
    drive(Status.ACCREDITED, "ASG")
    draft, applicant = drive(Status.DRAFT)
    assessed, _ = drive(Status.IN_ASSESSMENT)
    pages = {
        "register": (f"{live_server.url}/accredited-providers/", None),
        "task list": (f"{live_server.url}/accreditation/applications/{draft.pk}/", applicant),
        "scoring": (f"{live_server.url}/accreditation/applications/{assessed.pk}/", people["assessor"]),
    }
    found = {name: _violations(browser, url, user) for name, (url, user) in pages.items()}
    assert found == {name: [] for name in pages}
