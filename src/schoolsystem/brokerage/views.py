"""Brokerage pages. Views parse input, call selectors/services, and render; rules live in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from schoolsystem.brokerage import forms, rules, selectors, services
from schoolsystem.brokerage.constants import (
    OPEN_PROPOSAL_STATUSES,
    DueDiligenceOutcome,
    ProposalStatus,
    RoundStatus,
    Scenario,
)
from schoolsystem.brokerage.maps import nearest_points, shortlist_svg
from schoolsystem.core.errors import ApplicationError, NotFound
from schoolsystem.core.formatting import govuk_date, in_sentence
from schoolsystem.core.pages import apply_error
from schoolsystem.registry.models import Establishment


def _get(fetch, *args):
    try:
        return fetch(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    user = request.user
    can_run = selectors.can_run_rounds(user)
    las = selectors.round_las_for(user) if can_run else []
    form = forms.RoundForm(request.POST or None, las=las, trusts=selectors.trusts_in(las) if can_run else [])
    if request.method == "POST":
        if not can_run:
            raise Http404("Not found")
        if form.is_valid():
            d = form.cleaned_data
            try:
                r = services.round_create(
                    by=user,
                    la=d["la"],
                    scenario=d["scenario"],
                    title=d["title"],
                    leaving_group=d["leaving_group"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"Round {r.reference} started.")
                return redirect("brokerage:round", pk=r.pk)
    rounds = selectors.rounds_for_user(user, counts=True) if can_run else []
    proposals = selectors.proposals_for_user(user)[:200] if user.role == "trust_leader" else []
    return render(
        request,
        "brokerage/home.html",
        {
            "rounds": rounds,
            "proposals": proposals,
            "form": form,
            "can_run": can_run,
            "trust": user.scope_group if user.role == "trust_leader" else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request, pk):
    r = _get(selectors.round_for_user, request.user, pk)
    add_form = forms.AddSchoolForm(
        request.POST if request.POST.get("action") == "add" else None, scenario=r.scenario
    )
    action_error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add" and add_form.is_valid():
                d = add_form.cleaned_data
                est = Establishment.objects.filter(urn=d["urn"]).select_related("la").first()
                if est is None:
                    add_form.add_error("urn", "There is no school with that URN.")
                else:
                    services.round_add_school(
                        by=request.user,
                        round=r,
                        establishment=est,
                        move_type=d.get("move_type", ""),
                        performing=d.get("performing", False),
                        finance_flag=d["finance_flag"],
                        estate_flag=d["estate_flag"],
                        group_key=d["group_key"],
                    )
                    messages.success(request, f"{est.name} added to the round.")
                    return redirect("brokerage:round", pk=r.pk)
            elif action == "shortlist":
                services.round_shortlist(by=request.user, round=r)
                n = r.schools.count()
                messages.success(
                    request, f"Shortlists drawn up for the round's {n} school{'s' if n != 1 else ''}."
                )
                return redirect("brokerage:round", pk=r.pk)
            elif action == "plan":
                planned = services.round_plan(by=request.user, round=r).plan_summary
                placed, orphans = planned["placed"], planned["orphans"]
                messages.success(
                    request,
                    f"Plan proposed: {placed} school{'s' if placed != 1 else ''} placed"
                    + (
                        f", {orphans} left without a partner."
                        if orphans
                        else ", none left without a partner."
                    ),
                )
                return redirect("brokerage:round", pk=r.pk)
            elif action == "add_trust_schools":
                added = services.round_add_leaving_trust_schools(by=request.user, round=r)
                n = len(added)
                skipped = " ".join(f"{e.name} (URN {e.urn}): {why}" for e, why in added.skipped)
                if not n:
                    # Nothing happened: say why as an error, not as a success with a count of none.
                    action_error = f"No school of {r.leaving_group.name} was added" + (
                        f". {skipped}"
                        if skipped
                        else ": every open school of the trust is in this round already."
                    )
                else:
                    messages.success(
                        request,
                        f"{n} school{'s' if n != 1 else ''} of {r.leaving_group.name} added: "
                        + ", ".join(rs.establishment.name for rs in added)
                        + ".",
                    )
                    if added.skipped:
                        messages.warning(request, f"{len(added.skipped)} not added: {skipped}")
                    return redirect("brokerage:round", pk=r.pk)
            elif action == "remove":
                rs = (
                    r.schools.select_related("establishment")
                    .filter(pk=request.POST.get("round_school"))
                    .first()
                )
                if rs is None:
                    raise Http404("No such school in this round.")
                services.round_remove_school(by=request.user, round_school=rs)
                messages.success(request, f"{rs.establishment.name} removed from the round.")
                return redirect("brokerage:round", pk=r.pk)
            elif action != "add":
                action_error = "Choose an action."
        except ApplicationError as exc:
            if action == "add":
                apply_error(add_form, exc)
            else:
                action_error = exc.message
    schools = list(selectors.round_schools(r))
    for rs in schools:
        rs.proposal = next(iter(rs.proposals.all()), None)
    if r.scenario == Scenario.ACADEMY_ORDER:
        basis = selectors.academy_order_basis(schools)
        for rs in schools:
            rs.order_basis = basis[rs.establishment_id]
    # Offer an action only when the service would take it; otherwise say why (the services' own rules).
    shortlist_refusal = rules.shortlist_refusal(n_schools=len(schools))
    plan_refusal = rules.plan_refusal(
        n_schools=len(schools), proposal_statuses=[p.status for rs in schools for p in rs.proposals.all()]
    )
    # Schools can still be added: what to offer is worked out only then, and only for those who may add them.
    adding = r.status in {RoundStatus.OPEN, RoundStatus.SHORTLISTED} and selectors.can_run_rounds(
        request.user
    )
    # A school without a proposal can be taken out of a live round: only then is there an Actions column.
    removable = any(rs.proposal is None for rs in schools)
    performing = [rs for rs in schools if rs.performing]
    if performing:
        labels = selectors.preference_labels({k for rs in performing for k in rs.preferences})
        for rs in performing:
            rs.preference_names = [labels.get(k, k) for k in rs.preferences]
    return render(
        request,
        "brokerage/round.html",
        {
            "round": r,
            "schools": schools,
            "add_form": add_form,
            "error": action_error,  # shown in the error summary, and puts "Error: " in the page title
            "can_run": selectors.can_run_rounds(request.user),
            # Still being worked: neither closed nor completed (every school's move agreed).
            "live": r.status not in {RoundStatus.CLOSED, RoundStatus.COMPLETED},
            "has_performing": bool(performing),
            "removable": removable,
            "shortlist_refusal": shortlist_refusal,
            "plan_refusal": plan_refusal,
            # Every move approved, some still to hand over: the status says so in words.
            # An academy-order round lists the schools it can take, so the officer need not guess URNs.
            "order_choices": selectors.academy_order_choices(r, request.user)
            if r.scenario == Scenario.ACADEMY_ORDER and adding
            else None,
            # A whole-MAT closure offers to add its trust's schools only when some would be added (ADR 0091).
            "trust_schools": selectors.closing_trust_schools(r, request.user) if adding else None,
            "hand_offs_pending": selectors.hand_offs_pending(schools)
            if r.status == RoundStatus.PLANNED
            else 0,
            "preferences_refusal": services.preferences_refusal(r) if performing else "",
        },
        status=400 if (request.method == "POST" and (action_error or add_form.errors)) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request, pk):
    """Confirm closing a round: its open proposals are withdrawn with the reason given."""
    r = _get(selectors.round_for_user, request.user, pk)
    if not selectors.can_run_rounds(request.user):
        raise Http404("Not found")
    form = forms.CloseRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.round_close(by=request.user, round=r, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            n = closed.withdrawn_count
            messages.success(
                request,
                f"Round {r.reference} closed"
                + (f"; {n} open proposal{'s' if n != 1 else ''} withdrawn." if n else ".")
                + " Its schools are free to be brokered again.",
            )
            return redirect("brokerage:round", pk=r.pk)
    open_proposals = list(
        r.proposals.filter(status__in=OPEN_PROPOSAL_STATUSES).select_related("round_school__establishment")
    )
    return render(
        request,
        "brokerage/round_close.html",
        {"round": r, "form": form, "open_proposals": open_proposals},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_school_preferences(request, pk, school_pk):
    """Record a performing school's ranked choice of partners (seed 003 re-brokerage 4)."""
    r = _get(selectors.round_for_user, request.user, pk)
    if not selectors.can_run_rounds(request.user):
        raise Http404("Not found")
    rs = r.schools.select_related("establishment").filter(pk=school_pk, performing=True).first()
    if rs is None:
        raise Http404("No such performing school in this round.")
    rs.round = r
    refusal = services.preferences_refusal(r)
    partners = [] if refusal else selectors.preference_choices(rs)  # the refused page shows no form
    form = forms.PreferencesForm(request.POST or None, partners=partners, current=rs.preferences)
    error = ""
    if request.method == "POST":
        if refusal:
            error = refusal
        elif form.is_valid():
            try:
                services.round_school_set_preferences(
                    by=request.user, round_school=rs, preferences=form.preferences(), choices=partners
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Preferences of {rs.establishment.name} saved."
                    + (" Propose the plan again to take them into account." if r.plan_summary else ""),
                )
                return redirect("brokerage:round", pk=r.pk)
    labels = selectors.preference_labels(rs.preferences)
    return render(
        request,
        "brokerage/preferences.html",
        {
            "round": r,
            "round_school": rs,
            "form": form,
            "error": error,
            "refusal": refusal,
            "has_partners": bool(partners),
            "current": [labels.get(k, k) for k in rs.preferences],
        },
        status=400 if (error or form.errors) else 200,
    )


@login_required
def school_shortlist(request, urn):
    est = _get(selectors.establishment_for_user, request.user, urn)
    rs = selectors.latest_round_school(request.user, est)
    problem, sl = selectors.school_shortlist(est, rs)
    i = problem.school_index[str(est.urn)]
    points = nearest_points(problem, i, [c.partner_id for c in sl.ranked])
    svg = shortlist_svg(est, sl.ranked, points)
    names = selectors.problem_partner_labels(problem)  # a sponsor and its trust often share a name in GIAS
    return render(
        request,
        "brokerage/shortlist.html",
        {
            "school": est,
            "round_school": rs,
            "planned": selectors.plan_record(rs.round) if rs else None,
            "shortlist": sl,
            "ranked": [(c, names[c.partner_id]) for c in sl.ranked],
            "excluded": selectors.exclusions_by_reason(sl.excluded, names),
            "excluded_count": len(sl.excluded),
            "columns": [c.replace("_", " ").capitalize() for c in problem.weights.COMPONENTS],
            "weights": selectors.weights_in_words(
                problem.weights, stated_preferences=bool(problem.s_has_prefs[i])
            ),
            "svg": svg,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request, pk):
    r = _get(selectors.round_for_user, request.user, pk)
    # A what-if compares with the plan proposed: before there is one, the page says so instead of a form.
    refusal = "" if r.plan_summary else rules.NO_PLAN_FOR_WHAT_IF
    partners = selectors.what_if_partner_choices(r) if not refusal else []
    form = forms.WhatIfForm(request.POST or None, weights=r.weights, partners=partners)
    result = None
    error = ""
    if request.method == "POST" and refusal:
        error = refusal
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        overrides = {d["partner"]: d["capacity"]} if d.get("partner") else None
        try:
            result = selectors.round_what_if(r, weights=form.weights(), capacity_overrides=overrides)
        except ApplicationError as exc:
            # A partner the plan was not made from: the message names it, beside the partner chosen.
            form.add_error("partner" if exc.extra.get("unknown_partners") else None, exc.message)
        except ValueError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "brokerage/what_if.html",
        {"round": r, "form": form, "result": result, "refusal": refusal, "error": error},
        status=400 if (form.errors or error) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request, pk):
    p = _get(selectors.proposal_for_user, request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    bound = {
        "due_diligence": forms.DueDiligenceForm,
        "consultation": forms.ConsultationForm,
        "decision": forms.DecisionForm,
        "hand_off": forms.HandOffForm,
        "withdraw": forms.WithdrawForm,
    }
    dated = {"consultation", "decision"}  # their dates are on or after the day the round started
    form_objs = {
        k: cls(
            request.POST if action == k else None,
            prefix=k,
            **({"started_on": p.round.started_on} if k in dated else {}),
        )
        for k, cls in bound.items()
    }
    error = ""
    if request.method == "POST":
        school, partner = p.round_school.establishment.name, p.partner_name
        try:
            form = form_objs.get(action)
            done = ""  # the success message: what happened, to which school
            if action == "start_due_diligence":
                services.proposal_start_due_diligence(by=request.user, proposal=p)
                done = f"Due diligence started for {school} joining {partner}."
            elif action == "complete_due_diligence":
                services.proposal_complete_due_diligence(by=request.user, proposal=p)
                done = f"Due diligence for {school} completed. Next, record the school's consultation."
            elif action == "resubmit":
                services.proposal_resubmit(by=request.user, proposal=p)
                done = f"The proposal for {school} is back with the advisory board."
            elif form is None:
                error = "Choose an action."
            elif form.is_valid():
                d = form.cleaned_data
                if action == "due_diligence":
                    check = services.due_diligence_record(by=request.user, proposal=p, **d)
                    done = (
                        f"Due diligence for {school} recorded: {in_sentence(check.get_item_display())}, "
                        f"{check.get_outcome_display().lower()}."
                    )
                elif action == "consultation":
                    c = services.consultation_record(by=request.user, proposal=p, **d)
                    done = (
                        f"Consultation of {school} recorded ({c.get_outcome_display().lower()}). The proposal "
                        "now awaits the advisory board."
                    )
                elif action == "decision":
                    decision = services.board_decide(by=request.user, proposal=p, **d)
                    done = (
                        f"Advisory board decision recorded: {school} joining {partner} "
                        f"{decision.get_outcome_display().lower()}."
                        + (
                            " It is a draft on the decision register: review it, withhold anything that must "
                            "not be published, and publish it."
                            if decision.register_decision_id
                            else ""
                        )
                    )
                elif action == "hand_off":
                    h = services.proposal_hand_off(by=request.user, proposal=p, **d)
                    joins = "joins" if h.effective_on > timezone.localdate() else "joined"
                    done = (
                        f"Hand-off recorded: {school} {joins} {h.membership.group.name if h.membership else partner} "
                        f"on {govuk_date(h.effective_on)}."
                    )
                elif action == "withdraw":
                    services.proposal_withdraw(by=request.user, proposal=p, **d)
                    done = f"Proposal for {school} to join {partner} withdrawn."
            if not error and (form is None or not form.errors):
                messages.success(request, done)
                return redirect("brokerage:proposal", pk=p.pk)
        except ApplicationError as exc:
            if action in form_objs:
                apply_error(form_objs[action], exc)
            else:
                error = exc.message
    is_officer = selectors.can_run_rounds(request.user)
    has_errors = bool(error) or any(f.errors for f in form_objs.values())
    hand_off = services.hand_off_target(p) if p.status == ProposalStatus.APPROVED else (None, "")
    pending = [c for c in p.checks.all() if c.outcome == DueDiligenceOutcome.PENDING]
    board_decisions = selectors.board_decisions_with_register(
        p
    )  # read once: shown, and the hand-off waits on them
    draft = (
        p.status == ProposalStatus.APPROVED
        and not hand_off[1]
        and selectors.unpublished_approval(board_decisions)
    )
    if draft:
        hand_off = (hand_off[0], services.hand_off_waits_for(draft.reference) + ".")
    return render(
        request,
        "brokerage/proposal.html",
        {
            "proposal": p,
            "forms": form_objs,
            "form": form_objs.get(action),  # the form posted: with errors, "Error: " leads the page title
            "error": error,
            "fit": selectors.proposal_fit(p),
            "board_decisions": board_decisions,
            "withdrawal": selectors.withdrawal_of(p),
            "S": ProposalStatus,
            "pending": DueDiligenceOutcome.PENDING,
            "concerns": [c for c in p.checks.all() if c.outcome == DueDiligenceOutcome.CONCERN],
            # Completing is offered once every check is recorded (the service refuses it before: ADR 0091).
            "pending_checks": pending,
            "pending_checks_text": ", ".join(in_sentence(c.get_item_display()) for c in pending),
            "today": timezone.localdate(),
            "hand_off_group": hand_off[0],
            "hand_off_refusal": hand_off[1],
            "can_withdraw": p.status in OPEN_PROPOSAL_STATUSES and p.round.status != RoundStatus.CLOSED,
            "round_closed": p.round.status == RoundStatus.CLOSED,
            # Officers go back to the round; a trust leader (who does not see rounds) to their brokerage page.
            "round_url": reverse("brokerage:round", args=[p.round_id]) if is_officer else "",
            "brokerage_home": reverse("brokerage:home"),
            # The consultation, the board's decision and the hand-off are the officers' (the services refuse a
            # trust leader): only they are offered those forms; a trust leader is told who acts next.
            "is_officer": is_officer,
        },
        status=400 if has_errors else 200,
    )
