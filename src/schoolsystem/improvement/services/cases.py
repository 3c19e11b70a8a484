"""Casework for schools causing concern: every write to a case goes through here.

Every transition has one shape (STYLE.md, Workflows): atomic; lock the row; optimistic version check; allowed source
state from `constants.CASE_TRANSITIONS`; guards; state, timestamps and version; save(update_fields); a CaseEvent row
and an audit event; side effects on commit.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import establishment_q
from schoolsystem.core.audit import audit, snapshot
from schoolsystem.core.errors import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleEdit,
    ValidationFailed,
)
from schoolsystem.core.rules import not_after_today
from schoolsystem.engines.text import in_sentence
from schoolsystem.engines.working_days import next_working_day
from schoolsystem.improvement import rules
from schoolsystem.improvement.constants import (
    CASE_TRANSITIONS,
    CONSULTED_OUTCOMES,
    AcademyOrderState,
    CaseAction,
    CaseSector,
    CaseSource,
    CaseState,
    ConsultationOutcome,
    DecisionType,
    InterventionOption,
    WarningGround,
    action_role_refusal,
    allowed_actions,
    deadline_days,
    is_inadequate,
    options_for,
)
from schoolsystem.improvement.models import AcademyOrder, Case, CaseEvent, Consultation
from schoolsystem.improvement.selectors import (
    academy_route,
    can_change_casework,
    decided_elsewhere,
    escalation_refusal,
    exit_refusal,
    intervention_preconditions,
    notice_change_refusal,
    warning_notice_refusal,
)
from schoolsystem.improvement.services.decisions import can_record_decision, decision_create

log = logging.getLogger("schoolsystem.improvement")


def _today() -> date:
    return timezone.localdate()


def default_compliance_date(issued_on: date | None = None) -> date:
    """The compliance date the warning-notice form offers: `warning_notice_compliance_days` after the notice, moved
    on to a working day (never a weekend or an England and Wales bank holiday such as 25 December)."""
    start = issued_on or _today()
    return next_working_day(start + timedelta(days=deadline_days("warning_notice_compliance_days")))


def _require_writer(by, school) -> None:
    if not can_change_casework(by):
        raise PermissionDenied("Only local authority and regional officers change casework.")
    from schoolsystem.registry.models import Establishment

    if not Establishment.objects.filter(establishment_q(by), pk=school.pk).exists():
        raise NotFound("No such case.")


def _notify(case_id: int, action: str) -> None:
    # The notification hook: runs only once the transaction has committed (never for a rolled-back change).
    log.info("case %s: %s", case_id, action)


def _event(
    case: Case, by, action: str, *, from_state: str = "", note: str = "", data: dict | None = None
) -> None:
    CaseEvent.objects.create(
        case=case,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=data or {},
    )


def _lock(case: Case, version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("school", "school__la").get(pk=case.pk)
    if version is not None and locked.version != int(version):
        last = locked.events.select_related("actor").first()
        who = last.actor.display_name if last and last.actor else "another user"
        when = timezone.localtime(last.occurred_on).strftime("%d %B %Y at %H:%M") if last else ""
        raise StaleEdit(
            f"This case was changed by {who} {('on ' + when) if when else ''} after you opened it. "
            "Your changes have not been saved: reload the case, check what changed and make your change again.",
            extra={"current_version": locked.version},
        )
    return locked


def transition_refusal(case: Case, action: str) -> str:
    """Why the case cannot take `action` from its state ('' when it can): the service refuses it, and the step's
    page says it instead of a form."""
    sources, target = CASE_TRANSITIONS[action]
    if case.state in sources:
        return ""
    moves = [in_sentence(CaseAction(a).label) for a in allowed_actions(case.state)]
    from_here = f" From here the case can: {', '.join(moves)}." if moves else ""
    return (
        f"A case that is “{case.get_state_display().lower()}” cannot move to "
        f"“{CaseState(target).label.lower()}” ({CaseAction(action).label.lower()}).{from_here}"
    )


def _transition(
    *,
    case: Case,
    by,
    action: str,
    version: int | None,
    note: str = "",
    data: dict | None = None,
    apply: Callable[[Case], Iterable[str]] | None = None,
) -> Case:
    case = _lock(case, version)
    _require_writer(by, case.school)
    if why := transition_refusal(case, action):
        raise InvalidTransition(why)
    target = CASE_TRANSITIONS[action][1]
    refusal = action_role_refusal(action, sector=case.sector, role=by.role, superuser=by.is_superuser)
    if refusal:
        raise PermissionDenied(refusal)
    before = snapshot(case)
    from_state = case.state
    fields = list(apply(case) if apply else [])
    case.state = target
    case.state_changed_on = timezone.now()
    case.version += 1
    case.save(update_fields=[*fields, "state", "state_changed_on", "version", "modified_on"])
    _event(case, by, action, from_state=from_state, note=note, data=data)
    audit(obj=case, action=f"case.{action}", actor=by, before=before, note=note)
    case_id = case.pk
    transaction.on_commit(lambda: _notify(case_id, action))
    return case


# ---------------------------------------------------------------------------------------------------------------
# Opening and editing


@transaction.atomic
def case_open(
    *,
    school,
    by,
    source: str = CaseSource.MANUAL,
    reasons: list[str],
    summary: str = "",
    identified_on: date | None = None,
) -> Case:
    """Open a case for a school causing concern, by hand or from the risk screen. One open case per school.
    `identified_on` (default today, not in the future): when the concern was identified, which may be before the
    case is recorded here (a warning notice issued on paper first); the case's notice and consultations are dated on
    or after it."""
    _require_writer(by, school)
    reasons = [r.strip() for r in reasons if r and r.strip()]
    identified_on = identified_on or _today()
    errors: dict[str, list[str]] = {}
    if source not in CaseSource.values:
        errors["source"] = ["Choose a source"]
    if not reasons:
        errors["reasons"] = ["Enter a reason for concern"]
    if wrong := rules.identified_on_error(identified_on, today=_today()):
        errors["identified_on"] = [wrong]
    if errors:
        raise ValidationFailed("The case cannot be opened.", extra={"errors": errors})
    if Case.objects.open().filter(school=school).exists():
        raise InvalidTransition(f"{school.name} already has an open case.")
    trust = None
    if school.is_academy:
        from schoolsystem.registry.constants import GroupType

        membership = (
            school.memberships.filter(
                left_on__isnull=True,
                group__group_type__in=[GroupType.MULTI_ACADEMY_TRUST, GroupType.SINGLE_ACADEMY_TRUST],
            )
            .select_related("group")
            .first()
        )
        trust = membership.group if membership else None
    case = Case(
        school=school,
        sector=CaseSector.ACADEMY if school.is_academy else CaseSector.MAINTAINED,
        trust=trust,
        source=source,
        reasons=reasons,
        summary=summary.strip(),
        identified_on=identified_on,
        opened_by=by,
        lead_officer=by,
        state=CaseState.IDENTIFIED,
        state_changed_on=timezone.now(),
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # a concurrent open of the same school lost the race
        raise InvalidTransition(f"{school.name} already has an open case.") from exc
    _event(case, by, "opened", note="; ".join(reasons), data={"source": source})
    audit(obj=case, action="case.opened", actor=by, before={})
    case_id = case.pk
    transaction.on_commit(lambda: _notify(case_id, "opened"))
    return case


def _criteria_from_lines(lines: Iterable[str], old: list[dict]) -> list[dict]:
    met = {c["text"]: bool(c.get("met")) for c in old}
    out = []
    for line in lines:
        text = line.strip()
        if text and text not in {c["text"] for c in out}:
            out.append({"text": text, "met": met.get(text, False)})
    return out


# Case events that carry the date of the step they record (data key): early conversations, visits, reviews.
STEP_DATE_KEYS = {"hold_early_conversation": "held_on", "visit": "visited_on", "hold_review": "reviewed_on"}


def earliest_step_on(case: Case) -> date | None:
    """The date of the case's earliest dated step that must not come before the date identified: its warning
    notice, first consultation, early conversation, monitoring visit or termly review (None: none recorded)."""
    first = case.consultations.order_by("consulted_on").values_list("consulted_on", flat=True).first()
    dates = [d for d in (case.warning_notice_issued_on, first) if d]
    for action, data in case.events.filter(action__in=list(STEP_DATE_KEYS)).values_list("action", "data"):
        try:
            dates.append(date.fromisoformat((data or {}).get(STEP_DATE_KEYS[action], "")))
        except (TypeError, ValueError):
            continue
    return min(dates) if dates else None


@transaction.atomic
def case_update(
    *,
    case: Case,
    by,
    version: int,
    summary: str,
    exit_criteria: list[str],
    lead_officer=None,
    identified_on: date | None = None,
) -> Case:
    """Edit a case's summary, exit criteria, lead officer and (given) the date the concern was identified: not in
    the future, nor after the case's warning notice or first consultation (`rules.identified_on_error`). Refused
    (StaleEdit) if the case changed since `version` was read: two officers never overwrite each other's work."""
    case = _lock(case, version)
    _require_writer(by, case.school)
    if not case.is_open:
        raise InvalidTransition("A closed case cannot be edited.")
    if identified_on is not None and (
        wrong := rules.identified_on_error(
            identified_on, today=_today(), earliest_step=earliest_step_on(case)
        )
    ):
        raise ValidationFailed(wrong, extra={"errors": {"identified_on": [wrong]}})
    before = snapshot(case)
    case.summary = summary.strip()
    case.exit_criteria = _criteria_from_lines(exit_criteria, case.exit_criteria)
    case.lead_officer = lead_officer or case.lead_officer
    case.identified_on = identified_on or case.identified_on
    case.version += 1
    case.save(
        update_fields=["summary", "exit_criteria", "lead_officer", "identified_on", "version", "modified_on"]
    )
    _event(case, by, "edited", from_state=case.state)
    audit(obj=case, action="case.edited", actor=by, before=before)
    return case


@transaction.atomic
def case_record_visit(*, case: Case, by, visited_on: date, notes: str, version: int | None = None) -> Case:
    """A monitoring visit (termly). Sets when the next visit is due."""
    case = _lock(case, version)
    _require_writer(by, case.school)
    if not case.is_open:
        raise InvalidTransition("Visits are recorded only on open cases.")
    wrong = not_after_today(visited_on, today=_today(), what=rules.VISITED_ON) or rules.not_before_identified(
        visited_on, identified_on=case.identified_on, what=rules.VISITED_ON
    )
    if wrong:
        raise ValidationFailed(wrong, extra={"errors": {"visited_on": [wrong]}})
    if not notes.strip():
        raise ValidationFailed(
            "Enter notes of the visit.", extra={"errors": {"notes": ["Enter notes of the visit"]}}
        )
    before = snapshot(case)
    case.next_visit_due = visited_on + timedelta(days=deadline_days("visit_interval_days"))
    case.version += 1
    case.save(update_fields=["next_visit_due", "version", "modified_on"])
    _event(
        case,
        by,
        "visit",
        from_state=case.state,
        note=notes.strip(),
        data={"visited_on": visited_on.isoformat()},
    )
    audit(obj=case, action="case.visit_recorded", actor=by, before=before, note=notes.strip())
    return case


# ---------------------------------------------------------------------------------------------------------------
# Transitions


def case_start_monitoring(*, case: Case, by, note: str = "", version: int | None = None) -> Case:
    def apply(c: Case):
        c.next_visit_due = _today() + timedelta(days=deadline_days("visit_interval_days"))
        return ["next_visit_due"]

    with transaction.atomic():
        return _transition(
            case=case, by=by, action=CaseAction.START_MONITORING, version=version, note=note, apply=apply
        )


def case_hold_early_conversation(
    *, case: Case, by, held_on: date, note: str, version: int | None = None
) -> Case:
    """Early conversation with the school before a warning notice (seed 002: early intervention)."""
    if not note.strip():
        raise ValidationFailed(
            "Record what was discussed.", extra={"errors": {"note": ["Enter what was discussed"]}}
        )
    wrong = not_after_today(
        held_on, today=_today(), what=rules.CONVERSATION_ON
    ) or rules.not_before_identified(held_on, identified_on=case.identified_on, what=rules.CONVERSATION_ON)
    if wrong:
        raise ValidationFailed(wrong, extra={"errors": {"held_on": [wrong]}})
    with transaction.atomic():
        return _transition(
            case=case,
            by=by,
            action=CaseAction.HOLD_EARLY_CONVERSATION,
            version=version,
            note=note.strip(),
            data={"held_on": held_on.isoformat()},
        )


def _notice_date_errors(case: Case, *, issued_on: date, compliance_by) -> dict[str, list[str]]:
    """The warning notice's date rules, messages by field: `rules.warning_notice_date_errors` (not in the future,
    at most `warning_notice_backdate_days` back, compliance date after it and at most
    `warning_notice_compliance_max_days` after it) and not before the case's date identified."""
    errors = {
        field: [message]
        for field, message in rules.warning_notice_date_errors(
            issued_on=issued_on,
            compliance_by=compliance_by,
            today=_today(),
            backdate_days=deadline_days("warning_notice_backdate_days"),
            max_compliance_days=deadline_days("warning_notice_compliance_max_days"),
        ).items()
    }
    early = rules.not_before_identified(
        issued_on, identified_on=case.identified_on, what=rules.NOTICE_ISSUED_ON
    )
    if early and "issued_on" not in errors:
        errors["issued_on"] = [early]
    return errors


def case_issue_warning_notice(
    *,
    case: Case,
    by,
    grounds: list[str],
    compliance_by: date,
    issued_on: date | None = None,
    note: str = "",
    version: int | None = None,
) -> Case:
    """Issue a warning notice on one or more grounds (seed 002) with a compliance date after it.

    `issued_on` (default today) records a notice issued earlier (on paper, before the case was kept here): it may not
    be in the future nor more than `warning_notice_backdate_days` (90) days ago, so the compliance period cannot be
    skipped by back-dating, and the compliance date must come after it; a notice issued today needs a compliance date
    in the future. The date counts: an intervention waits for the compliance date and needs a consultation held on
    or after the notice (`selectors.intervention_preconditions`). The notice is not dated before the case's date
    identified (`rules.not_before_identified`). The rules are `rules.warning_notice_date_errors` and that one,
    which the form checks too, so a page shows them beside its fields' own errors."""
    issued_on = issued_on or _today()
    errors: dict[str, list[str]] = {}
    no_grounds = rules.warning_grounds_error(grounds)
    if no_grounds:
        errors["grounds"] = [no_grounds]
    if not isinstance(compliance_by, date):
        errors["compliance_by"] = ["Enter the compliance date"]
    errors.update(_notice_date_errors(case, issued_on=issued_on, compliance_by=compliance_by))
    if errors:
        raise ValidationFailed("The warning notice cannot be issued.", extra={"errors": errors})
    if decided := warning_notice_refusal(academy_route(None, case.school), case.school.name):
        raise InvalidTransition(decided)

    def apply(c: Case):
        c.warning_grounds = list(dict.fromkeys(grounds))
        c.warning_notice_issued_on = issued_on
        c.compliance_by = compliance_by
        return ["warning_grounds", "warning_notice_issued_on", "compliance_by"]

    with transaction.atomic():
        return _transition(
            case=case,
            by=by,
            action=CaseAction.ISSUE_WARNING_NOTICE,
            version=version,
            note=note,
            data={
                "grounds": list(grounds),
                "issued_on": issued_on.isoformat(),
                "compliance_by": compliance_by.isoformat(),
            },
            apply=apply,
        )


def _notice_change_guard(case: Case, by) -> None:
    """Refuse a correction or withdrawal of the warning notice the service would not take: the user's role does not
    issue notices for the case (`constants.action_role_refusal`), or a later step depends on it
    (`selectors.notice_change_refusal`)."""
    refusal = action_role_refusal(
        CaseAction.ISSUE_WARNING_NOTICE, sector=case.sector, role=by.role, superuser=by.is_superuser
    )
    if refusal:
        raise PermissionDenied(refusal)
    if why := notice_change_refusal(case):
        raise InvalidTransition(why)


@transaction.atomic
def case_correct_warning_notice(
    *,
    case: Case,
    by,
    grounds: list[str],
    issued_on: date | None,
    compliance_by: date,
    reason: str,
    version: int | None = None,
) -> Case:
    """Correct the warning notice's grounds and dates (a mistyped compliance date, say) while no later step depends
    on it: the case is still at its warning notice (no intervention chosen, not escalated since). Same rules as
    issuing it (`_notice_date_errors`), with the reason for the correction; the case's history keeps what it was."""
    issued_on = issued_on or _today()
    errors: dict[str, list[str]] = {}
    if no_grounds := rules.warning_grounds_error(grounds):
        errors["grounds"] = [no_grounds]
    if not isinstance(compliance_by, date):
        errors["compliance_by"] = ["Enter the compliance date"]
    if not (reason or "").strip():
        errors["reason"] = ["Enter why the notice is corrected"]
    case = _lock(case, version)
    _require_writer(by, case.school)
    _notice_change_guard(case, by)
    errors = {**_notice_date_errors(case, issued_on=issued_on, compliance_by=compliance_by), **errors}
    if errors:
        raise ValidationFailed("The warning notice cannot be corrected.", extra={"errors": errors})
    before = snapshot(case)
    was = _notice_as_recorded(case)
    case.warning_grounds = list(dict.fromkeys(grounds))
    case.warning_notice_issued_on = issued_on
    case.compliance_by = compliance_by
    case.version += 1
    case.save(
        update_fields=[
            "warning_grounds",
            "warning_notice_issued_on",
            "compliance_by",
            "version",
            "modified_on",
        ]
    )
    _event(
        case,
        by,
        "warning_notice_corrected",
        from_state=case.state,
        note=reason.strip(),
        data={
            "was": was,
            "grounds": list(case.warning_grounds),
            "issued_on": issued_on.isoformat(),
            "compliance_by": compliance_by.isoformat(),
        },
    )
    audit(obj=case, action="case.warning_notice_corrected", actor=by, before=before, note=reason.strip())
    return case


def _notice_as_recorded(case: Case) -> dict:
    """The notice's grounds and dates as the case holds them, for the history of a correction or withdrawal."""
    return {
        "grounds": list(case.warning_grounds),
        "issued_on": case.warning_notice_issued_on.isoformat() if case.warning_notice_issued_on else "",
        "compliance_by": case.compliance_by.isoformat() if case.compliance_by else "",
    }


@transaction.atomic
def case_withdraw_warning_notice(*, case: Case, by, reason: str, version: int | None = None) -> Case:
    """Withdraw the warning notice (issued in error, say) while no later step depends on it: the case goes back to
    where it was before the notice (monitoring, early conversation or escalated) and holds no notice. The notice's
    grounds and dates stay in the case's history and the audit."""
    if not (reason or "").strip():
        raise ValidationFailed(
            "Give the reason for withdrawing the notice.",
            extra={"errors": {"reason": ["Enter why the notice is withdrawn"]}},
        )
    case = _lock(case, version)
    _require_writer(by, case.school)
    _notice_change_guard(case, by)
    issued = (
        case.events.filter(action=CaseAction.ISSUE_WARNING_NOTICE).order_by("-occurred_on", "-id").first()
    )
    back_to = issued.from_state if issued and issued.from_state else CaseState.MONITORING
    before = snapshot(case)
    from_state = case.state
    was = _notice_as_recorded(case)
    case.warning_grounds = []
    case.warning_notice_issued_on = None
    case.compliance_by = None
    case.state = back_to
    case.state_changed_on = timezone.now()
    case.version += 1
    case.save(
        update_fields=[
            "warning_grounds",
            "warning_notice_issued_on",
            "compliance_by",
            "state",
            "state_changed_on",
            "version",
            "modified_on",
        ]
    )
    _event(
        case, by, "warning_notice_withdrawn", from_state=from_state, note=reason.strip(), data={"was": was}
    )
    audit(obj=case, action="case.warning_notice_withdrawn", actor=by, before=before, note=reason.strip())
    return case


@transaction.atomic
def case_record_consultation(
    *,
    case: Case,
    by,
    proposal: str,
    consulted_on: date,
    school_response: str,
    outcome: str,
    version: int | None = None,
) -> Consultation:
    """Record consulting the school on a proposal (seed 003 proposal 6). A school that refuses to engage is
    recorded and the case escalates."""
    errors: dict[str, list[str]] = {}
    if not proposal.strip():
        errors["proposal"] = ["Enter what was proposed to the school"]
    if outcome not in ConsultationOutcome.values:
        errors["outcome"] = ["Choose the school's response"]
    wrong_date = not_after_today(consulted_on, today=_today(), what=rules.CONSULTED_ON) or (
        rules.not_before_identified(consulted_on, identified_on=case.identified_on, what=rules.CONSULTED_ON)
    )
    if wrong_date:
        errors["consulted_on"] = [wrong_date]
    missing = rules.consultation_response_error(outcome=outcome, school_response=school_response)
    if missing:
        errors["school_response"] = [missing]
    if errors:
        raise ValidationFailed("The consultation cannot be recorded.", extra={"errors": errors})
    locked = _lock(case, version)
    _require_writer(by, locked.school)
    if not locked.is_open:
        raise InvalidTransition("Consultations are recorded only on open cases.")
    consultation = Consultation.objects.create(
        case=locked,
        proposal=proposal.strip(),
        consulted_on=consulted_on,
        school_response=school_response.strip(),
        outcome=outcome,
        recorded_by=by,
    )
    audit(obj=consultation, action="consultation.recorded", actor=by, before={})
    before = snapshot(locked)
    locked.version += 1
    locked.save(update_fields=["version", "modified_on"])
    _event(
        locked, by, "consultation", from_state=locked.state, note=proposal.strip(), data={"outcome": outcome}
    )
    audit(obj=locked, action="case.consultation_recorded", actor=by, before=before)
    if outcome == ConsultationOutcome.REFUSED_TO_ENGAGE:
        # The case goes to the regional officer when it can: not when they recorded the refusal themselves (the
        # case is theirs already) nor while its academy order is in force (escalation_refusal).
        sources, _ = CASE_TRANSITIONS[CaseAction.ESCALATE]
        may_escalate = not action_role_refusal(
            CaseAction.ESCALATE, sector=locked.sector, role=by.role, superuser=by.is_superuser
        )
        if (
            locked.state in sources
            and may_escalate
            and not escalation_refusal(locked, AcademyOrder.objects.filter(case=locked).first())
        ):
            case_escalate(case=locked, by=by, reason="The school refused to engage with the consultation.")
    return consultation


# Who answers a consultation for the school: its head, or the trust's leader for an academy.
CONSULTATION_RESPONDER_ROLES = frozenset({Role.SCHOOL_LEADER, Role.TRUST_LEADER})


@transaction.atomic
def consultation_respond(
    *, by, consultation: Consultation, outcome: str, school_response: str, version: int | None = None
) -> Consultation:
    """The school answers a consultation the officer recorded as awaiting its response: it agrees, agrees with
    conditions or objects, in its own words. The answer is the school's, so only the school (or its trust) gives it."""
    errors: dict[str, list[str]] = {}
    if outcome not in CONSULTED_OUTCOMES:
        errors["outcome"] = ["Choose your response"]
    if not school_response.strip():
        errors["school_response"] = ["Say what the school's response is"]
    if errors:
        raise ValidationFailed("The response cannot be recorded.", extra={"errors": errors})
    locked = _lock(consultation.case, version)
    from schoolsystem.registry.models import Establishment

    if by is None or not Establishment.objects.filter(establishment_q(by), pk=locked.school_id).exists():
        raise NotFound("No such case.")
    if not (by.is_superuser or by.role in CONSULTATION_RESPONDER_ROLES):
        raise PermissionDenied("The school (its head or trust) answers a consultation.")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk, case=locked)
    if consultation.outcome != ConsultationOutcome.AWAITING:
        raise InvalidTransition("This consultation has already been answered.")
    if not locked.is_open:
        raise InvalidTransition("The case is closed.")
    before_consultation = snapshot(consultation)
    consultation.outcome = outcome
    consultation.school_response = school_response.strip()
    consultation.save(update_fields=["outcome", "school_response", "modified_on"])
    audit(obj=consultation, action="consultation.answered", actor=by, before=before_consultation)
    before = snapshot(locked)
    locked.version += 1
    locked.save(update_fields=["version", "modified_on"])
    _event(
        locked,
        by,
        "consultation_response",
        from_state=locked.state,
        note=school_response.strip(),
        data={"outcome": outcome, "consultation": consultation.pk},
    )
    audit(obj=locked, action="case.consultation_answered", actor=by, before=before)
    return consultation


def case_choose_intervention(
    *,
    case: Case,
    by,
    option: str,
    rationale: str,
    options_considered: list[str],
    criteria: list[str],
    partner_name: str = "",
    partner_group=None,
    decided_by_name: str = "",
    version: int | None = None,
) -> Case:
    """Choose the intervention (seed 000 options; seed 003 academy orders). Who may choose each option is
    `constants.INTERVENTION_RULES`; what must hold first (the warning notice's compliance date passed, the school
    consulted on or after the notice) is `selectors.intervention_preconditions`, whose messages say what is
    missing. Every intervention is refused while the school already has an academy order in force or an approved
    brokerage sponsor match (`selectors.decided_elsewhere`): brokerage and casework do not both decide a school's
    future. `selectors.intervention_choice` is what the pages offer from the same rules. Records a draft Decision for the register (published from its
    page); a sponsored-academy choice issues an academy order with its own decision."""
    errors: dict[str, list[str]] = {}
    if option not in InterventionOption.values:
        errors["option"] = ["Choose an intervention"]
    if not rationale.strip():
        errors["rationale"] = ["Explain why this intervention was chosen"]
    if errors:
        raise ValidationFailed("The intervention cannot be chosen.", extra={"errors": errors})
    no_partner = rules.intervention_partner_error(
        option=option, partner_name=partner_name, has_partner_group=partner_group is not None
    )
    if no_partner:
        raise ValidationFailed(
            "This intervention needs a partner.", extra={"errors": {"partner_name": [no_partner]}}
        )

    def apply(c: Case):
        if option not in options_for(c.sector, by.role, superuser=by.is_superuser):
            raise PermissionDenied(
                f"A {by.get_role_display().lower()} may not choose “{InterventionOption(option).label}” "
                f"for {'an academy' if c.sector == CaseSector.ACADEMY else 'a maintained school'}."
            )
        if option == InterventionOption.SPONSORED_ACADEMY and not is_inadequate(c.school.ofsted_rating):
            raise ValidationFailed(
                "An academy order is for a maintained school judged inadequate by Ofsted.",
                extra={
                    "errors": {"option": ["Select another intervention: the school is not judged inadequate"]}
                },
            )
        # The school's academy route already stands: an order in force, or a sponsor match the brokerage advisory
        # board approved (seed 003 scenario 1). Any intervention chosen now would decide its future a second time.
        route = academy_route(None, c.school)
        decided = decided_elsewhere(route, c.school.name)
        if decided:
            raise ValidationFailed(decided, extra={"errors": {"option": [decided]}})
        # A sponsor proposal of an academy-order round still being decided: only the academy order it serves.
        live = route.live_refusal(c.school.name)
        if live and option != InterventionOption.SPONSORED_ACADEMY:
            raise ValidationFailed(live, extra={"errors": {"option": [live]}})
        missing = intervention_preconditions(c, options=[option], today=_today())
        if missing:
            # The compliance message belongs to the option chosen (an academy order may not wait); the consultation
            # one to no field of the form, so it heads the error summary.
            raise ValidationFailed(
                " ".join(missing.values()),
                extra={
                    "errors": {
                        ("option" if key == "compliance" else key): [message]
                        for key, message in missing.items()
                    }
                },
            )
        # The consultation that allowed the choice: the latest with the school's response since the notice.
        answered = c.consultations.filter(outcome__in=CONSULTED_OUTCOMES)
        if c.warning_notice_issued_on:
            answered = answered.filter(consulted_on__gte=c.warning_notice_issued_on)
        latest = answered.first()
        decision = decision_create(
            by=by,
            subject=f"{InterventionOption(option).label} for {c.school.name}",
            decision_type=DecisionType.INTERVENTION,
            establishment=c.school,
            decided_by_name=decided_by_name or by.public_body,
            decided_on=_today(),
            options_considered=options_considered or [InterventionOption(option).label],
            criteria=criteria or [WarningGround(g).label for g in c.warning_grounds],
            rationale=rationale,
            consultation_outcome=(
                f"{latest.get_outcome_display()}: {latest.school_response}".strip(": ") if latest else ""
            ),
            source=c,
        )
        c.intervention = option
        c.intervention_partner_name = partner_name.strip() or (partner_group.name if partner_group else "")
        c.intervention_partner_group = partner_group
        c.intervention_chosen_on = _today()
        c.intervention_decision = decision
        if option == InterventionOption.SPONSORED_ACADEMY:
            order = AcademyOrder.objects.create(case=c, issued_on=_today(), issued_by=by)
            order.decision = decision_create(
                by=by,
                subject=f"Academy order for {c.school.name}",
                decision_type=DecisionType.ACADEMY_ORDER,
                establishment=c.school,
                decided_by_name=decided_by_name or by.public_body,
                decided_on=_today(),
                options_considered=options_considered or [InterventionOption(option).label],
                criteria=["Maintained school judged inadequate by Ofsted"],
                rationale=rationale,
                consultation_outcome=decision.consultation_outcome,
                source=order,
            )
            order.save(update_fields=["decision"])
            audit(obj=order, action="academy_order.issued", actor=by, before={})
        return [
            "intervention",
            "intervention_partner_name",
            "intervention_partner_group",
            "intervention_chosen_on",
            "intervention_decision",
        ]

    with transaction.atomic():
        return _transition(
            case=case,
            by=by,
            action=CaseAction.CHOOSE_INTERVENTION,
            version=version,
            note=rationale.strip(),
            data={"option": option, "partner": partner_name},
            apply=apply,
        )


def case_start_implementation(*, case: Case, by, note: str = "", version: int | None = None) -> Case:
    def apply(c: Case):
        c.next_review_due = _today() + timedelta(days=deadline_days("review_interval_days"))
        return ["next_review_due"]

    with transaction.atomic():
        return _transition(
            case=case, by=by, action=CaseAction.START_IMPLEMENTATION, version=version, note=note, apply=apply
        )


def case_hold_review(
    *,
    case: Case,
    by,
    reviewed_on: date,
    progress: str,
    criteria_met: Iterable[int] = (),
    version: int | None = None,
) -> Case:
    """A termly review: progress, which exit criteria are now met, and when the next review is due."""
    if not progress.strip():
        raise ValidationFailed(
            "Record the progress made.", extra={"errors": {"progress": ["Enter the progress made"]}}
        )
    wrong = not_after_today(
        reviewed_on, today=_today(), what=rules.REVIEWED_ON
    ) or rules.not_before_identified(reviewed_on, identified_on=case.identified_on, what=rules.REVIEWED_ON)
    if wrong:
        raise ValidationFailed(wrong, extra={"errors": {"reviewed_on": [wrong]}})
    met = {int(i) for i in criteria_met}

    def apply(c: Case):
        c.exit_criteria = [{**crit, "met": i in met} for i, crit in enumerate(c.exit_criteria)]
        c.next_review_due = reviewed_on + timedelta(days=deadline_days("review_interval_days"))
        return ["exit_criteria", "next_review_due"]

    with transaction.atomic():
        return _transition(
            case=case,
            by=by,
            action=CaseAction.HOLD_REVIEW,
            version=version,
            note=progress.strip(),
            data={"reviewed_on": reviewed_on.isoformat(), "criteria_met": sorted(met)},
            apply=apply,
        )


def case_exit(*, case: Case, by, note: str = "", version: int | None = None) -> Case:
    """Exit the case: only when every exit criterion is met (seed 002: quick exit)."""

    def apply(c: Case):
        refusal = exit_refusal(c)
        if refusal:
            raise ValidationFailed(refusal, extra={"errors": {"exit_criteria": [refusal]}})
        c.closed_on = _today()
        c.closing_note = note.strip()
        c.next_visit_due = None
        c.next_review_due = None
        return ["closed_on", "closing_note", "next_visit_due", "next_review_due"]

    with transaction.atomic():
        return _transition(case=case, by=by, action=CaseAction.EXIT, version=version, note=note, apply=apply)


def case_escalate(*, case: Case, by, reason: str, version: int | None = None) -> Case:
    """Send the case to the regional officer, who chooses the intervention from there: a local authority officer's
    move (`constants.ESCALATION_ROLES`), refused while the case's academy order is in force
    (`selectors.escalation_refusal`)."""
    if not reason.strip():
        raise ValidationFailed(
            "Give the reason for escalating.", extra={"errors": {"reason": ["Enter the reason"]}}
        )

    def apply(c: Case):
        refusal = escalation_refusal(c, AcademyOrder.objects.filter(case=c).first())
        if refusal:
            raise InvalidTransition(refusal)
        c.escalated_on = _today()
        c.escalation_reason = reason.strip()
        return ["escalated_on", "escalation_reason"]

    with transaction.atomic():
        return _transition(
            case=case, by=by, action=CaseAction.ESCALATE, version=version, note=reason, apply=apply
        )


def case_close(*, case: Case, by, note: str, version: int | None = None) -> Case:
    """Close a case that needs no intervention (concerns resolved while monitoring)."""
    if not note.strip():
        raise ValidationFailed(
            "Say why the case is closing.", extra={"errors": {"note": ["Enter why the case is closing"]}}
        )

    def apply(c: Case):
        c.closed_on = _today()
        c.closing_note = note.strip()
        c.next_visit_due = None
        return ["closed_on", "closing_note", "next_visit_due"]

    with transaction.atomic():
        return _transition(case=case, by=by, action=CaseAction.CLOSE, version=version, note=note, apply=apply)


# ---------------------------------------------------------------------------------------------------------------
# Academy orders (seed 003)


def order_step_refusal(order: AcademyOrder, step: str, by) -> ApplicationError | None:
    """Why `by` cannot take `step` on the academy order whatever they enter: not the regional officer's
    (PermissionDenied), or the order's state (InvalidTransition); None when they can. The order's page shows it
    instead of a form; the service raises it."""
    from schoolsystem.improvement.constants import ACADEMY_ORDER_TRANSITIONS

    # Who takes an order's steps is who records its decisions (DECISION_TYPE_ROLES): one rule, not two copies.
    if not can_record_decision(by, DecisionType.ACADEMY_ORDER):
        return PermissionDenied("Academy orders are the regional officer's decision.")
    sources, _ = ACADEMY_ORDER_TRANSITIONS[step]
    if order.state not in sources:
        now = {
            AcademyOrderState.SPONSOR_FOUND: "a sponsor trust has been found for it",
            AcademyOrderState.REVOKED: "it has been revoked",
        }.get(order.state, f"it is “{order.get_state_display().lower()}”")
        return InvalidTransition(f"The academy order cannot change now: {now}.")
    return None


def _order_step(order: AcademyOrder, step: str, by) -> tuple[AcademyOrder, dict]:
    order = AcademyOrder.objects.select_for_update().select_related("case__school").get(pk=order.pk)
    _require_writer(by, order.case.school)
    if refusal := order_step_refusal(order, step, by):
        raise refusal
    return order, snapshot(order)


@transaction.atomic
def academy_order_record_sponsor(*, order: AcademyOrder, by, sponsor_group, rationale: str) -> AcademyOrder:
    """Record the sponsor trust found for the school (through brokerage when it exists)."""
    if sponsor_group is None:
        raise ValidationFailed(
            "Choose the sponsor trust.", extra={"errors": {"sponsor_group": ["Choose a trust"]}}
        )
    if not rationale.strip():
        raise ValidationFailed(
            "Explain the choice of sponsor.", extra={"errors": {"rationale": ["Enter the reasons"]}}
        )
    order, before = _order_step(order, "record_sponsor", by)
    order.state = AcademyOrderState.SPONSOR_FOUND
    order.sponsor_group = sponsor_group
    order.sponsor_found_on = _today()
    order.save(update_fields=["state", "sponsor_group", "sponsor_found_on", "modified_on"])
    decision_create(
        by=by,
        subject=f"{sponsor_group.name} to sponsor {order.case.school.name}",
        decision_type=DecisionType.SPONSOR_MATCH,
        establishment=order.case.school,
        decided_by_name=by.public_body,
        decided_on=_today(),
        options_considered=[sponsor_group.name],
        criteria=["Capacity", "Geography", "Phase experience", "Track record"],
        rationale=rationale,
        source=order,
    )
    _event(order.case, by, "sponsor_found", from_state=order.case.state, note=sponsor_group.name)
    audit(obj=order, action="academy_order.sponsor_found", actor=by, before=before)
    return order


@transaction.atomic
def academy_order_sponsor_brokered(
    *, school, by, sponsor_group, decided_on: date, reference: str
) -> AcademyOrder | None:
    """Record on the school's academy order the sponsor trust a brokerage advisory board approved (seed 003: the
    RSC identifies the most suitable trust to sponsor the school and brokers the relationship; brokerage scenario
    1). Called by brokerage, in the board decision's transaction, so the two apps cannot disagree.

    Inputs: the school, the officer recording the board's decision, the trust approved, the board's date, and
    `reference` (round and register decision) for the case's history. The order moves from issued to sponsor
    found; an order whose sponsor was already found takes the newly approved trust (the earlier one stays in the
    history). No decision is added to the register: the brokerage board's published decision is the record.
    Returns the order, or None when the school has no academy order that a sponsor can be recorded on (no order,
    or one revoked)."""
    if not (by.is_superuser or by.is_staff):
        _require_writer(by, school)
    order = (
        AcademyOrder.objects.select_for_update(of=("self",))  # sponsor_group is nullable: lock the order only
        .select_related("case__school", "sponsor_group")
        .filter(case__school=school, state__in=[AcademyOrderState.ISSUED, AcademyOrderState.SPONSOR_FOUND])
        .order_by("-issued_on", "-pk")
        .first()
    )
    if order is None or sponsor_group is None:
        return None
    if order.state == AcademyOrderState.SPONSOR_FOUND and order.sponsor_group_id == sponsor_group.pk:
        return order
    before = snapshot(order)
    previous = order.sponsor_group.name if order.sponsor_group_id else ""
    order.state = AcademyOrderState.SPONSOR_FOUND
    order.sponsor_group = sponsor_group
    order.sponsor_found_on = decided_on
    order.save(update_fields=["state", "sponsor_group", "sponsor_found_on", "modified_on"])
    note = f"{sponsor_group.name}: approved by the brokerage advisory board ({reference})"
    if previous:
        note += f", in place of {previous}"
    _event(
        order.case,
        by,
        "sponsor_found",
        from_state=order.case.state,
        note=note,
        data={"sponsor_group": sponsor_group.pk, "brokerage": reference, "previous": previous},
    )
    audit(obj=order, action="academy_order.sponsor_brokered", actor=by, before=before, note=note)
    return order


@transaction.atomic
def academy_order_revoke(*, order: AcademyOrder, by, reason: str) -> AcademyOrder:
    """Revoke an academy order in exceptional circumstances: significant, sustainable improvement (seed 003)."""
    if not reason.strip():
        raise ValidationFailed(
            "Give the exceptional circumstances.",
            extra={"errors": {"reason": ["Enter the reason for revoking"]}},
        )
    order, before = _order_step(order, "revoke", by)
    order.state = AcademyOrderState.REVOKED
    order.revoked_on = _today()
    order.revocation_reason = reason.strip()
    order.save(update_fields=["state", "revoked_on", "revocation_reason", "modified_on"])
    decision_create(
        by=by,
        subject=f"Academy order for {order.case.school.name} revoked",
        decision_type=DecisionType.ACADEMY_ORDER_REVOCATION,
        establishment=order.case.school,
        decided_by_name=by.public_body,
        decided_on=_today(),
        options_considered=["Continue the academy order", "Revoke the academy order"],
        criteria=["Significant improvement since the order", "Improvement likely to be sustained"],
        rationale=reason,
        source=order,
    )
    _event(order.case, by, "academy_order_revoked", from_state=order.case.state, note=reason.strip())
    audit(obj=order, action="academy_order.revoked", actor=by, before=before)
    return order
