"""The API's areas, one per part of the service: the OpenAPI tags (core.openapi) and their order in the docs.
Plain data, so settings can import it before Django is set up."""

# App label -> (tag, what the tag's operations are for). Order is the order the docs show them in.
AREAS = {
    "registry": (
        "Schools and partnerships",
        "Local authorities, establishments, groups, memberships and links.",
    ),
    "performance": (
        "Performance and risk",
        "Indicators, report cards, trust scorecards and the risk screen.",
    ),
    "improvement": (
        "Improvement and intervention",
        "Casework, warning notices and interventions, published decisions, peer reviews and support.",
    ),
    "brokerage": ("Brokerage", "Brokerage rounds, shortlists, plans and proposals through to hand-off."),
    "accreditation": (
        "Accreditation",
        "Applications, assessment, accreditations, complaints and the register.",
    ),
    "accounts": ("Your account", "The signed-in user and API tokens."),
}
TAGS = [{"name": name, "description": description} for name, description in AREAS.values()]
