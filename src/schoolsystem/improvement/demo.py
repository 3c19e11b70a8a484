"""Demo content for the improvement app, built through the services (so it is audited like real use).

A school needing improvement opens a case (from the risk screen when the performance app flags it), goes through a
warning notice and consultation to a chosen intervention whose decision is published with a redaction; a support
request is matched, delivered, reviewed and rated; a peer review agrees actions."""

import math
import random
from datetime import timedelta

from django.utils import timezone

from schoolsystem.improvement import services
from schoolsystem.improvement.constants import (
    CaseSource,
    ConsultationOutcome,
    InterventionOption,
    WarningGround,
    is_inadequate,
)
from schoolsystem.performance.selectors import risk_reasons_for


def _officer(ctx, role: str, **scope):
    from schoolsystem.accounts.models import User

    user = ctx.users.get(role)
    if user is not None:
        return user
    user, created = User.objects.get_or_create(username=f"demo-{role}", defaults={"role": role, **scope})
    if created:
        password = f"demo-{role}-{ctx.seed}-pass"
        user.set_password(password)
        user.save(update_fields=["password"])
        ctx.passwords[user.username] = password
    ctx.users[role] = user
    return user


def _head(ctx, school):
    """The head of `school` (a school_leader scoped to it): ctx's school leader when it is theirs, else a new user
    whose password is printed with the others."""
    from schoolsystem.accounts.models import User

    existing = ctx.users.get("school_leader")
    if existing is not None and existing.scope_establishment_id == school.pk:
        return existing
    username = f"demo-head-{school.urn}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": "school_leader",
            "scope_establishment": school,
            "first_name": "Head of",
            "last_name": school.name[:140],
        },
    )
    if created:
        password = f"demo-head-{school.urn}-{ctx.seed}-pass"
        user.set_password(password)
        user.save(update_fields=["password"])
        ctx.passwords[username] = password
    ctx.users.setdefault("school_leader", user)
    return user


def _partnership(ctx, by, members, today):
    """A peer-review partnership made through the registry's audited services."""
    from schoolsystem.registry.constants import GroupType, MembershipRole
    from schoolsystem.registry.models import Group
    from schoolsystem.registry.services import membership_add, partnership_create

    name = f"{ctx.la.name} primary peer review partnership"
    group = Group.objects.filter(name=name, la=ctx.la).first() or partnership_create(
        by=by, name=name, group_type=GroupType.COLLABORATIVE_PARTNERSHIP, la=ctx.la, opened_on=today
    )
    current = set(group.memberships.filter(left_on__isnull=True).values_list("establishment_id", flat=True))
    for i, school in enumerate(members):
        if school.pk not in current:
            membership_add(
                by=by,
                group=group,
                establishment=school,
                role=MembershipRole.LEAD if i == 1 else MembershipRole.MEMBER,
                joined_on=today,
            )
    return group


def _academy_order_story(ctx, school, la_officer, regional, today) -> None:
    """An inadequate maintained school: warning notice, consultation answered by its head, academy order issued by
    the regional officer, sponsor recorded; the order and the sponsor match are published."""
    from schoolsystem.registry.constants import GroupType
    from schoolsystem.registry.models import Group

    head = _head(ctx, school)
    case = services.case_open(
        school=school,
        by=la_officer,
        reasons=[f"Ofsted: {school.ofsted_rating}", "Leadership and governance judged inadequate"],
        summary="Judged inadequate at its last inspection.",
    )
    case = services.case_start_monitoring(case=case, by=la_officer, note="Weekly contact with the head.")
    case = services.case_issue_warning_notice(
        case=case,
        by=la_officer,
        grounds=[WarningGround.LEADERSHIP],
        compliance_by=services.default_compliance_date(today),
    )
    consultation = services.case_record_consultation(
        case=case,
        by=regional,
        proposal="Conversion to a sponsored academy through an academy order",
        consulted_on=today,
        school_response="",
        outcome=ConsultationOutcome.AWAITING,
    )
    services.consultation_respond(
        by=head,
        consultation=consultation,
        outcome=ConsultationOutcome.AGREED_WITH_CONDITIONS,
        school_response="Governors agree if the sponsor keeps the school's nursery.",
    )
    case.refresh_from_db()
    case = services.case_choose_intervention(
        case=case,
        by=regional,
        option=InterventionOption.SPONSORED_ACADEMY,
        rationale="The school is inadequate: the law requires an academy order. A safeguarding referral was noted.",
        options_considered=["Sponsored academy", "Interim executive board"],
        criteria=["Maintained school judged inadequate by Ofsted", "Capacity of local trusts"],
    )
    order = case.academy_order
    services.decision_publish(
        by=regional,
        decision=order.decision,
        redactions=[
            {
                "field": "rationale",
                "withheld": "Details of a safeguarding referral",
                "reason": "Child protection",
            }
        ],
    )
    sponsor = (
        Group.objects.filter(la=ctx.la, group_type=GroupType.MULTI_ACADEMY_TRUST)
        .order_by("uid", "pk")
        .first()
    )
    if sponsor is not None:
        services.academy_order_record_sponsor(
            order=order,
            by=regional,
            sponsor_group=sponsor,
            rationale=f"{sponsor.name} has primary experience and capacity nearby.",
        )
        match = order.case.school.decisions.filter(decision_type="sponsor_match").first()
        if match is not None:
            services.decision_publish(by=regional, decision=match)
    ctx.log(
        f"improvement: academy order for {school.name} issued by {regional.username}"
        f"{', sponsor ' + sponsor.name if sponsor else ' (no trust in the demo LA to sponsor it)'}"
    )


def _distance_m(a, b) -> float:
    if None in (a.easting, a.northing, b.easting, b.northing):
        return float("inf")
    return math.hypot(a.easting - b.easting, a.northing - b.northing)


def load(ctx) -> None:
    from schoolsystem.improvement.models import Case
    from schoolsystem.registry.models import Establishment

    if Case.objects.filter(school__la=ctx.la).exists():
        # `demo_data --force` runs the loaders again: the casework, support and reviews are there already.
        ctx.log("improvement: demo casework already present; skipped")
        return
    rng = random.Random(ctx.seed)
    today = timezone.localdate()
    la_officer = _officer(ctx, "la_officer", scope_la=ctx.la)
    regional = _officer(ctx, "regional_officer", scope_region=ctx.la.region_name)
    schools = Establishment.objects.open().filter(la=ctx.la, state_funded=True).order_by("urn")
    concern = [
        s
        for s in schools.filter(
            ofsted_rating__iregex=r"(requires improvement|inadequate|special measures|serious weakness)"
        )
        if not s.is_academy and s.phase
    ]
    strong = [s for s in schools.filter(ofsted_rating__iexact="Outstanding") if s.phase]
    if not concern or not strong:
        ctx.log("improvement: no school needing improvement or no outstanding school in the demo LA; skipped")
        return
    # GIAS records an inadequate judgement as "Inadequate", "Serious Weaknesses" or "Special Measures" (its two
    # categories of concern): each gets an academy order, so the one test the casework and brokerage use decides.
    inadequate = [s for s in concern if is_inadequate(s.ofsted_rating)]
    improving = [s for s in concern if s not in inadequate]
    # The case opens from the risk screen: prefer a school the screen flags (the performance demo ran first).
    flagged = [s for s in improving or concern if risk_reasons_for(s)]
    school = rng.choice(flagged or improving or concern)
    head = _head(ctx, school)
    partners = [s for s in strong if s.phase == school.phase] or strong
    lead = min(partners, key=lambda p: _distance_m(p, school))  # the nearest: its offer covers the school

    # 1. Casework: risk screen (or by hand) -> warning notice -> consultation -> intervention -> published decision.
    # The story is recorded after the fact: the concern was identified three weeks before the notice, which went out
    # six weeks ago; its compliance date has passed without the school complying, and the school was consulted since
    # (both needed to choose an intervention).
    notice_on = today - timedelta(days=42)
    reasons = risk_reasons_for(school)
    source = CaseSource.RISK_SCREEN if reasons else CaseSource.MANUAL
    case = services.case_open(
        school=school,
        by=la_officer,
        source=source,
        reasons=reasons
        or [f"Ofsted: {school.ofsted_rating}", "Attainment below the LA average for three years"],
        summary="Identified at the autumn school-improvement review.",
        identified_on=notice_on - timedelta(days=21),
    )
    case = services.case_update(
        case=case,
        by=la_officer,
        version=case.version,
        summary=case.summary,
        exit_criteria=[
            "Reading, writing and maths at or above the national average",
            "Governance review actions complete",
        ],
    )
    case = services.case_start_monitoring(
        case=case, by=la_officer, note="Termly visits agreed with the head."
    )
    case = services.case_record_visit(
        case=case,
        by=la_officer,
        visited_on=notice_on - timedelta(days=14),
        notes="Leadership capacity is thin; governors unaware of data.",
    )
    case = services.case_hold_early_conversation(
        case=case,
        by=la_officer,
        held_on=notice_on - timedelta(days=7),
        note="Head and chair told a warning notice may follow.",
    )
    case = services.case_issue_warning_notice(
        case=case,
        by=la_officer,
        grounds=[WarningGround.STANDARDS, WarningGround.LEADERSHIP],
        issued_on=notice_on,
        compliance_by=services.default_compliance_date(notice_on),
    )
    consultation = services.case_record_consultation(
        case=case,
        by=la_officer,
        proposal=f"Third-party support from {lead.name} (National Support School)",
        consulted_on=today - timedelta(days=14),
        school_response="",
        outcome=ConsultationOutcome.AWAITING,
    )
    services.consultation_respond(
        by=head,
        consultation=consultation,
        outcome=ConsultationOutcome.AGREED,
        school_response="Governors welcome the support.",
    )
    case.refresh_from_db()
    case = services.case_choose_intervention(
        case=case,
        by=la_officer,
        option=InterventionOption.THIRD_PARTY_SUPPORT,
        partner_name=lead.name,
        rationale=f"{lead.name} is outstanding, in the same phase and nearby. The chair's personal circumstances were also weighed.",
        options_considered=["LA support", "Third-party support", "Federation with a strong lead school"],
        criteria=["Standards over time", "Capacity of the partner school", "Distance"],
    )
    services.decision_publish(
        by=la_officer,
        decision=case.intervention_decision,
        redactions=[
            {
                "field": "rationale",
                "withheld": "Personal circumstances of the chair of governors",
                "reason": "Personal data",
                "passage": "The chair's personal circumstances were also weighed.",
            }
        ],
    )
    case = services.case_start_implementation(case=case, by=la_officer, note="Partnership agreement signed.")
    ctx.log(
        f"improvement: case {case.pk} for {school.name} ({source}) -> {case.get_state_display()}, decision {case.intervention_decision.reference} published"
    )

    # 2. Support: directory offer, request matched, agreed, deployed, reviewed, closed, rated.
    provider = services.provider_create(by=la_officer, name="", kind="lead_school", establishment=lead)
    offer = services.offer_create(
        by=la_officer,
        provider=provider,
        title=f"Leadership and reading support from {lead.name}",
        kind="leadership",
        needs=["subject", "governance_review"],
        phases=[lead.phase],
        radius_km=25,
        days_per_term=15,
        schools_at_once=2,
        price_model="free",
        contact_name=lead.head_name or "Headteacher",
    )
    services.offer_create(
        by=la_officer,
        provider=services.provider_create(
            by=la_officer, name=f"{ctx.la.name} governance service", kind="la_traded", la=ctx.la
        ),
        title="Governance review",
        kind="governance_review",
        days_per_term=6,
        schools_at_once=3,
        price_model="traded",
        price_note="£450 a day",
    )
    req = services.support_request_create(
        by=la_officer,
        school=school,
        needs=["leadership", "subject"],
        description="Coaching for the new head; reading leadership.",
        days_needed=6,
        case=case,
    )
    req = services.support_request_match(by=la_officer, request=req, offers=[offer])
    req = services.support_request_agree(
        by=la_officer,
        request=req,
        offer=offer,
        days_agreed=6,
        objectives=["A credible improvement plan", "Phonics taught consistently"],
    )
    req = services.support_request_deploy(
        by=la_officer,
        request=req,
        milestones=[
            ("Improvement plan agreed", today + timedelta(days=30)),
            ("Phonics audit", today + timedelta(days=60)),
        ],
    )
    for milestone in req.milestones.order_by("due_on"):
        services.support_milestone_complete(by=la_officer, milestone=milestone, done_on=today)
    services.support_request_review(
        by=la_officer,
        request=req,
        reviewed_on=today,
        rag="green",
        progress="Plan agreed; phonics audit under way.",
    )
    req = services.support_request_close(
        by=la_officer, request=req, days_delivered=6, impact_summary="Plan in place; phonics screening up."
    )
    services.support_rate(by=head, request=req, score=5, comment="Practical and well-judged support.")
    ctx.log(f"improvement: support request {req.pk} delivered by {lead.name} and rated 5/5")

    # 3. Peer review inside a partnership (created here when the demo has none).
    members = [school, lead] + [s for s in strong if s not in (school, lead)][:1]
    group = _partnership(ctx, la_officer, members, today)
    review = services.peer_review_plan(
        by=la_officer,
        partnership=group,
        school=school,
        review_on=today,
        focus_areas=["Reading", "Governance"],
        reviewers=[(lead.head_name or "Reviewing head", lead)]
        + [(m.head_name or "Reviewer", m) for m in members[2:]],
    )
    services.peer_review_complete(
        by=la_officer,
        review=review,
        strengths="Caring culture; improving attendance.",
        areas_for_development="Consistency of phonics; governors' use of data.",
        actions=[
            ("Phonics training for all KS1 staff", "Deputy head", today + timedelta(days=60)),
            ("Governor data training", "Chair of governors", today + timedelta(days=90)),
        ],
    )
    ctx.log(f"improvement: peer review {review.pk} of {school.name} with 2 actions")

    # 4. An inadequate maintained school: the academy-order path, so the register shows both kinds of decision.
    academy_candidates = [s for s in inadequate if s != school]
    if academy_candidates:
        _academy_order_story(ctx, rng.choice(academy_candidates), la_officer, regional, today)
    else:
        ctx.log("improvement: no other inadequate maintained school in the demo LA; no academy order")
