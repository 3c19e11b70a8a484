"""A proposal's areas are local authorities in the register (an unknown code is refused and named), and the
number of schools it says it leads now is shown beside the register's count, with a warning for assessors and
decision makers when they differ (seed 000: an ASG already leads two or more schools)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolsystem.accreditation import rules, selectors, services
from schoolsystem.accreditation.constants import Status
from schoolsystem.core.errors import ValidationFailed
from schoolsystem.registry.constants import MembershipRole
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership

pytestmark = pytest.mark.django_db

URNS = iter(range(610_000, 620_000))


def _school(la, name):
    return Establishment.objects.create(
        urn=next(URNS),
        la=la,
        name=name,
        type_name="Community school",
        type_group="Local authority maintained schools",
        status="open",
        phase="Primary",
    )


def _details(app, **changes):
    data = {
        "route": "own_right",
        "phases": ["primary"],
        "la_codes": "936",
        "proposed_capacity": app.proposed_capacity,
        "schools_led_in_formal_partnership": app.schools_led_in_formal_partnership,
        "primary_schools_governed": app.primary_schools_governed,
        "out_of_round_reason": app.out_of_round_reason,
    }
    data.update(changes)
    return data


# --- 1. areas -----------------------------------------------------------------------------------------------


def test_the_rule_names_the_codes_that_are_not_local_authorities():
    assert rules.la_codes_error(["936"], known={"936"}) is None
    assert rules.la_codes_error([], known=set()) is None
    assert rules.la_codes_error(["936", "999"], known={"936"}) == (
        "999 is not a local authority code in the register: check the local authority codes, or find them in "
        "the list of local authorities"
    )
    assert rules.la_codes_error(["997", "998", "999"], known=set()).startswith(
        "997, 998 and 999 are not local authority codes in the register"
    )
    assert rules.la_codes_error(["93", "abc"], known=set()) == (
        "Local authority codes are three digits, for example 936: 93 and abc are not"
    )


def test_the_details_page_refuses_a_made_up_area_and_names_it(client, drive):
    """The reviewer's case: "936, 999" was saved and shown as "Wealdshire (936), 999"."""
    app, applicant = drive(Status.DRAFT)
    client.force_login(applicant)
    url = reverse("accreditation:details", args=[app.pk])
    response = client.post(url, _details(app, la_codes="936, 999"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "999 is not a local authority code in the register" in html
    assert 'href="#id_la_codes"' in html  # in the error summary, linked to the field
    app.refresh_from_db()
    assert app.la_codes == ["936"]
    # A real second area is taken.
    LocalAuthority.objects.create(code="938", name="West Sussex")
    assert client.post(url, _details(app, la_codes="936, 938")).status_code == 302
    app.refresh_from_db()
    assert app.la_codes == ["936", "938"]


def test_the_service_refuses_unknown_areas_for_every_caller(drive):
    app, applicant = drive(Status.DRAFT)
    with pytest.raises(ValidationFailed) as refused:
        services.application_update_details(application=app, by=applicant, la_codes=["936", "998", "999"])
    assert refused.value.extra["errors"]["la_codes"] == [
        rules.la_codes_error(["998", "999"], known=set()),
    ]
    app.refresh_from_db()
    assert app.la_codes == ["936"]


def test_the_details_page_lists_the_local_authorities_by_name_with_their_codes(
    client, drive, django_assert_max_num_queries
):
    app, applicant = drive(Status.DRAFT)
    LocalAuthority.objects.bulk_create(
        LocalAuthority(code=str(100 + i), name=f"Shire {i:03}") for i in range(150)
    )
    client.force_login(applicant)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("accreditation:details", args=[app.pk]))
    html = page.content.decode()
    assert 'id="local-authorities"' in html
    assert '<td class="govuk-table__cell">Surrey</td><td class="govuk-table__cell">936</td>' in html
    assert html.count("Shire ") == 150


# --- 2. schools led now -------------------------------------------------------------------------------------


@pytest.fixture
def federation_org(make_org, la):
    """A federation the register shows leading one school."""
    group = Group.objects.create(name="Oak Federation", group_type="federation", uid=4001)
    Membership.objects.create(group=group, establishment=_school(la, "Ash Primary"))
    return make_org(name="Oak Federation", org_type="federation", group=group)


def test_the_register_count_is_one_query_and_follows_the_registry(make_org, la, django_assert_num_queries):
    lead = _school(la, "Elm Primary")
    group = Group.objects.create(name="Elm Federation", group_type="federation", uid=4002)
    Membership.objects.create(group=group, establishment=lead, role=MembershipRole.LEAD)
    for name in ("Birch Primary", "Yew Primary"):
        Membership.objects.create(group=group, establishment=_school(la, name))
    Membership.objects.create(group=group, establishment=_school(la, "Gone Primary"), left_on="2020-08-31")
    school_org, _ = make_org(name="Elm Primary", establishment=lead)
    with django_assert_num_queries(1):
        assert selectors.registry_schools_led(school_org) == 2  # the others it leads, not itself nor a leaver
    group_org, _ = make_org(name="Elm Federation", org_type="federation", group=group)
    assert selectors.registry_schools_led(group_org) == 3
    # The same schools the accreditation's registry-derived led schools follow.
    assert len(services.registry_led_establishment_ids(school_org)) == 2


def test_assessors_and_decision_makers_see_the_claim_against_the_register(
    client, drive, people, federation_org
):
    """The reviewer's case: the applicant says it leads 2 schools now; the register shows 1."""
    app, applicant = drive(Status.IN_ASSESSMENT, "ASG", org=federation_org)
    assert app.schools_led_in_formal_partnership == 2
    for who in (people["assessor"], people["dm"]):
        client.force_login(who)
        html = client.get(reverse("accreditation:application", args=[app.pk])).content.decode()
        assert "The register shows 1 school led by Oak Federation." in html
        assert 'id="schools-led-mismatch"' in html
        assert "The proposal says Oak Federation leads 2 schools now through a formal partnership" in html
        assert "must already lead improvement in 2 or more schools" in html
    # The applicant is told the register's count, not warned off (the register may be behind).
    client.force_login(applicant)
    html = client.get(reverse("accreditation:application", args=[app.pk])).content.decode()
    assert "The register shows 1 school led by Oak Federation." in html
    assert 'id="schools-led-mismatch"' not in html


def test_no_warning_when_the_claim_matches_the_register(client, drive, people, federation_org, la):
    Membership.objects.create(group=federation_org[0].group, establishment=_school(la, "Beech Primary"))
    app, _ = drive(Status.IN_ASSESSMENT, "ASG", org=federation_org)
    client.force_login(people["assessor"])
    html = client.get(reverse("accreditation:application", args=[app.pk])).content.decode()
    assert "The register shows 2 schools led by Oak Federation." in html
    assert 'id="schools-led-mismatch"' not in html


def test_the_applicant_sees_the_register_count_on_the_details_page(client, drive, federation_org):
    app, applicant = drive(Status.DRAFT, "ASG", org=federation_org)
    client.force_login(applicant)
    url = reverse("accreditation:details", args=[app.pk])
    html = client.get(url).content.decode()
    hint = (
        'id="id_schools_led_in_formal_partnership-hint" class="govuk-hint">The register shows 1 school led by'
    )
    assert hint in html
    # Not a bar: the applicant's own number is saved.
    assert client.post(url, _details(app, schools_led_in_formal_partnership=2)).status_code == 302


def test_the_page_adds_one_query_for_the_register_count(client, drive, people, federation_org):
    app, _ = drive(Status.IN_ASSESSMENT, "ASG", org=federation_org)
    client.force_login(people["assessor"])
    url = reverse("accreditation:application", args=[app.pk])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert sum("registry_membership" in q["sql"] for q in queries.captured_queries) == 1
