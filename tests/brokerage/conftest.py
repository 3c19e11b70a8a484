"""A small hand-made area: two LAs in one region, three trusts, schools needing partners."""

from datetime import datetime

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from schoolsystem.brokerage.models import Round
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership

URN = iter(range(700_000, 800_000))


def make_school(la, name, e, n, phase="Primary", **kw):
    return Establishment.objects.create(
        urn=next(URN),
        la=la,
        name=name,
        type_name=kw.pop("type_name", "Community school"),
        type_group=kw.pop("type_group", "Local authority maintained schools"),
        status="open",
        state_funded=kw.pop("state_funded", True),
        phase=phase,
        easting=e,
        northing=n,
        pupils=kw.pop("pupils", 250),
        **kw,
    )


def make_trust(name, schools, group_type="mat", **kw):
    g = Group.objects.create(name=name, group_type=group_type, **kw)
    for s in schools:
        Membership.objects.create(establishment=s, group=g)
    return g


@pytest.fixture
def area(db):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    other = LocalAuthority.objects.create(code="938", name="West Sussex", region_name="South East")
    far = LocalAuthority.objects.create(code="202", name="Camden", region_name="London")
    oak = make_trust(
        "Oak Trust",
        [
            make_school(la, f"Oak Primary {i}", 500_000 + 1000 * i, 150_000, ofsted_rating="Good")
            for i in range(3)
        ],
    )
    ash = make_trust(
        "Ash Trust",
        [
            make_school(la, f"Ash Primary {i}", 510_000 + 1000 * i, 152_000, ofsted_rating="Outstanding")
            for i in range(2)
        ],
    )
    church = make_trust(
        "Diocesan Trust",
        [
            make_school(
                la,
                "St Anne's",
                503_000,
                149_000,
                religious_character="Church of England",
                diocese="Guildford",
            )
        ],
    )
    needy = make_school(la, "Low Road Primary", 505_000, 150_500, ofsted_rating="Inadequate")
    church_needy = make_school(
        la, "St Luke's", 506_000, 151_000, religious_character="Church of England", diocese="Guildford"
    )
    camden_school = make_school(far, "Camden Primary", 528_000, 184_000)
    return {
        "la": la,
        "other": other,
        "far": far,
        "oak": oak,
        "ash": ash,
        "church": church,
        "needy": needy,
        "church_needy": church_needy,
        "camden_school": camden_school,
    }


@pytest.fixture
def officer(make_user, area):
    return make_user("la_officer", scope_la=area["la"])


@pytest.fixture
def regional(make_user, area):
    return make_user("regional_officer", scope_region="South East")


# The day the tests' rounds started: before the fixed dates the tests record (consultations and board decisions in
# January 2026), which may not be earlier than the round (rules.not_before_round).
ROUNDS_START = datetime(2025, 12, 1, 9, 0)


@pytest.fixture(autouse=True)
def rounds_started_before_the_tests_dates():
    """Each round a test creates is moved back to start on ROUNDS_START, all by one shift so their order stays.
    A test of the rule itself sets the round's start as it needs."""
    shift = timezone.now() - timezone.make_aware(ROUNDS_START)

    def backdate(sender, instance, created, **kwargs):
        if created:
            instance.created_on -= shift
            Round.objects.filter(pk=instance.pk).update(created_on=instance.created_on)

    post_save.connect(backdate, sender=Round, dispatch_uid="rounds_started_before_the_tests_dates")
    yield
    post_save.disconnect(sender=Round, dispatch_uid="rounds_started_before_the_tests_dates")
