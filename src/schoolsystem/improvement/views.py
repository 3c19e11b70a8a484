"""Pages of casework, support and peer review. Views call selectors and services; they hold no rules."""

import contextlib
import functools
import hashlib
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from schoolsystem.accounts.constants import OFFICER_ROLES
from schoolsystem.accounts.scope import can_see_casework, schools_in_scope_words
from schoolsystem.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from schoolsystem.core.exports import csv_response
from schoolsystem.core.formatting import govuk_date
from schoolsystem.core.pages import apply_error, page, posted, submit
from schoolsystem.engines.support import NO_NEED_MET
from schoolsystem.improvement import forms, selectors, services
from schoolsystem.improvement.constants import (
    CASE_TRANSITIONS,
    REDACTABLE_FIELDS,
    ActionStatus,
    CaseAction,
    CaseSource,
    CaseState,
    DecisionStatus,
    InterventionOption,
    SupportState,
    action_role_refusal,
)
from schoolsystem.improvement.models import AcademyOrder, Offer, PeerReviewAction
from schoolsystem.performance.selectors import indicator_change, risk_reasons_for

# ---------------------------------------------------------------------------------------------------------------
# Helpers


def casework_page(view):
    """A page of casework, support and peer review: signed in, and a role that works with schools (LA and regional
    officers, trust and school leaders, national staff: accounts.constants.CASEWORK_ROLES). Every other role
    (assessor, advisory group, decision maker, applicant, public) gets 403."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_see_casework(request.user):
            raise PermissionDenied(
                "Casework, support and peer review are for officers and school and trust leaders."
            )
        return view(request, *args, **kwargs)

    return page(wrapped)


def not_in_scope_message(user, urn) -> str:
    """The error for a URN outside the user's scope, naming the scope ("every school in Northshire")."""
    return (
        f"There is no school with URN {urn} among the schools you work with ({schools_in_scope_words(user)}). "
        "Enter the URN of one of them"
    )


def school_field(user, urn, field: str = "urn"):
    """The school with this URN in the user's scope, or a ValidationFailed on the form field that named it."""
    try:
        return selectors.school_for_user(user, urn)
    except NotFound:
        message = not_in_scope_message(user, urn)
        raise ValidationFailed(message, extra={"errors": {field: [message]}}) from None


def own_school(user):
    """The one school a user's scope is (a school leader's), else None: they ask for that school only."""
    urn = selectors.own_school_urn(user)
    return selectors.school_for_user(user, urn) if urn else None


# ---------------------------------------------------------------------------------------------------------------
# Home and cases


@casework_page
def home(request):
    tasks = selectors.tasks_for_user(request.user)
    cases = selectors.cases_for_user(request.user, open_only=True)
    return render(
        request,
        "improvement/home.html",
        {
            "tasks": tasks,
            "overdue": [t for t in tasks if t.overdue],
            "open_case_count": cases.count(),
            # Whose cases: a head's are about their school, not "in your area" (found in review).
            "cases_of": schools_in_scope_words(request.user),
            "requests": selectors.support_requests_for_user(request.user).exclude(
                state__in=[SupportState.CLOSED, SupportState.WITHDRAWN]
            )[:20],
        },
    )


@casework_page
def case_list(request):
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()[:100]
    cases = selectors.cases_for_user(request.user, state=state if state in CaseState.values else "", q=q)
    return render(
        request,
        "improvement/case_list.html",
        {
            "cases": cases[:500],
            "states": CaseState.choices,
            "state": state,
            "q": q,
            "can_open": selectors.can_change_casework(request.user),
        },
    )


@casework_page
def case_export(request):
    """The cases in the user's scope as CSV: labels in words, readable headers, UTF-8 with a byte-order mark."""

    def rows():
        for c in selectors.cases_for_user(request.user).iterator(chunk_size=2000):
            yield [
                c.pk,
                c.school.urn,
                c.school.name,
                c.school.la.name,
                c.get_sector_display(),
                c.get_state_display(),
                c.identified_on,
                c.get_intervention_display(),
                c.next_visit_due or "",
                c.next_review_due or "",
                c.compliance_by or "",
            ]

    return csv_response(
        "cases.csv",
        header=[
            "Case",
            "URN",
            "School",
            "Local authority",
            "Sector",
            "State",
            "Identified",
            "Intervention",
            "Next visit due",
            "Next review due",
            "Comply by",
        ],
        rows=rows(),
    )


@casework_page
def school_cases(request, urn):
    school = selectors.school_for_user(request.user, urn)
    cases = list(selectors.cases_for_user(request.user).filter(school=school))
    # One open case per school: link it instead of offering to open a second (the service would refuse).
    open_case = next((c for c in cases if c.is_open), None)
    return render(
        request,
        "improvement/school_cases.html",
        {
            "school": school,
            "cases": cases,
            "open_case": open_case,
            "can_open": open_case is None and selectors.can_change_casework(request.user),
        },
    )


@casework_page
def case_open(request):
    """Open a case, usually from a school's risk page ("Open a case"): the school is named, not just its URN, and
    Back returns to that risk page."""
    if not selectors.can_change_casework(request.user):
        raise PermissionDenied("Only officers open cases.")
    source = request.GET.get("source", CaseSource.MANUAL)
    source = source if source in CaseSource.values else CaseSource.MANUAL
    urn = request.GET.get("urn", "")
    initial = {"urn": urn, "source": source}
    school = None
    if urn.isdigit():
        with contextlib.suppress(NotFound):
            school = selectors.school_for_user(request.user, urn)
    if school is not None and request.method == "GET":
        # One open case per school: say so before the form is filled in, not after it is sent.
        _, open_case = selectors.school_casework(request.user, school)
        if open_case:
            pk, state = open_case
            messages.info(
                request, f"{school.name} already has an open case: {CaseState(state).label.lower()}"
            )
            return redirect("improvement:case-detail", pk)
    if school is not None and source == CaseSource.RISK_SCREEN:
        initial["reasons"] = "\n".join(risk_reasons_for(school))
    # Back goes where the user came from: the page that sent them (`back`, e.g. the at-risk list with its filters,
    # when it is a page of this site), the school's risk page (its "Open a case"), the school's page, or the
    # school's cases.
    came_from = request.GET.get("from", "")
    back = request.GET.get("back", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back_url = back
    elif school is not None and source == CaseSource.RISK_SCREEN:
        back_url = reverse("performance:school-risk", args=[school.urn])
    elif school is not None and came_from == "school":
        back_url = reverse("registry:school", args=[school.urn])
    elif school is not None:
        back_url = reverse("improvement:school-cases", args=[school.urn])
    else:
        back_url = reverse("improvement:case-list")
    return submit(
        request,
        forms.CaseOpenForm(posted(request), initial=initial, school=school),
        lambda cd: services.case_open(
            school=school_field(request.user, cd["urn"]),
            by=request.user,
            source=cd["source"],
            reasons=cd["reasons"],
            summary=cd["summary"],
            identified_on=cd.get("identified_on"),
        ),
        success=lambda case: f"Case opened for {case.school.name}",
        next_url=lambda case: reverse("improvement:case-detail", args=[case.pk]),
        title=f"Open a case for {school.name}" if school else "Open a case",
        caption=f"URN {school.urn} · {school.la.name}" if school else "",
        submit_label="Open case",
        back_url=back_url,
    )


@casework_page
def case_detail(request, pk):
    case = selectors.case_for_user(request.user, pk)
    order = AcademyOrder.objects.filter(case=case).select_related("sponsor_group").first()
    consultations = list(case.consultations.select_related("recorded_by"))
    can_write = selectors.can_change_casework(request.user) and case.is_open
    actions = (
        [(a, CaseAction(a).label) for a in selectors.case_actions_for(case, request.user)]
        if can_write
        else []
    )
    # A move the case's own record refuses (exit before every criterion is met; escalation while its academy order
    # is in force) is named with why, not offered (docs/decisions/0091).
    # The school's academy route already under way (brokerage sponsor matches, academy orders): shown, and no
    # intervention (nor a warning notice leading to one) is offered while an order is in force or a match is
    # approved.
    route = selectors.academy_route(request.user, case.school)
    guarded = selectors.case_guard_refusals(case, order=order, route=route)
    not_now = [(CaseAction(a).label, guarded[a]) for a, _ in actions if a in guarded]
    actions = [(a, label) for a, label in actions if a not in guarded]
    academy_refusal = ""
    # Choosing an intervention is offered only when an option can be chosen now; otherwise the page names why.
    blocked: list[str] = []
    only_now: list[str] = []
    if any(a == CaseAction.CHOOSE_INTERVENTION for a, _ in actions):
        choice = selectors.intervention_choice(case, request.user, route=route, consultations=consultations)
        academy_refusal = choice.decided
        if not choice.options:
            blocked = [] if choice.decided else choice.reasons
            actions = [(a, label) for a, label in actions if a != CaseAction.CHOOSE_INTERVENTION]
        elif choice.reasons:
            only_now = [InterventionOption(o).label for o in choice.options]
    decisions = selectors.case_decisions(case)
    return render(
        request,
        "improvement/case_detail.html",
        {
            "case": case,
            "history": selectors.case_history(case)[:200],
            "consultations": consultations,
            "actions": actions,
            "intervention_blocked": blocked,
            "notice_changes": notice_changes_for(case, request.user),
            "not_now": not_now,
            "intervention_only_now": only_now,
            "intervention_only_live": bool(only_now and route.live_proposal),
            "academy_refusal": academy_refusal,
            "live_proposal": route.live_proposal,
            "next_step": selectors.case_next_step(
                case, request.user, route=route, live_blocks=bool(academy_refusal and route.live_proposal)
            ),
            "brokerage_matches": route.matches,
            "other_orders": [o for o in route.orders if order is None or o.pk != order.pk],
            "can_write": can_write,
            "can_respond": case.is_open
            and (request.user.is_superuser or request.user.role in services.CONSULTATION_RESPONDER_ROLES),
            "order": order,
            # Only the steps the service takes from this user: the LA officer was linked to pages that refused them.
            "order_steps": [
                (name, label)
                for step, name, label in (
                    ("record_sponsor", "improvement:order-sponsor", "Record the sponsor"),
                    ("revoke", "improvement:order-revoke", "Revoke the order"),
                )
                if can_write
                and order is not None
                and services.order_step_refusal(order, step, request.user) is None
            ],
            "support_requests": case.support_requests.select_related("offer"),
            "decisions": decisions,
            "drafts": [
                d
                for d in decisions
                if d.status == DecisionStatus.DRAFT
                and services.can_record_decision(request.user, d.decision_type)
            ],
        },
    )


@casework_page
def case_edit(request, pk):
    case = selectors.case_for_user(request.user, pk)
    if not selectors.can_change_casework(request.user):
        raise PermissionDenied("Only officers edit cases.")
    initial = {
        "version": case.version,
        "identified_on": case.identified_on,
        "summary": case.summary,
        "exit_criteria": "\n".join(c["text"] for c in case.exit_criteria),
    }
    return submit(
        request,
        forms.CaseEditForm(posted(request), initial=initial, earliest_step=services.earliest_step_on(case)),
        lambda cd: services.case_update(
            case=case,
            by=request.user,
            version=cd["version"],
            summary=cd["summary"],
            exit_criteria=cd["exit_criteria"],
            identified_on=cd.get("identified_on"),
        ),
        success=f"Case saved for {case.school.name}",
        next_url=lambda _: reverse("improvement:case-detail", args=[case.pk]),
        title="Edit the case",
        caption=case.school.name,
        back_url=reverse("improvement:case-detail", args=[case.pk]),
    )


# Changes to a case's warning notice while no later step depends on it (selectors.notice_change_refusal): made by
# whoever issues the notice for the case.
CORRECT_NOTICE = "correct_warning_notice"
WITHDRAW_NOTICE = "withdraw_warning_notice"
NOTICE_CHANGES = (CORRECT_NOTICE, WITHDRAW_NOTICE)


def notice_changes_for(case, user) -> list[tuple[str, str]]:
    """The changes to the case's warning notice `user` may make now, (action, label): none unless they issue notices
    for the case and no later step depends on the notice."""
    if not (selectors.can_change_casework(user) and case.is_open) or selectors.notice_change_refusal(case):
        return []
    if action_role_refusal(
        CaseAction.ISSUE_WARNING_NOTICE, sector=case.sector, role=user.role, superuser=user.is_superuser
    ):
        return []
    return [(CORRECT_NOTICE, "Correct the warning notice"), (WITHDRAW_NOTICE, "Withdraw the warning notice")]


def _action_spec(action: str, case, user):
    """(form class, form kwargs, title, call(cd)) for each case action page."""
    specs = {
        "record_visit": (
            forms.VisitForm,
            {"identified_on": case.identified_on},
            "Record a monitoring visit",
            lambda cd: services.case_record_visit(
                case=case, by=user, visited_on=cd["visited_on"], notes=cd["notes"], version=cd["version"]
            ),
        ),
        "record_consultation": (
            forms.ConsultationForm,
            {"identified_on": case.identified_on},
            "Record a consultation with the school",
            lambda cd: services.case_record_consultation(
                case=case,
                by=user,
                proposal=cd["proposal"],
                consulted_on=cd["consulted_on"],
                school_response=cd["school_response"],
                outcome=cd["outcome"],
                version=cd["version"],
            ),
        ),
        CaseAction.START_MONITORING: (
            forms.NoteForm,
            {},
            "Start monitoring",
            lambda cd: services.case_start_monitoring(
                case=case, by=user, note=cd["note"], version=cd["version"]
            ),
        ),
        CaseAction.HOLD_EARLY_CONVERSATION: (
            forms.EarlyConversationForm,
            {"identified_on": case.identified_on},
            "Record an early conversation",
            lambda cd: services.case_hold_early_conversation(
                case=case, by=user, held_on=cd["held_on"], note=cd["note"], version=cd["version"]
            ),
        ),
        CaseAction.ISSUE_WARNING_NOTICE: (
            forms.WarningNoticeForm,
            {
                "default_compliance_by": services.default_compliance_date(),
                "identified_on": case.identified_on,
            },
            "Issue a warning notice",
            lambda cd: services.case_issue_warning_notice(
                case=case,
                by=user,
                grounds=cd["grounds"],
                issued_on=cd.get("issued_on"),
                compliance_by=cd["compliance_by"],
                note=cd["note"],
                version=cd["version"],
            ),
        ),
        CORRECT_NOTICE: (
            forms.CorrectWarningNoticeForm,
            {"identified_on": case.identified_on},
            "Correct the warning notice",
            lambda cd: services.case_correct_warning_notice(
                case=case,
                by=user,
                grounds=cd["grounds"],
                issued_on=cd.get("issued_on"),
                compliance_by=cd["compliance_by"],
                reason=cd["reason"],
                version=cd["version"],
            ),
        ),
        WITHDRAW_NOTICE: (
            forms.WithdrawWarningNoticeForm,
            {},
            "Withdraw the warning notice",
            lambda cd: services.case_withdraw_warning_notice(
                case=case, by=user, reason=cd["reason"], version=cd["version"]
            ),
        ),
        CaseAction.CHOOSE_INTERVENTION: (
            forms.InterventionForm,
            {"allowed": selectors.intervention_choice(case, user).options},
            "Choose an intervention",
            lambda cd: services.case_choose_intervention(
                case=case,
                by=user,
                option=cd["option"],
                partner_name=cd["partner_name"],
                rationale=cd["rationale"],
                options_considered=cd["options_considered"],
                criteria=cd["criteria"],
                version=cd["version"],
            ),
        ),
        CaseAction.START_IMPLEMENTATION: (
            forms.NoteForm,
            {},
            "Start implementation",
            lambda cd: services.case_start_implementation(
                case=case, by=user, note=cd["note"], version=cd["version"]
            ),
        ),
        CaseAction.HOLD_REVIEW: (
            forms.CaseReviewForm,
            {"criteria": case.exit_criteria, "identified_on": case.identified_on},
            "Record a termly review",
            lambda cd: services.case_hold_review(
                case=case,
                by=user,
                reviewed_on=cd["reviewed_on"],
                progress=cd["progress"],
                criteria_met=cd["criteria_met"],
                version=cd["version"],
            ),
        ),
        CaseAction.EXIT: (
            forms.NoteForm,
            {},
            "Exit the case",
            lambda cd: services.case_exit(case=case, by=user, note=cd["note"], version=cd["version"]),
        ),
        CaseAction.ESCALATE: (
            forms.EscalateForm,
            {},
            "Escalate the case",
            lambda cd: services.case_escalate(case=case, by=user, reason=cd["reason"], version=cd["version"]),
        ),
        CaseAction.CLOSE: (
            forms.RequiredNoteForm,
            {},
            "Close the case without intervention",
            lambda cd: services.case_close(case=case, by=user, note=cd["note"], version=cd["version"]),
        ),
    }
    return specs.get(action)


def _case_success(action: str, result) -> str:
    """What the user just did, in words, for the banner after a case action (`result`: what the service returned,
    the case or the consultation)."""
    case = getattr(result, "case", result)
    name = case.school.name
    if action == CaseAction.ISSUE_WARNING_NOTICE:
        return f"Warning notice issued to {name}: it must comply by {govuk_date(case.compliance_by)}"
    if action == CORRECT_NOTICE:
        return f"Warning notice to {name} corrected: it must comply by {govuk_date(case.compliance_by)}"
    if action == WITHDRAW_NOTICE:
        return f"Warning notice to {name} withdrawn"
    if action == CaseAction.CHOOSE_INTERVENTION:
        decision = case.intervention_decision
        chosen = f"{case.get_intervention_display()} chosen for {name}"
        return (
            f"{chosen}. Decision {decision.reference} is not public until you publish it"
            if decision
            else chosen
        )
    return {
        "record_visit": f"Monitoring visit to {name} recorded",
        "record_consultation": f"Consultation with {name} recorded",
        CaseAction.START_MONITORING: f"Monitoring of {name} started",
        CaseAction.HOLD_EARLY_CONVERSATION: f"Early conversation with {name} recorded",
        CaseAction.START_IMPLEMENTATION: f"Implementation started for {name}",
        CaseAction.HOLD_REVIEW: f"Termly review of {name} recorded",
        CaseAction.EXIT: f"Case for {name} exited: every exit criterion is met",
        CaseAction.ESCALATE: f"Case for {name} escalated",
        CaseAction.CLOSE: f"Case for {name} closed without intervention",
    }.get(action, f"Case for {name} updated")


def _not_now(request, title: str, reasons: list[str], caption: str, back_url: str):
    """A case step that cannot be taken now: why, and the way back, instead of a form the service would refuse
    (200 on GET; 409 on POST, the case's state refusing it)."""
    return render(
        request,
        "improvement/not_now.html",
        {"title": title, "reasons": reasons, "caption": caption, "back_url": back_url},
        status=409 if request.method == "POST" else 200,
    )


@casework_page
def case_action(request, pk, action):
    case = selectors.case_for_user(request.user, pk)
    if not selectors.can_change_casework(request.user):
        raise PermissionDenied("Only officers change cases.")
    spec = _action_spec(action, case, request.user)
    if spec is None:
        raise Http404("No such action.")
    form_class, kwargs, title, call = spec
    back = reverse("improvement:case-detail", args=[case.pk])
    caption = f"{case.school.name} (URN {case.school.urn})"
    if action in CaseAction.values:
        # The page of a move the service would refuse whatever is entered says why instead of showing a form that
        # can do nothing: a move the user's role does not make (403), one the case's own record refuses.
        refusal = action_role_refusal(
            action, sector=case.sector, role=request.user.role, superuser=request.user.is_superuser
        )
        if refusal:
            raise PermissionDenied(refusal)
        order = AcademyOrder.objects.filter(case=case).first()
        route = (
            selectors.academy_route(request.user, case.school)
            if action == CaseAction.ISSUE_WARNING_NOTICE
            else None
        )
        guarded = services.transition_refusal(case, action) or selectors.case_guard_refusals(
            case, order=order, route=route
        ).get(action)
        if guarded:
            return _not_now(request, f"{CaseAction(action).label}: not now", [guarded], caption, back)
    initial = {"version": case.version}
    if action in NOTICE_CHANGES:
        refusal = action_role_refusal(
            CaseAction.ISSUE_WARNING_NOTICE,
            sector=case.sector,
            role=request.user.role,
            superuser=request.user.is_superuser,
        )
        if refusal:
            raise PermissionDenied(refusal)
        why = selectors.notice_change_refusal(case)
        if why:
            title = (
                "Correct the warning notice" if action == CORRECT_NOTICE else "Withdraw the warning notice"
            )
            return _not_now(request, f"{title}: not now", [why], caption, back)
        if action == CORRECT_NOTICE:
            initial.update(
                grounds=case.warning_grounds,
                issued_on=case.warning_notice_issued_on,
                compliance_by=case.compliance_by,
            )
    intro = ""
    if action == CaseAction.CHOOSE_INTERVENTION and case.state in CASE_TRANSITIONS[action][0]:
        # Only the options the service would take now are listed; none, and the page says why instead of a form.
        choice = selectors.intervention_choice(case, request.user)
        if not choice.options:
            return _not_now(request, "No intervention can be chosen now", choice.reasons, caption, back)
        intro = " ".join(choice.reasons)
    return submit(
        request,
        form_class(posted(request), initial=initial, **kwargs),
        call,
        success=lambda result: _case_success(action, result),
        next_url=lambda _: back,
        title=title,
        caption=caption,
        intro=intro,
        back_url=back,
    )


@casework_page
def consultation_respond(request, pk, consultation_pk):
    """The school's head (or the trust) answers a consultation awaiting its response."""
    case = selectors.case_for_user(request.user, pk)
    consultation = case.consultations.filter(pk=consultation_pk).first()
    if consultation is None:
        raise Http404("No such consultation.")
    back = reverse("improvement:case-detail", args=[case.pk])
    return submit(
        request,
        forms.ConsultationResponseForm(posted(request), initial={"version": case.version}),
        lambda cd: services.consultation_respond(
            by=request.user,
            consultation=consultation,
            outcome=cd["outcome"],
            school_response=cd["school_response"],
            version=cd["version"],
        ),
        success=f"Your response to the consultation on {case.school.name} has been recorded",
        next_url=lambda _: back,
        title="Respond to the consultation",
        caption=f"{case.school.name} ({case.school.urn})",
        intro=f"Proposed on {consultation.consulted_on:%d %B %Y}: {consultation.proposal}",
        back_url=back,
    )


@casework_page
def overdue(request):
    return render(request, "improvement/overdue.html", {"tasks": selectors.overdue_for_user(request.user)})


def _order_for_user(user, pk) -> AcademyOrder:
    try:
        order = AcademyOrder.objects.select_related("case__school").get(pk=int(pk))
    except (AcademyOrder.DoesNotExist, ValueError):
        raise NotFound("No such academy order.") from None
    selectors.case_for_user(user, order.case_id)
    return order


def _order_not_now(request, order: AcademyOrder, step: str, title: str):
    """The page of an order step the service would refuse whatever is entered: 403 for a user whose role does not
    take it (only the regional officer), the reason for one the order's state refuses; None when it can be taken."""
    refusal = services.order_step_refusal(order, step, request.user)
    if refusal is None:
        return None
    if isinstance(refusal, PermissionDenied):
        raise refusal
    back = reverse("improvement:case-detail", args=[order.case_id])
    return _not_now(request, f"{title}: not now", [refusal.message], order.case.school.name, back)


@casework_page
def order_sponsor(request, pk):
    order = _order_for_user(request.user, pk)
    if refused := _order_not_now(request, order, "record_sponsor", "Record the sponsor"):
        return refused
    back = reverse("improvement:case-detail", args=[order.case_id])
    return submit(
        request,
        forms.SponsorForm(posted(request)),
        lambda cd: services.academy_order_record_sponsor(
            order=order, by=request.user, sponsor_group=cd["sponsor_group"], rationale=cd["rationale"]
        ),
        success=lambda o: f"{o.sponsor_group.name} recorded as sponsor of {o.case.school.name}",
        next_url=lambda _: back,
        title="Record the sponsor",
        caption=order.case.school.name,
        back_url=back,
    )


@casework_page
def order_revoke(request, pk):
    order = _order_for_user(request.user, pk)
    if refused := _order_not_now(request, order, "revoke", "Revoke the academy order"):
        return refused
    back = reverse("improvement:case-detail", args=[order.case_id])
    return submit(
        request,
        forms.RevokeForm(posted(request)),
        lambda cd: services.academy_order_revoke(order=order, by=request.user, reason=cd["reason"]),
        success=f"Academy order for {order.case.school.name} revoked",
        next_url=lambda _: back,
        title="Revoke the academy order",
        caption=order.case.school.name,
        intro="Only in exceptional circumstances: significant improvement since the order that is likely to be "
        "sustained.",
        back_url=back,
    )


# ---------------------------------------------------------------------------------------------------------------
# Decisions (internal management: drafts, publishing, minutes)


@casework_page
def decision_list(request):
    return render(
        request,
        "improvement/decision_list.html",
        {
            "decisions": selectors.decisions_for_user(request.user)[:300],
            "can_record": services.can_record_decision(request.user),
        },
    )


@casework_page
def decision_new(request):
    """Record a structural decision by hand (one not taken through a case), then publish it from its page."""
    if not services.can_record_decision(request.user):
        raise PermissionDenied("Only local authority and regional officers record intervention decisions.")
    return submit(
        request,
        forms.DecisionForm(posted(request), initial={"urn": request.GET.get("urn", "")}),
        lambda cd: services.decision_create(
            by=request.user,
            subject=cd["subject"],
            decision_type=cd["decision_type"],
            establishment=school_field(request.user, cd["urn"]),
            decided_by_name=cd["decided_by_name"],
            decided_on=cd["decided_on"],
            outcome=cd["outcome"] or None,
            options_considered=cd["options_considered"],
            criteria=cd["criteria"],
            rationale=cd["rationale"],
            consultation_outcome=cd["consultation_outcome"],
        ),
        success=lambda d: f"Decision {d.reference} recorded: it is not public until you publish it",
        next_url=lambda decision: reverse("improvement:decision-manage", args=[decision.pk]),
        title="Record a decision",
        submit_label="Record the decision",
        intro="A structural decision taken outside casework. It stays unpublished until you publish it, "
        "with any redactions stated.",
        back_url=reverse("improvement:decision-list"),
    )


def _fingerprint(redactions: list[dict]) -> str:
    """A digest of the redactions a preview showed, posted back with Publish: what is published is what was seen."""
    return hashlib.sha256(json.dumps(redactions, sort_keys=True).encode()).hexdigest()


@casework_page
def decision_manage(request, pk):
    decision = selectors.decision_for_user(request.user, pk)
    # "Add another redaction" posts the form to get one more empty block: nothing is checked or published yet.
    adding = request.POST.get("form") == "publish" and "add_redaction" in request.POST
    publish_form = forms.PublishForm(
        request.POST if request.POST.get("form") == "publish" and not adding else None,
        initial=request.POST.dict() if adding else None,
        decision=decision,
    )
    minutes_form = (
        forms.MinutesForm(request.POST, request.FILES)
        if request.POST.get("form") == "minutes"
        else forms.MinutesForm()
    )
    status, preview = 200, None
    if request.method == "POST" and not adding:
        publishing = request.POST.get("form") == "publish" and publish_form.is_valid()
        redactions = publish_form.cleaned_data["redactions"] if publishing else []
        changed = "publish" in request.POST and request.POST.get("previewed") != _fingerprint(redactions)
        if publishing and ("preview" in request.POST or changed):
            # What the register will show with these redactions, before anything is published (found in review:
            # one click published, with no way to see the result first). Redactions changed after their preview
            # are shown again, not published unseen.
            public = services.public_values(decision, redactions)
            preview = {
                "values": public,
                "headline": services.public_headline(decision, public),
                "redactions": redactions,
                "fingerprint": _fingerprint(redactions),
                "changed": changed and "preview" not in request.POST,
            }
        elif publishing:
            try:
                services.decision_publish(by=request.user, decision=decision, redactions=redactions)
            except ApplicationError as exc:
                apply_error(publish_form, exc)
            else:
                messages.success(request, f"Decision {decision.reference} published on the register")
                return redirect("improvement:decision-manage", pk=decision.pk)
        elif request.POST.get("form") == "minutes" and minutes_form.is_valid():
            try:
                services.decision_attach_minutes(
                    by=request.user, decision=decision, file=minutes_form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                apply_error(minutes_form, exc)
            else:
                messages.success(request, f"Minutes attached to decision {decision.reference}")
                return redirect("improvement:decision-manage", pk=decision.pk)
        status = 200 if preview else 400
    return render(
        request,
        "improvement/decision_manage.html",
        {
            "decision": decision,
            "publish_form": publish_form,
            "minutes_form": minutes_form,
            "form": publish_form if publish_form.errors else minutes_form,
            "public": services.public_values(decision),
            "preview": preview,
            # The redactions applied on publication, for the officers who see the decision whole: each field, the
            # passage withheld (or the whole field), what the public is told was withheld, and why.
            "redactions_applied": [
                {**r, "label": REDACTABLE_FIELDS.get(r.get("field"), r.get("field", ""))}
                for r in (decision.redactions or [])
            ],
            "can_write": services.can_record_decision(request.user, decision.decision_type),
            "case": selectors.case_for_decision(request.user, decision),
            "proposal": selectors.proposal_for_decision(request.user, decision),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------------------------
# Support directory and school-to-school support


@casework_page
def offer_search(request):
    # A school leader searches for their own school: its URN is filled in (and kept when a link omits it).
    own_urn = selectors.own_school_urn(request.user)
    data = None
    if request.GET:
        data = request.GET.copy()
        if own_urn and not data.get("urn"):
            data["urn"] = str(own_urn)
    form = forms.OfferSearchForm(data, initial={"urn": own_urn})
    results, school = [], None
    if request.GET and form.is_valid():
        try:
            school = selectors.school_for_user(request.user, form.cleaned_data["urn"])
        except NotFound:
            form.add_error("urn", not_in_scope_message(request.user, form.cleaned_data["urn"]))
        else:
            ranked = selectors.rank_offers_for(
                school, form.cleaned_data["needs"], form.cleaned_data["days_needed"], include_excluded=True
            )
            offers = {
                o.pk: o
                for o in Offer.objects.filter(pk__in=[r.offer_id for r in ranked]).select_related("provider")
            }
            results = [(r, offers[r.offer_id]) for r in ranked]
    offers = selectors.offers_with_load()[:200] if not results else []
    request_url = ""
    if school is not None:
        request_url = (
            reverse("improvement:support-new")
            + "?"
            + urlencode(
                {
                    "urn": school.urn,
                    "needs": form.cleaned_data["needs"],
                    "days_needed": form.cleaned_data["days_needed"],
                },
                doseq=True,
            )
        )
    return render(
        request,
        "improvement/offer_search.html",
        {"form": form, "results": results, "school": school, "offers": offers, "request_url": request_url},
        status=400 if form.errors else 200,
    )


@casework_page
def offer_detail(request, pk):
    offer = selectors.offer_detail(pk)
    ratings = selectors.offer_ratings_for_user(request.user, offer)
    return render(request, "improvement/offer_detail.html", {"offer": offer, "ratings": ratings})


@casework_page
def offer_new(request):
    @transaction.atomic  # the provider and its offer, or neither: a refused offer left its provider behind
    def create(cd):
        est = school_field(request.user, cd["provider_urn"], "provider_urn") if cd["provider_urn"] else None
        provider = services.provider_create(
            by=request.user, name=cd["provider_name"], kind=cd["provider_kind"], establishment=est
        )
        return services.offer_create(
            by=request.user,
            provider=provider,
            title=cd["title"],
            kind=cd["kind"],
            needs=cd["needs"],
            phases=cd["phases"],
            description=cd["description"],
            radius_km=cd["radius_km"],
            days_per_term=cd["days_per_term"],
            schools_at_once=cd["schools_at_once"],
            price_model=cd["price_model"],
            credits_per_day=cd["credits_per_day"] or 0,
            contact_name=cd["contact_name"],
            contact_email=cd["contact_email"],
        )

    return submit(
        request,
        forms.OfferForm(posted(request)),
        create,
        success=lambda offer: f"“{offer.title}” added to the support directory",
        next_url=lambda offer: reverse("improvement:offer-detail", args=[offer.pk]),
        title="Add a support offer",
        back_url=reverse("improvement:offer-search"),
    )


@casework_page
def support_list(request):
    reqs = selectors.support_requests_for_user(request.user)
    return render(request, "improvement/support_list.html", {"requests": reqs[:300]})


@casework_page
def support_new(request):
    """Request support. The school, needs and days come from the directory's search when it links here. A school
    leader asks for their own school only: it is fixed from their scope and named, with no URN to enter."""
    school = own_school(request.user)
    initial = {
        "urn": request.GET.get("urn", ""),
        "needs": request.GET.getlist("needs"),
        "days_needed": request.GET.get("days_needed", ""),
    }
    return submit(
        request,
        forms.SupportRequestForm(posted(request), initial=initial, school=school),
        lambda cd: services.support_request_create(
            by=request.user,
            school=school or school_field(request.user, cd["urn"]),
            needs=cd["needs"],
            description=cd["description"],
            days_needed=cd["days_needed"],
        ),
        success=lambda req: f"Support requested for {req.school.name}",
        next_url=lambda req: reverse("improvement:support-detail", args=[req.pk]),
        title="Request support",
        caption=f"{school.name} (URN {school.urn})" if school else "",
        back_url=reverse("improvement:support-list"),
    )


SUPPORT_STEP_LABELS = {
    "match": "Shortlist offers",
    "agree": "Agree the support",
    "deploy": "Start the deployment",
    "milestone": "Record a milestone done",
    "review": "Record a termly review",
    "close": "Close with impact",
    "withdraw": "Withdraw the request",
    "rate": "Rate the support",
}


# What each step did, for the banner after it ({school}: the school supported).
SUPPORT_STEP_DONE = {
    "match": "Offers shortlisted for {school}",
    "agree": "Support for {school} agreed",
    "deploy": "Support to {school} started",
    "milestone": "Milestone of the support to {school} recorded as done",
    "review": "Termly review of the support to {school} recorded",
    "close": "Support to {school} closed and its impact recorded",
    "withdraw": "Support request for {school} withdrawn",
    "rate": "Your rating of the support to {school} has been recorded",
}


@casework_page
def support_detail(request, pk):
    req = selectors.support_request_for_user(request.user, pk)
    shortlist_offers = {
        o.pk: o
        for o in Offer.objects.filter(pk__in=[s["offer_id"] for s in req.shortlist]).select_related(
            "provider"
        )
    }
    assessed = []  # every offer, eligible ones first: ranked once for the list and for "why nothing matches"
    if req.state in {SupportState.REQUESTED, SupportState.MATCHED}:
        assessed = selectors.rank_offers_for(req.school, req.needs, req.days_needed, include_excluded=True)
    ranked = [r for r in assessed if r.eligible][:10]
    steps = {
        SupportState.REQUESTED: ["match", "withdraw"],
        SupportState.MATCHED: ["match", "agree", "withdraw"],
        SupportState.AGREED: ["deploy", "withdraw"],
        SupportState.DEPLOYED: ["milestone", "review", "close"],
        SupportState.CLOSED: [] if hasattr(req, "rating") else ["rate"],
    }.get(req.state, [])
    if "match" in steps and not (request.user.is_superuser or request.user.role in OFFICER_ROLES):
        steps.remove("match")
    milestones = list(req.milestones.all())
    if "milestone" in steps and all(m.done_on for m in milestones):
        steps.remove("milestone")
    no_match = _why_no_match(req, assessed) if req.state == SupportState.REQUESTED and not ranked else None
    return render(
        request,
        "improvement/support_detail.html",
        {
            "req": req,
            "shortlist": [(s, shortlist_offers.get(s["offer_id"])) for s in req.shortlist],
            "ranked": ranked,
            "no_match": no_match,
            "steps": [(step, SUPPORT_STEP_LABELS[step]) for step in steps],
            "milestones": milestones,
            "reviews": req.reviews.select_related("reviewed_by"),
            # Results move after the request closes: the page shows the change up to the latest results held.
            "impact": indicator_change(req.school, since=req.deployed_on) if req.deployed_on else None,
        },
    )


def _support_choices(step: str, req) -> list[tuple[int, str]]:
    """Choices of the step's form, computed only for the step asked for."""
    if step == "match":
        ranked = selectors.rank_offers_for(req.school, req.needs, req.days_needed)
        return [(r.offer_id, f"{r.title} (score {r.score:.2f})") for r in ranked]
    if step == "agree":
        ids = [s["offer_id"] for s in req.shortlist]
        titles = dict(Offer.objects.filter(pk__in=ids).values_list("pk", "title"))
        return [(pk, titles.get(pk, f"Offer {pk}")) for pk in ids]
    if step == "milestone":
        return [
            (m.pk, f"{m.title} (due {m.due_on:%d/%m/%Y})")
            for m in req.milestones.filter(done_on__isnull=True)
        ]
    return []


def _support_spec(step: str, req, user):
    """(form class, form kwargs, title, call(cd)) for each support step page (and API action)."""
    specs = {
        "match": (
            forms.MatchForm,
            "Shortlist offers",
            lambda cd: services.support_request_match(
                by=user, request=req, offers=list(Offer.objects.filter(pk__in=cd["offers"]))
            ),
        ),
        "agree": (
            forms.AgreeForm,
            "Agree the support",
            lambda cd: services.support_request_agree(
                by=user,
                request=req,
                offer=Offer.objects.get(pk=cd["offer"]),
                days_agreed=cd["days_agreed"],
                objectives=cd["objectives"],
            ),
        ),
        "deploy": (
            forms.DeployForm,
            "Start the deployment",
            lambda cd: services.support_request_deploy(by=user, request=req, milestones=cd["milestones"]),
        ),
        "milestone": (
            forms.MilestoneDoneForm,
            "Record a milestone done",
            lambda cd: services.support_milestone_complete(
                by=user, milestone=req.milestones.get(pk=cd["milestone"]), done_on=cd["done_on"]
            ),
        ),
        "review": (
            forms.SupportReviewForm,
            "Record a termly review",
            lambda cd: services.support_request_review(
                by=user, request=req, reviewed_on=cd["reviewed_on"], rag=cd["rag"], progress=cd["progress"]
            ),
        ),
        "close": (
            forms.SupportCloseForm,
            "Close with impact",
            lambda cd: services.support_request_close(
                by=user, request=req, days_delivered=cd["days_delivered"], impact_summary=cd["impact_summary"]
            ),
        ),
        "withdraw": (
            forms.ReasonForm,
            "Withdraw the request",
            lambda cd: services.support_request_withdraw(by=user, request=req, reason=cd["reason"]),
        ),
        "rate": (
            forms.RateForm,
            "Rate the support",
            lambda cd: services.support_rate(by=user, request=req, score=cd["score"], comment=cd["comment"]),
        ),
    }
    if step not in specs:
        return None
    form_class, title, call = specs[step]
    kwargs = {"choices": _support_choices(step, req)} if step in {"match", "agree", "milestone"} else {}
    return form_class, kwargs, title, call


def _why_no_match(req, assessed) -> dict:
    """Why no offer in the directory matches the request: each offer that addresses a need, with the conditions
    that excluded it (phase, area covered, spare days, places), and how many address none of the needs.
    `assessed`: every offer, as `selectors.rank_offers_for(..., include_excluded=True)` gives them."""
    off_need = [r for r in assessed if NO_NEED_MET in r.reasons]
    return {
        "excluded": [r for r in assessed if not r.eligible and r not in off_need],
        "off_need_count": len(off_need),
        "directory_url": reverse("improvement:offer-search")
        + "?"
        + urlencode({"urn": req.school.urn, "needs": req.needs, "days_needed": req.days_needed}, doseq=True),
        "add_offer_url": reverse("improvement:offer-new"),
    }


def _no_match_page(request, req, status=200):
    return render(
        request,
        "improvement/support_no_match.html",
        {
            "req": req,
            "needs": req.needs_labels,
            **_why_no_match(
                req, selectors.rank_offers_for(req.school, req.needs, req.days_needed, include_excluded=True)
            ),
        },
        status=status,
    )


@casework_page
def support_step(request, pk, step):
    req = selectors.support_request_for_user(request.user, pk)
    spec = _support_spec(step, req, request.user)
    if spec is None:
        raise Http404("No such step.")
    form_class, kwargs, title, call = spec
    if step == "match" and not kwargs["choices"]:
        # Nothing to shortlist: say why and offer a way on, never an empty checkbox group with a Save button.
        if not (request.user.is_superuser or request.user.role in OFFICER_ROLES):
            raise PermissionDenied("Only local authority and regional officers shortlist offers.")
        return _no_match_page(request, req, status=409 if request.method == "POST" else 200)
    back = reverse("improvement:support-detail", args=[req.pk])
    return submit(
        request,
        form_class(posted(request), **kwargs),
        call,
        success=SUPPORT_STEP_DONE[step].format(school=req.school.name),
        next_url=lambda _: back,
        title=title,
        caption=req.school.name,
        back_url=back,
    )


# ---------------------------------------------------------------------------------------------------------------
# Peer reviews


def plan_review(user, cd):
    """Plan a peer review from the plan form's cleaned data (pages and API): the school by URN in the user's scope,
    reviewers by URN among the partnership's current members."""
    school = school_field(user, cd["urn"])
    partnership = cd["partnership"]
    members = selectors.partnership_members_by_urn(partnership, [urn for _, urn in cd["reviewers"]])
    missing = [f"{name} (URN {urn})" for name, urn in cd["reviewers"] if urn not in members]
    if missing:
        message = f"Not from a current member school of {partnership.name}: {', '.join(missing)}."
        raise ValidationFailed(message, extra={"errors": {"reviewers": [message]}})
    return services.peer_review_plan(
        by=user,
        partnership=partnership,
        school=school,
        review_on=cd["review_on"],
        focus_areas=cd["focus_areas"],
        reviewers=[(name, members[urn]) for name, urn in cd["reviewers"]],
    )


def _review_spec(step: str, review, user):
    """(form class, form kwargs, title, call(cd)) for each peer-review step page (and API action)."""
    return {
        "findings": (
            forms.PeerReviewFindingsForm,
            {},
            "Record the findings",
            lambda cd: services.peer_review_complete(
                by=user,
                review=review,
                strengths=cd["strengths"],
                areas_for_development=cd["areas_for_development"],
            ),
        ),
        "action": (
            forms.PeerReviewActionForm,
            {},
            "Agree an action",
            lambda cd: services.peer_review_action_add(
                by=user, review=review, text=cd["text"], owner=cd["owner"], due_on=cd["due_on"]
            ),
        ),
        "support": (
            forms.SupportNeedForm,
            {},
            "Raise a support request",
            lambda cd: services.peer_review_raise_support(
                by=user,
                review=review,
                needs=cd["needs"],
                description=cd["description"],
                days_needed=cd["days_needed"],
            ),
        ),
    }.get(step)


# What each peer-review step did, for the banner after it ({school}: the school reviewed).
REVIEW_STEP_DONE = {
    "findings": "Findings of the peer review of {school} recorded",
    "action": "Action agreed for {school}",
    "support": "Support requested for {school} from the peer review",
}


@casework_page
def review_list(request):
    return render(
        request,
        "improvement/review_list.html",
        {"reviews": selectors.peer_reviews_for_user(request.user)[:300]},
    )


@casework_page
def review_new(request):
    form = forms.PeerReviewPlanForm(
        posted(request),
        partnerships=selectors.partnerships_for_user(request.user),
        initial={"urn": request.GET.get("urn", "")},
    )
    return submit(
        request,
        form,
        lambda cd: plan_review(request.user, cd),
        success=lambda review: (
            f"Peer review of {review.school.name} planned for {govuk_date(review.review_on)}"
        ),
        next_url=lambda review: reverse("improvement:review-detail", args=[review.pk]),
        title="Plan a peer review",
        submit_label="Plan the review",
        back_url=reverse("improvement:review-list"),
    )


@casework_page
def review_step(request, pk, step):
    review = selectors.peer_review_for_user(request.user, pk)
    spec = _review_spec(step, review, request.user)
    if spec is None:
        raise Http404("No such step.")
    form_class, kwargs, title, call = spec
    back = reverse("improvement:review-detail", args=[review.pk])
    return submit(
        request,
        form_class(posted(request), **kwargs),
        call,
        success=REVIEW_STEP_DONE[step].format(school=review.school.name),
        # Raising support lands on the new request; every other step returns to the review.
        next_url=lambda result: (
            reverse("improvement:support-detail", args=[result.pk]) if step == "support" else back
        ),
        title=title,
        caption=f"Peer review of {review.school.name}",
        back_url=back,
    )


@casework_page
def review_detail(request, pk):
    review = selectors.peer_review_for_user(request.user, pk)
    form = forms.ActionStatusForm(posted(request))
    if request.method == "POST":
        try:
            action = review.actions.get(pk=int(request.POST.get("action", "0")))
        except (PeerReviewAction.DoesNotExist, ValueError):
            form.add_error(None, "Choose an action of this review.")
        else:
            if form.is_valid():
                try:
                    services.peer_review_action_update(
                        by=request.user, action=action, status=form.cleaned_data["status"]
                    )
                except ApplicationError as exc:
                    apply_error(form, exc)
                else:
                    status = ActionStatus(form.cleaned_data["status"]).label.lower()
                    messages.success(request, f"Action “{action.text}” marked as {status}")
                    return redirect("improvement:review-detail", pk=review.pk)
    return render(
        request,
        "improvement/review_detail.html",
        {
            "review": review,
            "reviewers": review.reviewers.select_related("establishment"),
            "actions": review.actions.select_related("carried_from__review"),
            "follow_through": selectors.peer_review_follow_through(review),
            "form": form,
            "requests": review.support_requests.all(),
        },
        status=400 if form.errors else 200,
    )
