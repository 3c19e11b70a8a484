"""Every page renders for an officer (GET), with one h1."""

import pytest
from django.urls import reverse

from schoolsystem.improvement.constants import CASE_TRANSITIONS, CaseState
from schoolsystem.improvement.models import Case
from tests.improvement.factories import PATHS, case_in_state, consult


@pytest.mark.parametrize(
    "name",
    [
        "improvement:home",
        "improvement:case-list",
        "improvement:case-open",
        "improvement:overdue",
        "improvement:decision-list",
        "improvement:offer-search",
        "improvement:offer-new",
        "improvement:support-list",
        "improvement:support-new",
        "improvement:review-list",
        "decisions:register",
    ],
)
def test_page_renders(client, officer, name):
    client.force_login(officer)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_section_links_mark_the_page_you_are_on(client, officer):
    client.force_login(officer)
    overdue = client.get(reverse("improvement:overdue")).content.decode()
    assert f'href="{reverse("improvement:overdue")}" aria-current="page">Overdue' in overdue
    assert overdue.count('aria-current="page"') == 1  # the service navigation marks its section "true"
    assert "Nothing is overdue." in overdue and "Nothing is due." not in overdue
    home = client.get(reverse("improvement:home")).content.decode()
    assert f'href="{reverse("improvement:home")}" aria-current="page">What is due' in home


@pytest.mark.parametrize(
    "action",
    [
        "record_visit",
        "record_consultation",
        "start_monitoring",
        "issue_warning_notice",
        "choose_intervention",
        "hold_review",
        "escalate",
        "close",
        "exit",
    ],
)
def test_case_action_forms_render(client, officer, school_a, action):
    """In a state that takes the move (record_visit and record_consultation are not moves: any open case)."""
    sources = CASE_TRANSITIONS[action][0] if action in CASE_TRANSITIONS else {CaseState.REVIEW}
    case = case_in_state(next(s for s in PATHS if s in sources), school=school_a, by=officer)
    if action == "choose_intervention":  # chosen once the school has been consulted on the notice
        consult(case, officer)
    if action == "exit":  # offered, and its form shown, once every exit criterion is met
        Case.objects.filter(pk=case.pk).update(exit_criteria=[{"text": "Standards above floor", "met": True}])
    client.force_login(officer)
    body = client.get(reverse("improvement:case-action", args=[case.pk, action])).content.decode()
    assert 'name="version"' in body and "csrfmiddlewaretoken" in body
    assert client.get(reverse("improvement:case-detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("improvement:school-cases", args=[school_a.urn])).status_code == 200
