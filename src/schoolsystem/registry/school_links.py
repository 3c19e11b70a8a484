"""Links from a school's page to other apps' pages about that school. Each app that has such a page names it here;
a link whose route does not exist (the app is not installed or not merged yet) is left out."""

from django.urls import NoReverseMatch, reverse

SCHOOL_LINKS: list[tuple[str, str]] = [
    ("Report card", "performance:report-card"),
    ("Risk screen", "performance:school-risk"),
    ("Casework", "improvement:school-cases"),
    ("Brokerage shortlist", "brokerage:school-shortlist"),
]


def links_for(urn: int) -> list[tuple[str, str]]:
    """[(label, url)] of the routes that exist, in SCHOOL_LINKS order."""
    links = []
    for label, name in SCHOOL_LINKS:
        try:
            links.append((label, reverse(name, kwargs={"urn": urn})))
        except NoReverseMatch:
            continue
    return links
