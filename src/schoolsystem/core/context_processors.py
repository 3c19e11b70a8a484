from django.urls import NoReverseMatch, reverse

# (label, url name, predicate on user). Apps add their entry point here; a missing route is simply not shown.
NAVIGATION = [
    ("Overview", "registry:overview", lambda u: u.is_authenticated),
    ("Schools", "registry:school-search", lambda u: True),
    ("Schools at risk", "performance:at-risk", lambda u: u.is_authenticated),
    ("Support and casework", "improvement:home", lambda u: u.is_authenticated),
    ("Brokerage", "brokerage:home", lambda u: u.is_authenticated),
    ("Accreditation", "accreditation:home", lambda u: u.is_authenticated),
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
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "csp_nonce": getattr(request, "csp_nonce", "")}
