"""Pages for rounds, organisation edits, out-of-round arrangements and managing an accreditation: GOV.UK error
summaries on bad input, audited writes, and only the right people get in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.accreditation.constants import Status
from schoolsystem.accreditation.models import Round
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Establishment

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_decision_maker_opens_and_changes_rounds_with_error_summaries(client, people):
    c = _as(client, people["dm"])
    url = reverse("accreditation:rounds")
    assert c.get(url).status_code == 200
    r = c.post(url, {"name": "Spring 2026", "opens_on": "2026-01-05", "closes_on": "2026-03-31"})
    assert r.status_code == 302
    r = c.post(url, {"name": "Summer 2026", "opens_on": "2026-03-30", "closes_on": "2026-02-01"})
    page = r.content.decode()
    assert r.status_code == 400 and "govuk-error-summary" in page and 'href="#id_closes_on"' in page
    r = c.post(url, {"name": "Summer 2026", "opens_on": "2026-03-30", "closes_on": "2026-07-01"})
    assert r.status_code == 400 and "overlap" in r.content.decode()
    r = c.post(url, {"name": "", "opens_on": "not a date", "closes_on": ""})
    assert r.status_code == 400 and 'href="#id_opens_on"' in r.content.decode()
    spring = Round.objects.get()
    r = c.post(
        reverse("accreditation:round", args=[spring.pk]),
        {"name": "Spring", "opens_on": "2026-01-06", "closes_on": "2026-04-01"},
    )
    assert r.status_code == 302
    spring.refresh_from_db()
    assert (spring.name, str(spring.closes_on)) == ("Spring", "2026-04-01")
    assert (
        AuditEvent.objects.filter(
            action__in=["accreditation.round_created", "accreditation.round_updated"]
        ).count()
        == 2
    )


@pytest.mark.parametrize("role", ["assessor", "advisory", "officer"])
def test_only_the_decision_maker_sees_the_rounds_page(client, people, role):
    assert _as(client, people[role]).get(reverse("accreditation:rounds")).status_code == 404


def test_applicant_edits_its_organisation_and_adds_a_colleague(client, make_org, make_user, school):
    org, applicant = make_org()
    c = _as(client, applicant)
    url = reverse("accreditation:organisation", args=[org.pk])
    assert "Change the organisation" in c.get(reverse("accreditation:home")).content.decode()
    r = c.post(
        url,
        {
            "form": "details",
            "name": "Oak Primary School",
            "org_type": "maintained_primary",
            "establishment_urn": "999999",
        },
    )
    assert r.status_code == 400 and 'href="#id_establishment_urn"' in r.content.decode()
    r = c.post(
        url,
        {
            "form": "details",
            "name": "Oak Primary School",
            "org_type": "maintained_primary",
            "establishment_urn": str(school.urn),
        },
    )
    assert r.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.establishment_id) == ("Oak Primary School", school.pk)
    colleague = make_user("applicant", username="colleague")
    r = c.post(url, {"form": "member", "username": "nobody"})
    assert r.status_code == 400 and 'href="#id_username"' in r.content.decode()
    assert c.post(url, {"form": "member", "username": "colleague"}).status_code == 302
    assert set(org.members.values_list("user__username", flat=True)) == {applicant.username, "colleague"}
    member = org.members.get(user=colleague)
    assert ">Remove<" in c.get(url).content.decode()
    c.post(reverse("accreditation:member-remove", args=[org.pk, member.pk]))
    assert org.members.count() == 1
    # The last member is not offered a Remove the service refuses (found in review).
    page = c.get(url).content.decode()
    assert ">Remove<" not in page and "The only member" in page


def test_applicant_cannot_edit_another_organisation(client, make_org):
    org, _ = make_org()
    _, other = make_org(name="Elm Primary")
    assert _as(client, other).get(reverse("accreditation:organisation", args=[org.pk])).status_code == 404
    r = _as(client, other).post(
        reverse("accreditation:organisation", args=[org.pk]), {"form": "details", "name": "x"}
    )
    assert r.status_code == 404


def test_decision_maker_records_the_out_of_round_arrangement_on_the_proposal_page(client, drive, people):
    app, applicant = drive(Status.SUBMITTED)
    c = _as(client, people["dm"])
    page = c.get(reverse("accreditation:application", args=[app.pk])).content.decode()
    assert "Not yet recorded" in page and "Record arrangement" in page
    url = reverse("accreditation:action", args=[app.pk, "arrangement"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    r = c.post(url, {"agreed_by": "", "agreed_on": future})
    page = r.content.decode()
    assert r.status_code == 400 and 'href="#id_agreed_by"' in page and 'href="#id_agreed_on"' in page
    r = c.post(url, {"agreed_by": "A Jones, DCSF", "agreed_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    page = _as(client, applicant).get(reverse("accreditation:application", args=[app.pk])).content.decode()
    assert "Agreed by A Jones, DCSF" in page and "Record arrangement" not in page


def test_decision_maker_manages_an_accreditation_on_its_page(client, drive, people, la):
    app, applicant = drive(Status.ACCREDITED)
    acc = app.accreditation
    Establishment.objects.create(urn=300001, la=la, name="Ash Primary", type_name="Community school",
                                 type_group="Local authority maintained schools", status="open", phase="Primary")  # fmt: skip
    c = _as(client, people["dm"])
    url = reverse("accreditation:accreditation", args=[acc.pk])
    assert acc.organisation.name in c.get(reverse("accreditation:home")).content.decode()
    assert c.get(url).status_code == 200
    # The declared count is said to be declared while no school is recorded (found in review: "1 of at most 2"
    # above "None recorded" read as a contradiction).
    declared = "As the organisation declared when accredited"
    type(acc).objects.filter(pk=acc.pk).update(current_schools=1)
    assert "1 of at most" in (page := c.get(url).content.decode()) and declared in page
    r = c.post(reverse("accreditation:led-schools", args=[acc.pk]), {"urns": "300001, 123456"})
    assert r.status_code == 400 and "No school has URN 123456" in r.content.decode()
    # Found by fuzzing: a 20-digit number overflowed the database lookup (a 500 on SQLite).
    r = c.post(
        reverse("accreditation:led-schools", args=[acc.pk]), {"urns": "300001, 99999999999999999999, 0"}
    )
    assert r.status_code == 400
    assert "must be numbers of up to 6 digits: 99999999999999999999, 0 are not" in r.content.decode()
    assert c.post(reverse("accreditation:led-schools", args=[acc.pk]), {"urns": "300001"}).status_code == 302
    acc.refresh_from_db()
    assert acc.current_schools == 1 and "Ash Primary" in c.get(url).content.decode()
    assert declared not in c.get(url).content.decode()
    # The API takes URNs as numbers: out of the URN range is refused per item, not a 500.
    api = f"/api/v1/accreditation/accreditations/{acc.pk}/led-schools/"
    r = c.post(api, {"urns": [300001, 99999999999999999999]}, content_type="application/json")
    assert r.status_code == 400 and "1" in r.json()["urns"]
    assert c.post(api, {"urns": [300001]}, content_type="application/json").status_code == 200
    status_url = reverse("accreditation:accreditation-action", args=[acc.pk])
    r = c.post(status_url, {"action": "suspend", "note": ""})
    assert r.status_code == 400 and "govuk-error-summary" in r.content.decode()
    assert c.post(status_url, {"action": "suspend", "note": "Concerns."}).status_code == 302
    acc.refresh_from_db()
    assert acc.status == "suspended"
    for user in (applicant, people["assessor"], people["advisory"]):
        assert _as(client, user).get(url).status_code == 404
        assert _as(client, user).post(status_url, {"action": "reinstate", "note": "x"}).status_code == 404


def test_accreditation_page_query_count_is_bounded(client, drive, people, la, django_assert_max_num_queries):
    from schoolsystem.accreditation import services

    app, _ = drive(Status.ACCREDITED)
    schools = [
        Establishment.objects.create(urn=310000 + i, la=la, name=f"School {i}", type_name="Community school",
                                     type_group="Local authority maintained schools", status="open", phase="Primary")
        for i in range(8)
    ]  # fmt: skip
    services.accreditation_record_led_schools(
        accreditation=app.accreditation, establishments=schools, by=people["dm"]
    )
    c = _as(client, people["dm"])
    with django_assert_max_num_queries(10):
        assert c.get(reverse("accreditation:accreditation", args=[app.accreditation.pk])).status_code == 200
