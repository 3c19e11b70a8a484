"""A small hand-made registry for API, service and scope tests: two LAs in two regions, a few schools, a trust,
two partnerships and two system leaders."""

from datetime import date
from types import SimpleNamespace

from schoolsystem.registry.constants import EstablishmentStatus, GroupType, MembershipRole
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership, SystemLeader


def school(la, urn, name, **fields):
    defaults = {
        "type_name": "Community school",
        "type_group": "Local authority maintained schools",
        "status": EstablishmentStatus.OPEN,
        "state_funded": True,
        "phase": "Primary",
        "postcode": "GU1 1AA",
        "ofsted_rating": "Good",
    }
    return Establishment.objects.create(la=la, urn=urn, name=name, **{**defaults, **fields})


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.la_a = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    w.la_b = LocalAuthority.objects.create(code="202", name="Camden", region_name="London")
    w.a1 = school(w.la_a, 125001, "Ashford Primary School", postcode="TW15 1AA")
    w.a2 = school(
        w.la_a,
        125002,
        "Bramley Academy",
        type_name="Academy converter",
        type_group="Academies",
        phase="Secondary",
        ofsted_rating="Outstanding",
    )
    w.a3 = school(
        w.la_a,
        125003,
        "Chertsey Infant School",
        status=EstablishmentStatus.CLOSED,
        closed_on=date(2015, 8, 31),
    )
    w.a4 = school(w.la_a, 125004, "Dorking Independent", state_funded=False, type_group="Independent schools")
    w.b1 = school(w.la_b, 100001, "Camden Primary School", postcode="NW1 1AA")
    w.b2 = school(w.la_b, 100002, "Kentish Town School")
    w.mat = Group.objects.create(
        uid=5001, name="Surrey Learning Trust", group_type=GroupType.MULTI_ACADEMY_TRUST
    )
    Membership.objects.create(
        group=w.mat, establishment=w.a2, role=MembershipRole.MEMBER, joined_on=date(2016, 9, 1)
    )
    w.tsa = Group.objects.create(
        name="Ashford Teaching School Alliance", group_type=GroupType.TEACHING_SCHOOL_ALLIANCE, la=w.la_a
    )
    w.tsa_lead = Membership.objects.create(
        group=w.tsa, establishment=w.a1, role=MembershipRole.LEAD, joined_on=date(2018, 9, 1)
    )
    w.pb = Group.objects.create(
        name="Camden Schools Partnership", group_type=GroupType.COLLABORATIVE_PARTNERSHIP, la=w.la_b
    )
    w.pb_b1 = Membership.objects.create(
        group=w.pb, establishment=w.b1, role=MembershipRole.MEMBER, joined_on=date(2019, 1, 1)
    )
    w.nle = SystemLeader.objects.create(
        name="Ann Example",
        designation="NLE",
        establishment=w.a1,
        national_support_school=True,
        days_per_term=10,
    )
    w.sle = SystemLeader.objects.create(
        name="Ben Example", designation="SLE", establishment=w.b1, specialism="Maths", days_per_term=5
    )
    return w
