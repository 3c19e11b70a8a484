"""From an isolated school (the isolated list or the school's page) an officer adds it to one of the partnerships
they look after, with its role and joining date (scoped, audited); and the system leaders list: area, filters,
CSV, a fixed number of queries."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Membership, SystemLeader
from tests.api.world import build_world, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    w = build_world()
    w.a5 = school(w.la_a, 125005, "Egham Primary School")  # open, state-funded, in nothing: isolated
    return w


@pytest.fixture
def officer_a(world, make_user, client):
    user = make_user("la_officer", scope_la=world.la_a)
    client.force_login(user)
    return user


def test_officer_adds_an_isolated_school_to_a_partnership_from_the_isolated_list(client, world, officer_a):
    join = reverse("registry:school-join-partnership", args=[world.a5.urn])
    isolated = client.get(reverse("registry:isolated")).content.decode()
    assert f'href="{join}"' in isolated
    form = client.get(join).content.decode()
    assert "Ashford Teaching School Alliance" in form
    assert "Camden Schools Partnership" not in form  # another LA's partnership: not this officer's
    response = client.post(join, {"group": world.tsa.pk, "role": "member", "joined_on": "2026-11-02"})
    assert response.status_code == 302 and response.url == reverse("registry:school", args=[world.a5.urn])
    membership = Membership.objects.get(group=world.tsa, establishment=world.a5)
    assert membership.role == "member" and membership.joined_on == date(2026, 11, 2)
    event = AuditEvent.objects.get(action="membership.added", object_id=str(membership.pk))
    assert event.actor == officer_a
    assert f'href="{join}"' not in client.get(reverse("registry:isolated")).content.decode()
    page = client.get(reverse("registry:school", args=[world.a5.urn])).content.decode()
    assert "Ashford Teaching School Alliance" in page


def test_a_partnership_outside_the_officers_scope_or_already_joined_is_refused(client, world, officer_a):
    join = reverse("registry:school-join-partnership", args=[world.a5.urn])
    refused = client.post(join, {"group": world.pb.pk, "role": "member", "joined_on": "2026-11-02"})
    assert refused.status_code == 400 and "Choose one of the partnerships listed" in refused.content.decode()
    assert not Membership.objects.filter(establishment=world.a5).exists()
    missing = client.post(join, {"role": "member", "joined_on": "2026-11-02"})
    assert (
        missing.status_code == 400 and "Choose the partnership the school joins" in missing.content.decode()
    )


def test_a_school_already_in_every_partnership_is_told_so(client, world, officer_a):
    page = client.get(reverse("registry:school-join-partnership", args=[world.a1.urn])).content.decode()
    assert "There is no open partnership you look after" in page
    assert reverse("registry:partnership-new") in page


def test_the_school_page_offers_the_action_only_to_those_who_look_after_a_partnership(
    client, world, officer_a, make_user
):
    join = reverse("registry:school-join-partnership", args=[world.a5.urn])
    assert f'href="{join}"' in client.get(reverse("registry:school", args=[world.a5.urn])).content.decode()
    client.force_login(make_user("regional_officer", scope_region="South East"))
    assert (
        f'href="{join}"' not in client.get(reverse("registry:school", args=[world.a5.urn])).content.decode()
    )
    assert client.get(join).status_code == 403


def test_system_leaders_list_by_area_with_filters(client, world, officer_a):
    SystemLeader.objects.create(name="Cat Governor", designation="NLG", establishment=None)
    SystemLeader.objects.create(
        name="Dan Former",
        designation="LLE",
        establishment=world.a5,
        designation_ends_on=date.today() - timedelta(days=1),
    )
    url = reverse("registry:system-leaders")
    html = client.get(url).content.decode()  # the officer's own area: Surrey
    assert "Ann Example" in html and "Cat Governor" in html  # an NLG without a school is listed everywhere
    assert "Ben Example" not in html and "Dan Former" not in html  # Camden's; an ended designation
    html = client.get(url, {"la": "all", "designation": "SLE"}).content.decode()
    assert "Ben Example" in html and "Ann Example" not in html
    html = client.get(url, {"status": "ended"}).content.decode()
    assert "Dan Former" in html and "Ann Example" not in html
    html = client.get(url, {"q": "maths", "la": "202"}).content.decode()
    assert "Ben Example" in html and "Cat Governor" not in html
    assert reverse("registry:system-leaders") in client.get(reverse("registry:overview")).content.decode()


def test_system_leaders_csv_has_the_filters_of_the_page(client, world, officer_a):
    response = client.get(
        reverse("registry:system-leaders"), {"la": "all", "format": "csv", "designation": "NLE"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "system-leaders-england-nle-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Name", "Designation", "URN", "School"]
    assert rows[1:] == [
        [
            "Ann Example", "National Leader of Education", "125001", "Ashford Primary School", "Surrey", "Yes", "",
            "", "", "", "", "10",
        ]
    ]  # fmt: skip


def test_system_leaders_page_queries_do_not_grow_with_the_rows(
    client, world, officer_a, django_assert_max_num_queries
):
    url = reverse("registry:system-leaders")
    for i in range(40):
        SystemLeader.objects.create(name=f"Leader {i}", designation="SLE", establishment=world.a1)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("Leader ") >= 40
