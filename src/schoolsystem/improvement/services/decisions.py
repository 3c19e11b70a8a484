"""Writing open decisions (seed 003 proposal 7). The brokerage and accreditation apps call these too."""

from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from schoolsystem.accounts.constants import OFFICER_ROLES, Role
from schoolsystem.core.audit import audit, diff, snapshot
from schoolsystem.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from schoolsystem.core.rules import not_after_today
from schoolsystem.core.uploads import validate_upload_file
from schoolsystem.improvement import rules
from schoolsystem.improvement.constants import (
    DECISION_QUESTIONS,
    OUTCOME_HEADLINES,
    REDACTABLE_FIELDS,
    DecisionOutcome,
    DecisionStatus,
    DecisionType,
)
from schoolsystem.improvement.models import Decision

# Intervention and structural decisions about schools are the officers' (LA officer for maintained schools, regional
# officer for academies and academy orders). The decision maker (Secretary of State) records accreditation decisions.
DECISION_TYPE_ROLES: dict[str, frozenset[str]] = {
    DecisionType.ACCREDITATION: frozenset({Role.DECISION_MAKER}),
    # An academy order and its revocation are the regional officer's (for the Secretary of State: seed 003), so
    # they record, publish and attach minutes to them; the local authority sees them, but does not publish them.
    DecisionType.ACADEMY_ORDER: frozenset({Role.REGIONAL_OFFICER}),
    DecisionType.ACADEMY_ORDER_REVOCATION: frozenset({Role.REGIONAL_OFFICER}),
}


def can_record_decision(user, decision_type: str | None = None) -> bool:
    """The one rule for who records, publishes and attaches minutes to decisions, used by the pages and by the
    services. `decision_type` None (or not a known type): the types the improvement pages offer, intervention
    and structural decisions, which are the officers'. `user` None is the system itself (demo loader, imports)."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if decision_type not in DecisionType.values:
        decision_type = DecisionType.INTERVENTION
    return user.role in DECISION_TYPE_ROLES.get(decision_type, OFFICER_ROLES)


def _require_can_record(by, decision_type: str, doing: str) -> None:
    if not can_record_decision(by, decision_type):
        kind = DecisionType(decision_type).label.lower() if decision_type in DecisionType.values else "these"
        raise PermissionDenied(f"You may not {doing} {kind} decisions.")


def _fields(decision: Decision) -> dict:
    # The minutes file is recorded by name (a FieldFile is not JSON); every other field as it is.
    names = [f.attname for f in Decision._meta.concrete_fields if f.name != "minutes"]
    return {**snapshot(decision, names), "minutes": decision.minutes.name or ""}


def _outcome_of(outcome: str | None, source) -> str:
    """The outcome given, else the source record's own outcome when it has one of the four (a brokerage board
    decision), else an approval (a decision taken through a case is the decision itself)."""
    if outcome:
        return outcome
    source_outcome = getattr(source, "outcome", None)
    if source_outcome in DecisionOutcome.values:
        return source_outcome
    return DecisionOutcome.APPROVED


def _clean_list(values: Iterable[str]) -> list[str]:
    return [str(v).strip() for v in values if str(v).strip()]


def _names_a_user(text: str) -> bool:
    """Whether `text` is a user's full name or username: the public register names the role or body that
    decided, never a person (their name stays in the audit and the internal pages)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q, Value
    from django.db.models.functions import Concat, Lower, Trim

    wanted = " ".join(text.split()).lower()
    return (
        get_user_model()
        .objects.annotate(full=Lower(Trim(Concat("first_name", Value(" "), "last_name"))))
        .filter(Q(full=wanted) | Q(username__iexact=wanted))
        .exists()
    )


@transaction.atomic
def decision_create(
    *,
    by,
    subject: str,
    decision_type: str,
    establishment=None,
    decided_by_name: str,
    decided_on: date,
    options_considered: list[str],
    criteria: list[str],
    rationale: str,
    consultation_outcome: str = "",
    source=None,
    outcome: str | None = None,
) -> Decision:
    """Record a decision (unpublished). Who decided, when, the options considered, the criteria applied and why.

    `source` is the record the decision is about (a case, an academy order, a brokerage match), kept as a generic
    reference. Decisions are published separately (`decision_publish`), possibly with redactions. `outcome` is
    approved, declined, deferred or withdrawn (by default the source's own outcome, else approved). The decision
    date cannot be in the future."""
    _require_can_record(by, decision_type, "record")
    outcome = _outcome_of(outcome, source)
    errors: dict[str, list[str]] = {}
    if not subject.strip():
        errors["subject"] = ["Enter what the decision is about"]
    if decision_type not in DecisionType.values:
        errors["decision_type"] = ["Choose a decision type"]
    if not decided_by_name.strip():
        errors["decided_by_name"] = ["Enter who decided"]
    elif _names_a_user(decided_by_name):
        errors["decided_by_name"] = [
            "Enter the role or body that decided, such as Wealdshire local authority, not a person's name: "
            "the register is public."
        ]
    if not isinstance(decided_on, date):
        errors["decided_on"] = ["Enter the date of the decision"]
    elif future := not_after_today(decided_on, today=timezone.localdate(), what=rules.DECIDED_ON):
        errors["decided_on"] = [future]
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = ["Choose the outcome: approved, declined, deferred or withdrawn"]
    if not _clean_list(options_considered):
        errors["options_considered"] = ["List at least one option considered"]
    if not _clean_list(criteria):
        errors["criteria"] = ["List at least one criterion applied"]
    if not rationale.strip():
        errors["rationale"] = ["Explain the reasons for the decision"]
    if errors:
        raise ValidationFailed("The decision is incomplete.", extra={"errors": errors})
    decision = Decision(
        reference="",
        subject=subject.strip(),
        decision_type=decision_type,
        establishment=establishment,
        la=establishment.la if establishment is not None else None,
        decided_by_name=decided_by_name.strip(),
        decided_on=decided_on,
        outcome=outcome,
        options_considered=_clean_list(options_considered),
        criteria=_clean_list(criteria),
        rationale=rationale.strip(),
        consultation_outcome=consultation_outcome.strip(),
        created_by=by,
    )
    if source is not None:
        decision.source_type = ContentType.objects.get_for_model(source)
        decision.source_id = str(source.pk)
    decision.save()
    decision.reference = f"DEC-{decision.pk:06d}"
    decision.save(update_fields=["reference"])
    audit(
        obj=decision,
        action="decision.created",
        actor=by,
        actor_label="" if by else "system",
        changes=diff({}, _fields(decision)),
    )
    return decision


def _validate_redactions(decision: Decision, redactions: Iterable[dict]) -> list[dict]:
    """Each redaction: the field, what was withheld and why (published), and optionally the exact `passage` of the
    field to withhold (never published); without a passage the whole field is withheld."""
    cleaned, problems = [], []
    for i, r in enumerate(redactions):
        field = str(r.get("field", "")).strip()
        withheld = str(r.get("withheld", "")).strip()
        reason = str(r.get("reason", "")).strip()
        passage = str(r.get("passage", "") or "").strip()
        if field not in REDACTABLE_FIELDS:
            problems.append(f"Redaction {i + 1}: choose a field from {', '.join(REDACTABLE_FIELDS)}.")
        elif rules.passage_missing(getattr(decision, field), passage):
            problems.append(
                f"Redaction {i + 1}: the passage to withhold is not in the {field.replace('_', ' ')}."
            )
        if not withheld:
            problems.append(f"Redaction {i + 1}: say what was withheld.")
        if not reason:
            problems.append(f"Redaction {i + 1}: give the reason it was withheld.")
        item = {"field": field, "withheld": withheld, "reason": reason}
        if passage:
            item["passage"] = passage
        cleaned.append(item)
    if problems:
        raise ValidationFailed("The redactions are incomplete.", extra={"errors": {"redactions": problems}})
    return cleaned


def public_redactions(decision: Decision) -> list[dict]:
    """What the public sees of each redaction: the field, what was withheld and why (never the passage itself)."""
    return [{k: r[k] for k in ("field", "withheld", "reason")} for r in decision.redactions or []]


def public_values(decision: Decision, redactions: list[dict] | None = None) -> dict[str, object]:
    """The decision's text as the public sees it: a withheld passage replaced by "[Withheld: <reason>]" where it
    stands, and a field redacted without a passage replaced whole by that marker. `redactions`: those to preview
    instead of the decision's own (before it is published)."""
    out: dict[str, object] = {}
    by_field: dict[str, list[dict]] = {}
    for r in (decision.redactions or []) if redactions is None else redactions:
        by_field.setdefault(r["field"], []).append(r)
    for name in REDACTABLE_FIELDS:
        value = getattr(decision, name)
        redactions = by_field.get(name, [])
        if any(not r.get("passage") for r in redactions):
            marker = f"[Withheld: {next(r['reason'] for r in redactions if not r.get('passage'))}]"
            out[name] = [marker] if isinstance(value, list) else marker
            continue
        texts = rules.field_texts(value)
        for r in redactions:
            texts = [t.replace(r["passage"], f"[Withheld: {r['reason']}]") for t in texts]
        out[name] = texts if isinstance(value, list) else (texts[0] if redactions else value)
    return out


def public_headline(decision: Decision, values: dict | None = None) -> str:
    """The register's headline: the (published) subject, worded by the outcome so that a decision that is not an
    approval never reads as a match ("Deferred, no decision yet: School: Trust")."""
    subject = (values if values is not None else public_values(decision))["subject"]
    prefix = OUTCOME_HEADLINES.get(decision.outcome)
    return f"{prefix}: {subject}" if prefix else str(subject)


def _public_text(decision: Decision) -> str:
    values = public_values(decision)
    parts: list[str] = [decision.reference, decision.get_outcome_display()]
    for value in values.values():
        parts.extend(value if isinstance(value, list) else [str(value)])
    if decision.establishment_id:
        parts += [decision.establishment.name, str(decision.establishment.urn)]
    return "\n".join(parts)


@transaction.atomic
def decision_publish(*, by, decision: Decision, redactions: Iterable[dict] = ()) -> Decision:
    """Publish a decision on the public register, with explicit redactions (what was withheld and why)."""
    _require_can_record(by, decision.decision_type, "publish")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.PUBLISHED:
        raise InvalidTransition("This decision is already published.")
    before = _fields(decision)
    decision.redactions = _validate_redactions(decision, redactions)
    decision.status = DecisionStatus.PUBLISHED
    decision.published_on = timezone.now()
    decision.published_by = by
    decision.public_text = _public_text(decision)
    decision.save(update_fields=["redactions", "status", "published_on", "published_by", "public_text"])
    audit(
        obj=decision, action="decision.published", actor=by, actor_label="" if by else "system", before=before
    )
    _supersede_standing(by=by, decision=decision)
    return decision


def _supersede_standing(*, by, decision: Decision) -> None:
    """One live answer per school and question, said explicitly (the register names the later decision), audited:
    publishing an approval supersedes any standing approval of the same question for the same school; publishing
    any decision supersedes a standing deferral of it (a deferral means "no decision yet", so the later decision
    answers it)."""
    question = DECISION_QUESTIONS.get(decision.decision_type)
    if question is None or decision.establishment_id is None:
        return
    replaced = [DecisionOutcome.DEFERRED]
    if decision.outcome == DecisionOutcome.APPROVED:
        replaced.append(DecisionOutcome.APPROVED)
    same_question = [t for t, q in DECISION_QUESTIONS.items() if q == question]
    standing = (
        Decision.objects.select_for_update()
        .filter(
            establishment_id=decision.establishment_id,
            decision_type__in=same_question,
            status=DecisionStatus.PUBLISHED,
            outcome__in=replaced,
            superseded_by__isnull=True,
        )
        .exclude(pk=decision.pk)
    )
    for old in standing:
        old.superseded_by = decision
        old.save(update_fields=["superseded_by", "modified_on"])
        audit(
            obj=old,
            action="decision.superseded",
            actor=by,
            actor_label="" if by else "system",
            changes={"superseded_by": [None, decision.reference]},
            note=f"Superseded by {decision.reference}, a later decision for the same school.",
        )


@transaction.atomic
def decision_attach_minutes(*, by, decision: Decision, file) -> Decision:
    """Attach the minutes of the meeting that took the decision (published with it)."""
    _require_can_record(by, decision.decision_type, "attach minutes to")
    if not file or not getattr(file, "name", ""):
        raise ValidationFailed("Choose a file of minutes.", extra={"errors": {"file": ["Choose a file"]}})
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    validate_upload_file(file)  # minutes are published to anyone: only real documents of the allowed types
    before = decision.minutes.name or ""
    decision.minutes.save(file.name.rsplit("/", 1)[-1], file, save=False)
    decision.save(update_fields=["minutes"])
    audit(
        obj=decision,
        action="decision.minutes_attached",
        actor=by,
        changes={"minutes": [before, decision.minutes.name]},
    )
    return decision
