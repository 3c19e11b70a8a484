"""The open cases of a role home show the date the concern was identified, as the case list does, not the date the
case was recorded (found in review: 'Case opened <record date>' for a case identified weeks before)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.improvement import services as improvement
from tests.registry.pages_seed import seed_system

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_school_and_trust_homes_show_the_date_identified(client, make_user):
    system = seed_system()
    officer = make_user("la_officer", scope_la=system["surrey"])
    identified = timezone.localdate() - timedelta(days=20)
    for s in (system["lone"], system["elm"]):
        improvement.case_open(school=s, by=officer, reasons=["Results below floor"], identified_on=identified)
    short = identified.strftime("%-d %b %Y")

    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"]))
    page = _text(client.get(reverse("registry:my-school")))
    assert f"Case identified {short}" in page
    assert "Case opened" not in page

    client.force_login(make_user(Role.TRUST_LEADER, scope_group=system["mat"]))
    table = (
        _text(client.get(reverse("registry:my-trust"))).split('id="open-cases"', 1)[1].split("</table>")[0]
    )
    assert "Identified</th>" in table and f'<td class="govuk-table__cell">{short}</td>' in table
