"""Links from other apps' pages about a school to its casework (the registry's school page)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from schoolsystem.improvement import selectors
from schoolsystem.improvement.constants import CaseState

register = template.Library()


@register.simple_tag
def case_link_for(user, school) -> tuple[str, str] | None:
    """(label, url) of the link to `school`'s open case when `user` may see it; else "Open a case" when the user
    may open one there (an officer whose area includes the school); else None, so nobody is offered a page that
    refuses. One query (`selectors.school_casework`)."""
    if user is None:
        return None
    in_scope, open_case = selectors.school_casework(user, school)
    if open_case:
        pk, state = open_case
        return f"Open case: {CaseState(state).label.lower()}", reverse("improvement:case-detail", args=[pk])
    if in_scope and selectors.can_change_casework(user):
        return "Open a case", reverse("improvement:case-open") + "?" + urlencode(
            {"urn": school.urn, "from": "school"}
        )
    return None
