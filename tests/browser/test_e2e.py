"""End to end in headless Chromium: sign in, search for a school, open its page and its group, and check each page
with axe-core (no serious or critical violations), that GOV.UK Frontend's JavaScript ran under our CSP and that no
request (CSS, fonts, scripts) failed.

Chromium is Debian's `chromium` package (./run test installs it); Playwright drives it through `executable_path`.
Without Chromium the test fails under CI and skips only on a laptop.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from tests.registry.pages_seed import seed_system

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set: the browser test must run)")
    pytest.skip(why)


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a running
    # loop unless told it is safe (it is: the live server runs in its own thread). Only for this test, so the
    # setting never leaks into other tests (check --deploy rightly warns about it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    _require(bool(executable), "Chromium is not installed: apt-get install chromium")
    _require(AXE.exists(), f"{AXE} is missing: npm ci")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            # The test's database connection was opened while Playwright's loop ran, in a context Django's own
            # teardown does not see: close it here, or PostgreSQL refuses to drop the test database at the end
            # of the run ("being accessed by other users").
            connections.close_all()
            browser.close()


def assert_accessible(page, label: str) -> None:
    """axe-core on the current page: no violation with impact serious or critical.

    axe is evaluated through the DevTools protocol rather than `add_script_tag`: our Content-Security-Policy (rightly)
    blocks an injected inline <script>, and the test keeps the CSP on to prove GOV.UK Frontend runs under it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    for violation in bad:
        print(f"[{label}] {violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            print("    ", node["target"], node.get("failureSummary", "").replace("\n", " "))
    assert not bad, f"{label}: {len(bad)} serious or critical accessibility violations (printed above)"


def assert_govuk_frontend_ran(page, label: str) -> None:
    # init.js sets this after GOV.UK Frontend's initAll(): module scripts loaded and ran under the CSP.
    assert page.evaluate("() => document.documentElement.dataset.govukFrontend") == "initialised", label
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')"), label


@pytest.mark.django_db(transaction=True)
def test_sign_in_search_open_school_and_group_accessibly(live_server, browser, make_user):
    seed_system()
    from schoolsystem.registry.models import LocalAuthority

    make_user(
        "la_officer",
        username="officer",
        first_name="Sam",
        last_name="Officer",
        scope_la=LocalAuthority.objects.get(code="936"),
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures, console_errors = [], []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failures.append(f"failed {r.url}"))
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Sign in (the overview asks for it).
    page.goto(live_server.url + "/")
    assert "/accounts/sign-in/" in page.url
    assert_accessible(page, "sign in")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Surrey"
    assert "Sam Officer" in page.locator(".app-account-bar").inner_text()
    assert_govuk_frontend_ran(page, "overview")
    # GOV.UK Frontend's fonts come from /assets/ (WHITENOISE_ROOT).
    assert page.evaluate(
        "async () => { await document.fonts.ready; return document.fonts.check('16px \"GDS Transport\"') }"
    )
    assert_accessible(page, "overview")

    # Search.
    page.get_by_role("link", name="Schools", exact=True).click()
    page.get_by_label("Name, URN or postcode").fill("Oakwood")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/schools/?*q=Oakwood*")
    # Open schools by default: the closed Oakwood Junior School only with "Any status, including closed".
    assert "1 establishment" in page.locator("#results-heading").inner_text()
    assert_accessible(page, "search results")

    # The school.
    page.get_by_role("link", name="Oakwood Academy").click()
    page.wait_for_url("**/schools/140001/")
    assert page.locator("h1").inner_text() == "Oakwood Academy"
    assert page.get_by_role("img", name="Where Oakwood Academy is in Surrey").count() == 1
    assert_accessible(page, "school page")

    # Its trust.
    page.get_by_role("link", name="Oak Trust").click()
    assert page.locator("h1").inner_text() == "Oak Trust"
    assert page.locator("#members tbody tr").count() == 3
    assert_accessible(page, "group page")

    # Record an informal partnership and add the school to it.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create a partnership").click()
    assert_accessible(page, "create a partnership")
    page.get_by_role("button", name="Create the partnership").click()  # empty: the error summary
    assert page.locator(".govuk-error-summary").is_visible()
    assert failures.pop() == f"400 {live_server.url}/partnerships/new/"  # a form with errors answers 400
    assert "status of 400" in console_errors.pop()  # and the browser logs that status
    assert_accessible(page, "partnership form with errors")
    page.get_by_label("Name").fill("Oakwood Reading Network")
    page.get_by_label("Kind of partnership").select_option("collaborative_partnership")
    page.get_by_role("button", name="Create the partnership").click()
    assert page.locator("h1").inner_text() == "Oakwood Reading Network"
    page.get_by_role("link", name="Add a school").click()
    page.get_by_label("URN of the school").fill("140001")
    page.get_by_role("button", name="Add the school").click()
    assert page.locator("h1").inner_text() == "Oakwood Reading Network"
    assert "Oakwood Academy" in page.locator("#members").inner_text()
    assert_accessible(page, "partnership page")

    # Mobile width: the service navigation collapses behind GOV.UK Frontend's menu button.
    page.set_viewport_size({"width": 375, "height": 800})
    toggle = page.locator(".govuk-service-navigation__toggle")
    toggle.wait_for(state="visible", timeout=5000)
    nav_link = page.locator(".govuk-service-navigation").get_by_role("link", name="Schools", exact=True)
    assert not nav_link.is_visible()  # (the group page's breadcrumbs also link "Schools")
    toggle.click()
    assert nav_link.is_visible()

    # Sign out is a POST form.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sign-in/")

    assert not failures, failures
    assert not console_errors, console_errors
    context.close()


@pytest.mark.django_db(transaction=True)
def test_api_docs_render_from_our_own_files_under_the_csp(live_server, browser, make_user):
    """Swagger UI comes from drf-spectacular-sidecar's static files and its start-up script is a same-origin file,
    so the page renders every operation with our Content-Security-Policy on and fetches nothing from elsewhere."""
    page = browser.new_context().new_page()
    foreign, console_errors = [], []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/api/docs/")
    page.locator(".opblock").first.wait_for(timeout=15000)
    assert page.locator(".opblock").count() > 20
    assert page.get_by_text("/api/v1/establishments/", exact=True).count() >= 1
    assert not foreign, foreign
    assert not console_errors, console_errors
