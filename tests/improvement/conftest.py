"""Fixtures for the improvement tests: two LAs in two regions, schools in each, users of each scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from schoolsystem.improvement import services
from tests.improvement.factories import make_school


@pytest.fixture
def las(db):
    from schoolsystem.registry.models import LocalAuthority

    a = LocalAuthority.objects.create(code="901", name="Northshire", region_name="North West")
    b = LocalAuthority.objects.create(code="902", name="Southshire", region_name="South East")
    return a, b


@pytest.fixture
def school_a(las):
    return make_school(las[0], 100001, name="Alder Primary", ofsted_rating="Requires improvement")


@pytest.fixture
def inadequate_a(las):
    return make_school(las[0], 100002, name="Birch Primary", ofsted_rating="Inadequate")


@pytest.fixture
def academy_a(las):
    return make_school(
        las[0],
        100003,
        name="Cedar Academy",
        type_name="Academy converter",
        type_group="Academies",
        ofsted_rating="Inadequate",
    )


@pytest.fixture
def school_b(las):
    return make_school(las[1], 200001, name="Damson Primary", ofsted_rating="Inadequate")


@pytest.fixture
def officer(make_user, las):
    return make_user("la_officer", scope_la=las[0], first_name="Ann", last_name="Officer")


@pytest.fixture
def officer2(make_user, las):
    return make_user("la_officer", scope_la=las[0], first_name="Bob", last_name="Second")


@pytest.fixture
def officer_b(make_user, las):
    return make_user("la_officer", scope_la=las[1])


@pytest.fixture
def regional(make_user, las):
    return make_user("regional_officer", scope_region="North West", first_name="Rhea", last_name="Regional")


@pytest.fixture
def leader_a(make_user, school_a):
    return make_user("school_leader", scope_establishment=school_a)


@pytest.fixture
def future():
    return timezone.localdate() + timedelta(days=30)


@pytest.fixture
def lead_school(las):
    return make_school(las[0], 100050, name="Oak National Support School", ofsted_rating="Outstanding")


@pytest.fixture
def offer(officer, lead_school):
    provider = services.provider_create(by=officer, name="", kind="lead_school", establishment=lead_school)
    return services.offer_create(
        by=officer,
        provider=provider,
        title="Leadership coaching",
        kind="leadership",
        needs=["governance_review"],
        phases=["Primary"],
        radius_km=30,
        days_per_term=10,
        schools_at_once=2,
        price_model="credits",
        credits_per_day=2,
    )


@pytest.fixture
def partnership(las, school_a, lead_school):
    from schoolsystem.registry.models import Group, Membership

    group = Group.objects.create(
        name="Northshire Primary Partnership", group_type="collaborative_partnership", la=las[0]
    )
    for s in (school_a, lead_school):
        Membership.objects.create(establishment=s, group=group)
    return group
