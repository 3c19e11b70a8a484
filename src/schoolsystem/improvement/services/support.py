"""Support directory and school-to-school support: request -> match -> agree -> deploy -> review -> close."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from schoolsystem.accounts.constants import OFFICER_ROLES, Role
from schoolsystem.accounts.scope import establishment_q
from schoolsystem.core.audit import audit, snapshot
from schoolsystem.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from schoolsystem.core.rules import not_after_today
from schoolsystem.engines.support import term_for
from schoolsystem.improvement import rules
from schoolsystem.improvement.constants import (
    COMMITTED_SUPPORT_STATES,
    SUPPORT_TRANSITIONS,
    PriceModel,
    ProviderKind,
    Rag,
    SupportKind,
    SupportOrigin,
    SupportState,
)
from schoolsystem.improvement.models import (
    CreditEntry,
    Offer,
    Provider,
    SupportMilestone,
    SupportRating,
    SupportRequest,
    SupportReview,
)
from schoolsystem.improvement.services.cases import deadline_days
from schoolsystem.performance.selectors import indicator_change


def _today() -> date:
    return timezone.localdate()


def _in_scope(by, school) -> bool:
    from schoolsystem.registry.models import Establishment

    return Establishment.objects.filter(establishment_q(by), pk=school.pk).exists()


def _require_scope(by, school) -> None:
    if by is None or not by.is_authenticated or not _in_scope(by, school):
        raise NotFound("No such school in your area.")


def _require_officer(by) -> None:
    if not (by.is_superuser or by.role in OFFICER_ROLES):
        raise PermissionDenied("Only local authority and regional officers do this.")


# ---------------------------------------------------------------------------------------------------------------
# Directory


@transaction.atomic
def provider_create(
    *,
    by,
    name: str,
    kind: str,
    group=None,
    establishment=None,
    system_leader=None,
    la=None,
    description: str = "",
    website: str = "",
) -> Provider:
    """Add a provider. Officers add any; trust and school leaders add their own trust or school."""
    if kind not in ProviderKind.values:
        raise ValidationFailed("Choose a kind of provider.", extra={"errors": {"kind": ["Choose a kind"]}})
    name = name.strip() or (group.name if group else establishment.name if establishment else "")
    if system_leader is not None and not name:
        name = system_leader.name
    if not name:
        raise ValidationFailed("Name the provider.", extra={"errors": {"name": ["Enter a name"]}})
    if not (by.is_superuser or by.role in OFFICER_ROLES):
        own = (by.role == Role.TRUST_LEADER and group is not None and group.pk == by.scope_group_id) or (
            by.role == Role.SCHOOL_LEADER
            and establishment is not None
            and establishment.pk == by.scope_establishment_id
        )
        if not own:
            raise PermissionDenied("You may add only your own trust or school as a provider.")
    provider = Provider.objects.create(
        name=name,
        kind=kind,
        group=group,
        establishment=establishment,
        system_leader=system_leader,
        la=la or (establishment.la if establishment else group.la if group else None),
        description=description.strip(),
        website=website.strip(),
    )
    audit(obj=provider, action="support.provider_created", actor=by, before={})
    return provider


@transaction.atomic
def offer_create(
    *,
    by,
    provider: Provider,
    title: str,
    kind: str,
    needs: list[str] = (),
    phases: list[str] = (),
    description: str = "",
    radius_km: int | None = None,
    days_per_term: int,
    schools_at_once: int = 1,
    price_model: str = PriceModel.FREE,
    price_note: str = "",
    credits_per_day: int = 0,
    contact_name: str = "",
    contact_email: str = "",
) -> Offer:
    """Publish an offer in the directory. Its base point is the provider's school, leader's school or trust HQ."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title"]
    if kind not in SupportKind.values:
        errors["kind"] = ["Choose a kind of support"]
    if any(n not in SupportKind.values for n in needs):
        errors["needs"] = ["Choose needs from the list"]
    if price_model not in PriceModel.values:
        errors["price_model"] = ["Choose a price model"]
    if days_per_term is None or days_per_term < 0:
        errors["days_per_term"] = ["Enter the days available per term"]
    if schools_at_once < 1:
        errors["schools_at_once"] = ["Support at least one school at once"]
    if price_model == PriceModel.CREDITS and credits_per_day < 1:
        errors["credits_per_day"] = ["Enter the credits charged per day"]
    if errors:
        raise ValidationFailed("The offer is incomplete.", extra={"errors": errors})
    if not (by.is_superuser or by.role in OFFICER_ROLES):
        own = (provider.group_id and provider.group_id == by.scope_group_id) or (
            provider.establishment_id and provider.establishment_id == by.scope_establishment_id
        )
        if not own:
            raise PermissionDenied("You may add offers only for your own trust or school.")
    base = provider.establishment or (
        provider.system_leader.establishment if provider.system_leader_id else None
    )
    easting = base.easting if base else (provider.group.head_office_easting if provider.group_id else None)
    northing = base.northing if base else (provider.group.head_office_northing if provider.group_id else None)
    offer = Offer.objects.create(
        provider=provider,
        title=title.strip(),
        kind=kind,
        needs=list(dict.fromkeys([kind, *needs])),
        phases=list(phases),
        description=description.strip(),
        base_easting=easting,
        base_northing=northing,
        radius_km=radius_km,
        days_per_term=days_per_term,
        schools_at_once=schools_at_once,
        price_model=price_model,
        price_note=price_note.strip(),
        credits_per_day=credits_per_day,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
    )
    audit(obj=offer, action="support.offer_created", actor=by, before={})
    return offer


# ---------------------------------------------------------------------------------------------------------------
# Requests


def _lock_request(request: SupportRequest, step: str, by) -> tuple[SupportRequest, dict]:
    locked = SupportRequest.objects.select_for_update().select_related("school").get(pk=request.pk)
    _require_scope(by, locked.school)
    sources, _ = SUPPORT_TRANSITIONS[step]
    if locked.state not in sources:
        raise InvalidTransition(
            f"A request that is “{locked.get_state_display().lower()}” cannot do that now."
        )
    return locked, snapshot(locked)


def _move(request: SupportRequest, step: str, by, before: dict, fields: list[str]) -> SupportRequest:
    _, target = SUPPORT_TRANSITIONS[step]
    request.state = target
    request.state_changed_on = timezone.now()
    request.save(update_fields=[*fields, "state", "state_changed_on", "modified_on"])
    audit(obj=request, action=f"support.{step}", actor=by, before=before)
    return request


@transaction.atomic
def support_request_create(
    *, by, school, needs: list[str], description: str, days_needed: int = 1, peer_review=None, case=None
) -> SupportRequest:
    """A school asks for support, or an officer raises it for a school (or a peer review or case raises it)."""
    _require_scope(by, school)
    errors: dict[str, list[str]] = {}
    if not needs or any(n not in SupportKind.values for n in needs):
        errors["needs"] = ["Choose at least one need"]
    if not description.strip():
        errors["description"] = ["Describe the support needed"]
    if not days_needed or days_needed < 1:
        errors["days_needed"] = ["Enter the days needed (at least 1)"]
    if errors:
        raise ValidationFailed("The request is incomplete.", extra={"errors": errors})
    origin = (
        SupportOrigin.PEER_REVIEW
        if peer_review is not None
        else SupportOrigin.CASE
        if case is not None
        else SupportOrigin.OFFICER
        if by.role in OFFICER_ROLES or by.is_superuser
        else SupportOrigin.SCHOOL
    )
    request = SupportRequest.objects.create(
        school=school,
        origin=origin,
        raised_by=by,
        needs=list(dict.fromkeys(needs)),
        description=description.strip(),
        days_needed=days_needed,
        peer_review=peer_review,
        case=case,
        state_changed_on=timezone.now(),
    )
    audit(obj=request, action="support.requested", actor=by, before={})
    return request


@transaction.atomic
def support_request_match(*, by, request: SupportRequest, offers: list[Offer]) -> SupportRequest:
    """Shortlist offers for the request (from the ranked search). Officers match."""
    _require_officer(by)
    if not offers:
        raise ValidationFailed(
            "Choose at least one offer.", extra={"errors": {"offers": ["Choose an offer"]}}
        )
    from schoolsystem.improvement.selectors import rank_offers_for

    request, before = _lock_request(request, "match", by)
    ranked = {
        r.offer_id: r
        for r in rank_offers_for(request.school, request.needs, request.days_needed, include_excluded=True)
    }
    request.shortlist = [
        {
            "offer_id": o.pk,
            "score": ranked[o.pk].score if o.pk in ranked else None,
            "reasons": list(ranked[o.pk].reasons) if o.pk in ranked else [],
        }
        for o in offers
    ]
    return _move(request, "match", by, before, ["shortlist"])


@transaction.atomic
def support_request_agree(
    *, by, request: SupportRequest, offer: Offer, days_agreed: int, objectives: list[str]
) -> SupportRequest:
    """The school and provider agree: one offer, the days and the objectives. Capacity is committed now."""
    errors: dict[str, list[str]] = {}
    objectives = [o.strip() for o in objectives if o.strip()]
    if not objectives:
        errors["objectives"] = ["Enter at least one objective"]
    if not days_agreed or days_agreed < 1:
        errors["days_agreed"] = ["Enter the days agreed"]
    if errors:
        raise ValidationFailed("The agreement is incomplete.", extra={"errors": errors})
    request, before = _lock_request(request, "agree", by)
    if offer.pk not in {s["offer_id"] for s in request.shortlist}:
        raise ValidationFailed(
            "Agree one of the shortlisted offers.",
            extra={"errors": {"offer": ["Select one of the shortlisted offers"]}},
        )
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    term = term_for(_today())
    running = SupportRequest.objects.filter(offer=offer, state__in=COMMITTED_SUPPORT_STATES)
    committed = (
        running.filter(agreed_on__range=(term.start, term.end)).aggregate(d=Sum("days_agreed"))["d"] or 0
    )
    active = running.count()
    if committed + days_agreed > offer.days_per_term or active >= offer.schools_at_once:
        raise ValidationFailed(
            f"{offer.title} has {max(0, offer.days_per_term - committed)} spare days in the {term.label.lower()} "
            f"and {max(0, offer.schools_at_once - active)} free places.",
            extra={
                "errors": {
                    "days_agreed": ["The days agreed must be no more than the offer has spare this term"]
                }
            },
        )
    if offer.price_model == PriceModel.CREDITS:
        cost = days_agreed * offer.credits_per_day
        balance = credit_balance(request.school)
        if balance < cost:
            raise ValidationFailed(
                f"The school has {balance} credits; this support costs {cost}.",
                extra={"errors": {"days_agreed": ["The days agreed cost more credits than the school has"]}},
            )
    request.offer = offer
    request.days_agreed = days_agreed
    request.objectives = objectives
    request.agreed_on = _today()
    return _move(request, "agree", by, before, ["offer", "days_agreed", "objectives", "agreed_on"])


@transaction.atomic
def support_request_deploy(
    *, by, request: SupportRequest, milestones: list[tuple[str, date]]
) -> SupportRequest:
    """Deployment starts, with milestones; the first termly review is scheduled."""
    if not milestones or any(not t.strip() or not d for t, d in milestones):
        raise ValidationFailed(
            "Add at least one milestone with a date.", extra={"errors": {"milestones": ["Add a milestone"]}}
        )
    request, before = _lock_request(request, "deploy", by)
    for title, due in milestones:
        milestone = SupportMilestone.objects.create(request=request, title=title.strip(), due_on=due)
        audit(obj=milestone, action="support.milestone_added", actor=by, before={})
    request.deployed_on = _today()
    request.next_review_due = _today() + timedelta(days=deadline_days("support_review_interval_days"))
    return _move(request, "deploy", by, before, ["deployed_on", "next_review_due"])


@transaction.atomic
def support_milestone_complete(*, by, milestone: SupportMilestone, done_on: date) -> SupportMilestone:
    """Record that a milestone of a deployment was reached, and when."""
    milestone = (
        SupportMilestone.objects.select_for_update().select_related("request__school").get(pk=milestone.pk)
    )
    _require_scope(by, milestone.request.school)
    if milestone.request.state != SupportState.DEPLOYED:
        raise InvalidTransition("Milestones are recorded while the support is deployed.")
    if milestone.done_on:
        raise InvalidTransition("This milestone is already done.")
    if not isinstance(done_on, date):
        message = f"Enter {rules.MILESTONE_DONE_ON}"
        raise ValidationFailed(message, extra={"errors": {"done_on": [message]}})
    future = not_after_today(done_on, today=_today(), what=rules.MILESTONE_DONE_ON)
    if future:
        raise ValidationFailed(future, extra={"errors": {"done_on": [future]}})
    before = snapshot(milestone)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on", "modified_on"])
    audit(obj=milestone, action="support.milestone_done", actor=by, before=before)
    return milestone


@transaction.atomic
def support_request_review(
    *, by, request: SupportRequest, reviewed_on: date, rag: str, progress: str
) -> SupportReview:
    """A termly review of the deployment."""
    errors: dict[str, list[str]] = {}
    if rag not in Rag.values:
        errors["rag"] = ["Choose a rating"]
    if not progress.strip():
        errors["progress"] = ["Record the progress made"]
    if not isinstance(reviewed_on, date):
        errors["reviewed_on"] = ["Enter the date of the review"]
    elif future := not_after_today(reviewed_on, today=_today(), what=rules.REVIEWED_ON):
        errors["reviewed_on"] = [future]
    if errors:
        raise ValidationFailed("The review is incomplete.", extra={"errors": errors})
    request, before = _lock_request(request, "review", by)
    review = SupportReview.objects.create(
        request=request, reviewed_on=reviewed_on, rag=rag, progress=progress.strip(), reviewed_by=by
    )
    audit(obj=review, action="support.review_recorded", actor=by, before={})
    request.next_review_due = reviewed_on + timedelta(days=deadline_days("support_review_interval_days"))
    _move(request, "review", by, before, ["next_review_due"])
    return review


@transaction.atomic
def support_request_close(
    *, by, request: SupportRequest, days_delivered: int, impact_summary: str
) -> SupportRequest:
    """Close with impact: the officer's account and the change in the school's headline results since the
    support was deployed (performance.selectors.indicator_change; 'officer' only when the school has no results).
    Credits move for credit-priced offers: the receiving school spends, the giving school earns."""
    if not impact_summary.strip():
        raise ValidationFailed(
            "Describe the impact.", extra={"errors": {"impact_summary": ["Describe the impact"]}}
        )
    if days_delivered is None or days_delivered < 0:
        raise ValidationFailed(
            "Enter the days delivered.", extra={"errors": {"days_delivered": ["Enter the days delivered"]}}
        )
    request, before = _lock_request(request, "close", by)
    change = indicator_change(request.school, since=request.deployed_on or request.agreed_on)
    request.impact = {"source": "performance", **change} if change else {"source": "officer"}
    request.impact_summary = impact_summary.strip()
    request.days_delivered = days_delivered
    request.closed_on = _today()
    request.next_review_due = None
    offer = request.offer
    if offer is not None and offer.price_model == PriceModel.CREDITS and days_delivered:
        amount = days_delivered * offer.credits_per_day
        entries = [
            CreditEntry.objects.create(
                establishment=request.school,
                amount=-amount,
                reason=f"Received: {offer.title}",
                request=request,
            )
        ]
        giver = offer.provider.credit_school
        if giver is not None:
            entries.append(
                CreditEntry.objects.create(
                    establishment=giver,
                    amount=amount,
                    reason=f"Gave: {offer.title} to {request.school.name}",
                    request=request,
                )
            )
        for entry in entries:  # the ledger is audited entry by entry, as a grant is
            audit(obj=entry, action="support.credits_moved", actor=by, before={})
    return _move(
        request,
        "close",
        by,
        before,
        ["impact", "impact_summary", "days_delivered", "closed_on", "next_review_due"],
    )


@transaction.atomic
def support_request_withdraw(*, by, request: SupportRequest, reason: str) -> SupportRequest:
    if not reason.strip():
        raise ValidationFailed("Give the reason.", extra={"errors": {"reason": ["Enter the reason"]}})
    request, before = _lock_request(request, "withdraw", by)
    request.impact_summary = f"Withdrawn: {reason.strip()}"
    return _move(request, "withdraw", by, before, ["impact_summary"])


@transaction.atomic
def support_rate(*, by, request: SupportRequest, score: int, comment: str = "") -> SupportRating:
    """The supported school rates the support once it has ended; the rating shows on the offer."""
    request = SupportRequest.objects.select_for_update().select_related("school").get(pk=request.pk)
    _require_scope(by, request.school)
    if not (by.is_superuser or by.role == Role.SCHOOL_LEADER or by.role in OFFICER_ROLES):
        raise PermissionDenied("The supported school rates the support.")
    if request.state != SupportState.CLOSED or request.offer_id is None:
        raise InvalidTransition("Support is rated once it has ended.")
    if SupportRating.objects.filter(request=request).exists():
        raise InvalidTransition("This support has already been rated.")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(
            "Rate from 1 to 5.", extra={"errors": {"score": ["Choose a rating from 1 to 5"]}}
        )
    rating = SupportRating.objects.create(
        request=request, offer_id=request.offer_id, score=score, comment=comment.strip(), rated_by=by
    )
    audit(obj=rating, action="support.rated", actor=by, before={})
    return rating


def credit_balance(school) -> int:
    return CreditEntry.objects.filter(establishment=school).aggregate(s=Sum("amount"))["s"] or 0


@transaction.atomic
def credit_grant(*, by, school, amount: int, reason: str) -> CreditEntry:
    """An officer grants (or removes) credits, e.g. an opening allocation."""
    _require_officer(by)
    _require_scope(by, school)
    if not amount or not reason.strip():
        raise ValidationFailed(
            "Enter an amount and a reason.", extra={"errors": {"amount": ["Enter an amount"]}}
        )
    entry = CreditEntry.objects.create(establishment=school, amount=amount, reason=reason.strip())
    audit(obj=entry, action="support.credits_granted", actor=by, before={})
    return entry
