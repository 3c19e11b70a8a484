"""A small, hand-made local system for the page and browser tests (ORM rows, not a GIAS file)."""

from datetime import date

from schoolsystem.registry.models import (
    Establishment,
    EstablishmentLink,
    Group,
    LocalAuthority,
    Membership,
    SystemLeader,
)


def school(la, urn, name, **fields):
    defaults = {
        "type_name": "Community school",
        "type_group": "Local authority maintained schools",
        "status": "open",
        "state_funded": True,
        "phase": "Primary",
        "district": "Waverley",
        "postcode": "GU7 1AA",
        "easting": 497000 + (urn % 97) * 150,
        "northing": 143000 + (urn % 89) * 170,
        "ofsted_rating": "Good",
        "pupils": 210,
        "capacity": 240,
    }
    defaults.update(fields)
    return Establishment.objects.create(la=la, urn=urn, name=name, **defaults)


def seed_system(extra_schools: int = 0):
    """Surrey (936): 8 named establishments + `extra_schools` more; Hertfordshire (919): 1 school.

    Surrey, open: 2 academies in Oak Trust (MAT), 1 school in a teaching school alliance, 1 school that left the
    trust (isolated), 1 maintained school with nothing (isolated), 1 independent school (not state-funded),
    1 closed school (predecessor of the academy Oakwood Academy).
    """
    surrey = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    herts = LocalAuthority.objects.create(code="919", name="Hertfordshire", region_name="East of England")
    mat = Group.objects.create(uid=5001, group_id="TR0001", name="Oak Trust", group_type="mat", la=surrey)
    tsa = Group.objects.create(
        name="Downs Teaching School Alliance", group_type="teaching_school_alliance", la=surrey
    )

    oakwood = school(
        surrey,
        140001,
        "Oakwood Academy",
        type_name="Academy converter",
        type_group="Academies",
        trust_school_flag="Supported by a multi-academy trust",
        ofsted_rating="Outstanding",
        postcode="GU7 3AA",
        district="Waverley",
    )
    elm = school(
        surrey,
        140002,
        "Elm Academy",
        type_name="Academy sponsor led",
        type_group="Academies",
        phase="Secondary",
        trust_school_flag="Supported by a multi-academy trust",
        district="Guildford",
        postcode="GU1 2BB",
    )
    birch = school(surrey, 125003, "Birch Primary School", district="Woking", postcode="GU21 4CC")
    ash = school(surrey, 125004, "Ash Infant School", district="Woking", ofsted_rating="Requires improvement")
    lone = school(surrey, 125005, "Lone Pine School", district="Tandridge", ofsted_rating="")
    school(
        surrey,
        125006,
        "Hill House School",
        type_name="Other independent school",
        type_group="Independent schools",
        state_funded=False,
        phase="Not applicable",
        ofsted_rating="",
    )
    old = school(
        surrey,
        125000,
        "Oakwood Junior School",
        status="closed",
        closed_on=date(2015, 8, 31),
        close_reason="Academy converter",
    )
    school(
        surrey, 125007, "Willow Nursery", phase="Nursery", status="proposed_to_close", district="Guildford"
    )
    for i in range(extra_schools):
        school(
            surrey, 150000 + i, f"Extra School {i:04d}", district=["Waverley", "Woking", "Elmbridge"][i % 3]
        )
    school(herts, 117001, "Hertford Primary School", district="East Hertfordshire", postcode="SG13 7AA")

    Membership.objects.create(establishment=oakwood, group=mat, role="lead", joined_on=date(2015, 9, 1))
    Membership.objects.create(establishment=elm, group=mat, joined_on=date(2016, 1, 1))
    Membership.objects.create(
        establishment=ash, group=mat, joined_on=date(2016, 1, 1), left_on=date(2019, 8, 31)
    )
    Membership.objects.create(establishment=birch, group=tsa, joined_on=date(2018, 9, 1))
    Membership.objects.create(
        establishment=oakwood, group=tsa, role="strategic_partner", joined_on=date(2018, 9, 1)
    )

    EstablishmentLink.objects.create(
        urn=140001,
        linked_urn=125000,
        linked_name="Oakwood Junior School",
        link_type="Predecessor",
        established_on=date(2015, 9, 1),
    )
    EstablishmentLink.objects.create(
        urn=125000,
        linked_urn=140001,
        linked_name="Oakwood Academy",
        link_type="Successor",
        established_on=date(2015, 9, 1),
    )
    # An older predecessor not in the registry (another LA's file): shown, not linked.
    EstablishmentLink.objects.create(
        urn=125000,
        linked_urn=100999,
        linked_name="Oakwood First School",
        link_type="Predecessor - merged",
        established_on=date(2001, 9, 1),
    )
    SystemLeader.objects.create(
        name="Pat Jones",
        designation="NLE",
        establishment=oakwood,
        national_support_school=True,
        specialism="Primary maths",
        days_per_term=10,
    )
    return {
        "surrey": surrey,
        "herts": herts,
        "mat": mat,
        "tsa": tsa,
        "oakwood": oakwood,
        "old": old,
        "lone": lone,
        "ash": ash,
        "birch": birch,
        "elm": elm,
    }
