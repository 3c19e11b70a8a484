"""Links from a school's page to other apps' pages about that school. Each app that has such a page names it here,
with the function that decides who may open it; a link whose route does not exist (the app is not installed) or
that the user's role or area would refuse is left out, so nobody is offered a page that answers 403 or 404."""

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from schoolsystem.core.errors import ApplicationError

# (label, route, access check): the check is the app's own selector `f(user, urn)`, which raises NotFound or
# PermissionDenied for a user who may not open the page; None means every signed-in user may.
SCHOOL_LINKS: list[tuple[str, str, str | None]] = [
    ("Report card", "performance:report-card", None),
    ("Risk screen", "performance:school-risk", "schoolsystem.performance.selectors.establishment_for_user"),
    ("Casework", "improvement:school-cases", "schoolsystem.improvement.selectors.school_for_user"),
    (
        "Brokerage shortlist",
        "brokerage:school-shortlist",
        "schoolsystem.brokerage.selectors.establishment_for_user",
    ),
]


def links_for(user, urn: int) -> list[tuple[str, str]]:
    """[(label, url)] of the pages about school `urn` that `user` may open, in SCHOOL_LINKS order."""
    links = []
    for label, name, check in SCHOOL_LINKS:
        try:
            url = reverse(name, kwargs={"urn": urn})
        except NoReverseMatch:
            continue
        if check is not None:
            try:
                import_string(check)(user, urn)
            except ApplicationError:
                continue
        links.append((label, url))
    return links
