"""Registry demo content GIAS does not hold: informal partnerships and system leaders in the demo LA.

Creates, deterministically from `ctx.seed`:
- a teaching school alliance led by an Outstanding primary, with its nearest schools as members and two
  strategic partners, and its system leaders: an NLE (at a National Support School, the lead school) and SLEs;
- a local strategic partnership of schools in the LA's largest district;
- a diocesan network of the LA's Church of England schools;
- LLEs at three Good or Outstanding schools and one NLG.

Each object is written with the ORM and audited (`core.audit.audit`, the same action names as the registry
services use) because the registry services were not on this branch when it was written.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction
from django.db.models import Count

from schoolsystem.core.audit import audit, diff, snapshot
from schoolsystem.registry.constants import (
    OPEN_STATUSES,
    GroupStatus,
    GroupType,
    MembershipRole,
    SystemLeaderDesignation,
)
from schoolsystem.registry.models import Establishment, Group, Membership, SystemLeader

ACTOR = "demo"
SLE_SPECIALISMS = ("Mathematics", "English and literacy", "Special educational needs", "Early years")


def _created(obj, action: str) -> None:
    audit(obj=obj, action=action, actor_label=ACTOR, changes=diff({}, snapshot(obj)))


def _partnership(ctx, *, name: str, group_type: str, opened_on: date, description: str) -> Group:
    group = Group.objects.create(
        name=name,
        group_type=group_type,
        la=ctx.la,
        description=description,
        opened_on=opened_on,
        status=GroupStatus.OPEN,
    )
    _created(group, "partnership.created")
    return group


def _add(group: Group, school: Establishment, role: str, joined_on: date) -> Membership:
    membership = Membership.objects.create(establishment=school, group=group, role=role, joined_on=joined_on)
    _created(membership, "membership.added")
    return membership


def _leader(ctx, rng: random.Random, **fields) -> SystemLeader:
    leader = SystemLeader(**fields)
    if not leader.name:
        school = fields.get("establishment")
        leader.name = (school.head_name if school and school.head_name else "") or rng.choice(
            ("Alex Morgan", "Sam Patel", "Jo Whitfield", "Chris Okafor")
        )
    leader.save()
    _created(leader, "system_leader.created")
    return leader


def _nearest(schools: list[Establishment], to: Establishment, k: int) -> list[Establishment]:
    def distance(s: Establishment) -> float:
        return ((s.easting or 0) - (to.easting or 0)) ** 2 + ((s.northing or 0) - (to.northing or 0)) ** 2

    return sorted((s for s in schools if s.pk != to.pk), key=lambda s: (distance(s), s.urn))[:k]


@transaction.atomic
def load(ctx) -> None:
    rng = random.Random(ctx.seed)
    if Group.objects.filter(la=ctx.la, group_type=GroupType.TEACHING_SCHOOL_ALLIANCE).exists():
        ctx.log("  registry: partnerships already present (demo_data --force); left as they are")
        return
    schools = list(
        Establishment.objects.filter(la=ctx.la, status__in=OPEN_STATUSES, state_funded=True).order_by("urn")
    )
    if len(schools) < 12:
        ctx.log(f"  registry: only {len(schools)} open state-funded schools; partnerships need at least 12")
        return
    primaries = [s for s in schools if s.phase == "Primary"]
    outstanding = [s for s in primaries if s.ofsted_rating == "Outstanding"] or primaries or schools
    lead = rng.choice(outstanding)

    # Teaching school alliance: lead, nearby members, two strategic partners further away.
    tsa = _partnership(
        ctx,
        name=f"{lead.name} Teaching School Alliance",
        group_type=GroupType.TEACHING_SCHOOL_ALLIANCE,
        opened_on=date(2016, 9, 1),
        description="School-to-school support, initial teacher training and leadership development.",
    )
    _add(tsa, lead, MembershipRole.LEAD, date(2016, 9, 1))
    near = _nearest(schools, lead, max(3, min(9, len(schools) // 10)))
    for i, school in enumerate(near):
        _add(tsa, school, MembershipRole.MEMBER, date(2016 + i % 4, 9, 1))
    others = [s for s in schools if s.pk != lead.pk and s not in near and s.phase == "Secondary"] or [
        s for s in schools if s.pk != lead.pk and s not in near
    ]
    partners = rng.sample(others, k=min(2, len(others)))
    for school in partners:
        _add(tsa, school, MembershipRole.STRATEGIC_PARTNER, date(2018, 1, 8))

    # Local strategic partnership in the largest district (a subset of its schools, so some stay isolated).
    district = (
        Establishment.objects.filter(la=ctx.la, status__in=OPEN_STATUSES, state_funded=True)
        .exclude(district="")
        .values("district")
        .annotate(n=Count("id"))
        .order_by("-n", "district")
        .first()
    )
    if district:
        in_district = [s for s in schools if s.district == district["district"]]
        lsp = _partnership(
            ctx,
            name=f"{district['district']} Local Strategic Partnership",
            group_type=GroupType.LOCAL_STRATEGIC_PARTNERSHIP,
            opened_on=date(2019, 4, 1),
            description=f"Heads of schools in {district['district']} planning places, inclusion and support.",
        )
        chosen = rng.sample(in_district, k=max(2, len(in_district) // 3))
        chosen.sort(key=lambda s: s.urn)
        secondaries = [s for s in chosen if s.phase == "Secondary"]
        lsp_lead = secondaries[0] if secondaries else chosen[0]
        for school in chosen:
            role = MembershipRole.LEAD if school.pk == lsp_lead.pk else MembershipRole.MEMBER
            _add(lsp, school, role, date(2019, 4, 1))

    # Diocesan network of the LA's Church of England schools.
    church = [s for s in schools if s.religious_character == "Church of England" and s.diocese]
    if church:
        diocese = sorted({s.diocese for s in church})[0]
        network = _partnership(
            ctx,
            name=f"{diocese} Schools Network",
            group_type=GroupType.DIOCESAN_NETWORK,
            opened_on=date(2015, 9, 1),
            description="Church of England schools of the diocese: peer review and collective worship.",
        )
        for school in (s for s in church if s.diocese == diocese):
            _add(network, school, MembershipRole.MEMBER, date(2015, 9, 1))

    # System leaders.
    _leader(
        ctx,
        rng,
        name="",
        designation=SystemLeaderDesignation.NLE,
        establishment=lead,
        national_support_school=True,
        teaching_school_alliance=tsa,
        specialism="School improvement and leadership",
        phase="Primary",
        designated_on=date(2016, 9, 1),
        days_per_term=20,
    )
    good = [s for s in schools if s.ofsted_rating in ("Good", "Outstanding") and s.pk != lead.pk]
    for school in rng.sample(good, k=min(3, len(good))):
        _leader(
            ctx,
            rng,
            name="",
            designation=SystemLeaderDesignation.LLE,
            establishment=school,
            specialism="Headship support",
            phase=school.phase,
            designated_on=date(2018 + rng.randrange(4), 9, 1),
            days_per_term=rng.choice([6, 8, 10]),
        )
    for i, specialism in enumerate(SLE_SPECIALISMS):
        school = ([lead, *near])[i % (len(near) + 1)]
        _leader(
            ctx,
            rng,
            name=f"{rng.choice(('Amy', 'Ben', 'Cara', 'Dev', 'Ella', 'Femi'))} "
            f"{rng.choice(('Ashworth', 'Barnes', 'Cole', 'Desai', 'Evans', 'Flynn'))}",
            designation=SystemLeaderDesignation.SLE,
            establishment=school,
            teaching_school_alliance=tsa,
            specialism=specialism,
            phase=school.phase,
            designated_on=date(2017 + i % 3, 1, 9),
            days_per_term=rng.choice([3, 4, 5]),
        )
    _leader(
        ctx,
        rng,
        name="Pat Greenwood",
        designation=SystemLeaderDesignation.NLG,
        establishment=rng.choice(schools),
        specialism="Governance reviews and trust boards",
        designated_on=date(2019, 1, 7),
        days_per_term=5,
    )
    ctx.log(
        f"  registry: {Group.objects.filter(la=ctx.la).exclude(uid__isnull=False).count()} partnerships, "
        f"{SystemLeader.objects.filter(establishment__la=ctx.la).count()} system leaders"
    )
