"""Demo content for accreditation, built through the services (so it is audited like real use).

One ASP and one ASG go from application through assessment (with a further-information request, and the
advisory group for the ASG) to accreditation; one unsuccessful proposal gets reviewed feedback and a complaint;
an ineligible organisation is refused with the reason.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.models import User
from schoolsystem.accreditation import services
from schoolsystem.accreditation.constants import Criterion, Heading
from schoolsystem.accreditation.models import Application
from schoolsystem.registry.constants import FORMAL_GROUP_TYPES
from schoolsystem.registry.models import Establishment, Group


def _user(ctx, rng: random.Random, role: str, username: str) -> User:
    """ctx.users[role] when it is the one we need, else a new user with a printed password."""
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    password = "demo-" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(12))
    user = User(username=username, role=role, first_name=username.replace("-", " ").title())
    user.set_password(password)
    user.save()
    ctx.passwords[username] = password
    ctx.log(f"accreditation: created {role} user {username} / {password}")
    return user


def _role_user(ctx, rng, role: str, username: str) -> User:
    user = ctx.users.get(role)
    if user is None:
        user = _user(ctx, rng, role, username)
        ctx.users[role] = user
    return user


def _fill(app, applicant, *, la_code: str, capacity: int, led: int, governed: int, text: str) -> None:
    services.application_update_details(
        application=app,
        by=applicant,
        phases=["primary"],
        la_codes=[la_code],
        proposed_capacity=capacity,
        schools_led_in_formal_partnership=led,
        primary_schools_governed=governed,
    )
    for criterion in (
        Criterion.VISION,
        Criterion.CAPACITY,
        Criterion.LEADERSHIP_MANAGEMENT,
        Criterion.PUPIL_ACHIEVEMENT,
        Criterion.PARTNERSHIP_WORKING,
    ):
        services.evidence_save(
            application=app, criterion=criterion, text=f"{text}: {Criterion(criterion).label}.", by=applicant
        )


def _score(app, assessor, score: int) -> None:
    for heading in Heading.values:
        services.score_record(
            application=app,
            heading=heading,
            score=score,
            notes=f"Evidence read; scored {score}.",
            by=assessor,
        )


def load(ctx) -> None:
    if Application.objects.exists():
        ctx.log("accreditation: demo proposals already present, skipped")
        return
    rng = random.Random(ctx.seed)
    la = ctx.la
    dm = _role_user(ctx, rng, Role.DECISION_MAKER, "secretary-of-state")
    assessor = _role_user(ctx, rng, Role.ASSESSOR, "assessor")
    advisory = _role_user(ctx, rng, Role.ADVISORY_GROUP, "advisory-group")
    assessor2 = _user(ctx, rng, Role.ASSESSOR, "assessor-2")

    today = timezone.localdate()
    rnd = services.round_create(
        name=f"Term {today:%B %Y}",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=60),
        by=dm,
    )

    schools = list(Establishment.objects.open().filter(la=la).order_by("urn"))
    primaries = [s for s in schools if "primary" in s.phase.lower()] or schools
    secondaries = [s for s in schools if "secondary" in s.phase.lower()] or schools
    strong = [s for s in primaries if s.ofsted_rating.lower().startswith("outstanding")] or primaries
    asp_school = rng.choice(strong) if strong else None
    sec_school = rng.choice(secondaries) if secondaries else None
    group = (
        Group.objects.filter(la=la, group_type__in=FORMAL_GROUP_TYPES).order_by("pk").first()
        or Group.objects.filter(memberships__establishment__la=la).distinct().order_by("pk").first()
    )

    def org_with_applicant(name, org_type, username, **kw):
        org = services.organisation_create(name=name, org_type=org_type, by=dm, **kw)
        applicant = ctx.users.get(Role.APPLICANT) if username == "applicant" else None
        if applicant is None or hasattr(applicant, "accreditation_membership"):
            applicant = _user(ctx, rng, Role.APPLICANT, username)
        services.organisation_add_member(organisation=org, user=applicant, by=dm)
        applicant.refresh_from_db()
        return org, applicant

    # 1. ASP: an outstanding primary school, with a further-information request, accredited.
    asp_org, asp_user = org_with_applicant(
        asp_school.name if asp_school else "Demo Primary School",
        "maintained_primary",
        "applicant",
        establishment=asp_school,
        denomination="CofE" if asp_school and "england" in asp_school.religious_character.lower() else "",
        diocese=asp_school.diocese if asp_school else "",
    )
    asp = services.application_start(organisation=asp_org, accreditation_type="ASP", round=rnd, by=asp_user)
    _fill(
        asp,
        asp_user,
        la_code=la.code,
        capacity=2,
        led=1,
        governed=0,
        text="Led a neighbouring primary out of special measures",
    )
    services.application_submit(application=asp, by=asp_user)
    services.application_assign_assessor(application=asp, assessor=assessor, by=dm)
    services.information_request(
        application=asp, request="Please send three years of KS2 progress data.", by=assessor
    )
    services.information_provide(
        application=asp, response="KS2 progress +2.1, +2.4, +3.0 (attached).", by=asp_user
    )
    _score(asp, assessor, 3)
    services.application_recommend(
        application=asp, recommendation="accredit", note="Meets every heading.", by=assessor
    )
    services.application_decide(application=asp, accredit=True, note="Accredited as an ASP.", by=dm)
    ctx.log(f"accreditation: {asp_org.name} accredited as ASP ({asp.reference})")

    # 2. ASG: a trust or federation leading two schools, via the advisory group, accredited.
    asg_org, asg_user = org_with_applicant(
        group.name if group else "Demo Schools Federation",
        "federation" if group is None or group.group_type == "federation" else "academy_trust",
        "applicant-asg",
        group=group,
    )
    asg = services.application_start(organisation=asg_org, accreditation_type="ASG", round=rnd, by=asg_user)
    _fill(
        asg, asg_user, la_code=la.code, capacity=5, led=2, governed=3, text="Two federated primaries now good"
    )
    services.application_submit(application=asg, by=asg_user)
    services.application_assign_assessor(application=asg, assessor=assessor, by=dm)
    services.information_request(
        application=asg, request="How will the executive head's time be shared?", by=assessor
    )
    services.information_provide(
        application=asg, response="Two heads of school; executive head 0.5 each.", by=asg_user
    )
    _score(asg, assessor, 4)
    services.application_recommend(
        application=asg, recommendation="accredit", note="Strong group.", by=assessor
    )
    services.application_advisory_review(
        application=asg, note="The advisory group supports accreditation.", by=advisory
    )
    services.application_decide(application=asg, accredit=True, note="Accredited as an ASG.", by=dm)
    ctx.log(f"accreditation: {asg_org.name} accredited as ASG ({asg.reference})")

    # 3. Unsuccessful: a secondary school as ASP; the first assessor declares a conflict, so a second assesses.
    sec_org, sec_user = org_with_applicant(
        sec_school.name if sec_school else "Demo Secondary School",
        "maintained_secondary",
        "applicant-refused",
        establishment=sec_school,
    )
    refused = services.application_start(
        organisation=sec_org, accreditation_type="ASP", round=rnd, by=sec_user
    )
    _fill(
        refused,
        sec_user,
        la_code=la.code,
        capacity=1,
        led=0,
        governed=0,
        text="Secondary outcomes; little primary experience",
    )
    services.application_submit(application=refused, by=sec_user)
    services.conflict_declare(assessor=assessor, organisation=sec_org, reason="Former governor.", by=assessor)
    services.application_assign_assessor(application=refused, assessor=assessor2, by=dm)
    _score(refused, assessor2, 2)
    services.application_recommend(
        application=refused,
        recommendation="do_not_accredit",
        note="No primary or EYFS expertise shown.",
        by=assessor2,
    )
    services.application_decide(application=refused, accredit=False, note="Not accredited.", by=dm)
    services.feedback_write(
        application=refused,
        feedback="The proposal did not show primary or Early Years Foundation Stage expertise (prospectus §1.1).",
        by=assessor2,
    )
    services.feedback_review(application=refused, release=True, note="Clear and fair.", by=advisory)
    complaint = services.complaint_lodge(
        application=refused,
        text="Our primary partnership work with feeder schools was not considered.",
        by=sec_user,
    )
    services.complaint_review(complaint=complaint, note="Assessment notes re-read.", by=dm)
    ctx.log(
        f"accreditation: {sec_org.name} not accredited; feedback released; complaint {complaint.pk} lodged"
    )

    # 4. Ineligible: a local authority is not among the §2.2 organisations.
    la_org, la_user = org_with_applicant(
        f"{la.name} school improvement service", "local_authority", "applicant-ineligible"
    )
    bad = services.application_start(organisation=la_org, accreditation_type="ASP", round=rnd, by=la_user)
    _fill(bad, la_user, la_code=la.code, capacity=2, led=0, governed=0, text="LA advisers")
    bad = services.application_submit(application=bad, by=la_user)
    ctx.log(f"accreditation: {la_org.name} refused: {'; '.join(bad.ineligibility_reasons)}")

    # 5. Waiting for the demo's assessor: submitted and assigned, nothing scored yet (sign in as `assessor`).
    others = [school for school in strong if school != asp_school]
    if others:
        pending_school = rng.choice(others)
        pending_org, pending_user = org_with_applicant(
            pending_school.name, "maintained_primary", "applicant-pending", establishment=pending_school
        )
        pending = services.application_start(
            organisation=pending_org, accreditation_type="ASP", round=rnd, by=pending_user
        )
        _fill(
            pending,
            pending_user,
            la_code=la.code,
            capacity=1,
            led=1,
            governed=0,
            text="Supported a federation partner",
        )
        services.application_submit(application=pending, by=pending_user)
        services.application_assign_assessor(application=pending, assessor=assessor, by=dm)
        ctx.log(f"accreditation: {pending_org.name} submitted; waiting for {assessor.username} to assess")
