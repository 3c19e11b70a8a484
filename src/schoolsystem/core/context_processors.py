from django.urls import NoReverseMatch, reverse

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.home import OVERVIEW, PUBLIC_START, home_route, home_url
from schoolsystem.accounts.scope import can_see_casework, has_role

ACCREDITATION_ROLES = (Role.APPLICANT, Role.ASSESSOR, Role.ADVISORY_GROUP, Role.DECISION_MAKER)

# (label, url name, predicate on user). A user sees only the areas their role works in (a member of the public
# does not see casework links that would refuse them). Apps add their entry point here; a missing route is not shown.
NAVIGATION = [
    ("Find a school", PUBLIC_START, lambda u: not u.is_authenticated),
    # Each role's home first: the area overview, or the page that replaces it (accounts.home).
    ("Overview", OVERVIEW, lambda u: u.is_authenticated and home_route(u) == OVERVIEW),
    ("Your school", "registry:my-school", lambda u: home_route(u) == "registry:my-school"),
    ("Your trust", "registry:my-trust", lambda u: home_route(u) == "registry:my-trust"),
    ("Schools", "registry:school-search", lambda u: u.is_authenticated),
    # The performance area's landing page (risk screen for casework roles, report cards, scorecards, data).
    ("Performance", "performance:home", lambda u: u.is_authenticated),
    # Finding schools at risk early is the officers' daily job: one click from every page, not two.
    ("Schools at risk", "performance:at-risk", lambda u: u.is_authenticated and can_see_casework(u)),
    ("Support and casework", "improvement:home", lambda u: u.is_authenticated and can_see_casework(u)),
    ("Brokerage", "brokerage:home", lambda u: u.is_authenticated and can_see_casework(u)),
    ("Accreditation", "accreditation:home", lambda u: has_role(u, *ACCREDITATION_ROLES)),
    ("Decisions", "decisions:register", lambda u: True),
    ("Accredited providers", "accredited_providers:register", lambda u: True),
    ("Your account", "accounts:account", lambda u: u.is_authenticated),
]


def navigation(request):
    user = request.user
    items = []
    for label, name, allowed in NAVIGATION:
        if not allowed(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # The deepest entry holding the page is the current one (/performance/at-risk/ is "Schools at risk", not also
    # "Performance").
    holding = [item for item in items if item["url"] != "/" and request.path.startswith(item["url"])]
    if holding:
        max(holding, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "csp_nonce": getattr(request, "csp_nonce", ""), "home_url": home_url(user)}
