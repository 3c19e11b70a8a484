"""Writes of the performance app: rule sets, the risk screen run, soft intelligence and monitoring.
Every write is audited in its transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolsystem.accounts.scope import establishment_q
from schoolsystem.core.audit import audit, snapshot
from schoolsystem.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from schoolsystem.engines.risk import RuleError, flags_of, screen, validate_rules
from schoolsystem.performance.constants import SoftIntelligenceKind
from schoolsystem.performance.models import Monitoring, RiskResult, RuleSet, SoftIntelligence
from schoolsystem.registry.models import Establishment


def _actor_label(by) -> str:
    return "" if getattr(by, "pk", None) else "system"


@transaction.atomic
def rule_set_create(
    *, name: str, thresholds: dict[str, Any], notes: str = "", activate: bool = False, by
) -> RuleSet:
    """Store a new version of the risk thresholds (versions are never edited, so past screens stay reproducible)."""
    try:
        validate_rules(thresholds)
    except RuleError as exc:
        raise ValidationFailed(str(exc)) from exc
    last = RuleSet.objects.select_for_update().order_by("-version").first()
    # Numbered on from the last one stored, and never below the thresholds' own version (the defaults file is
    # version 2, its notes say what version 2 added: a page saying "v1" for it contradicted them).
    version = max((last.version + 1) if last else 1, int(thresholds.get("version") or 0))
    if activate:
        for old in RuleSet.objects.select_for_update().filter(is_active=True):
            old.is_active = False
            old.save(update_fields=["is_active", "modified_on"])
            audit(
                obj=old,
                action="risk.rule_set_deactivated",
                actor=by,
                actor_label=_actor_label(by),
                changes={"active": [True, False]},
            )
    rule_set = RuleSet.objects.create(
        name=name, version=version, thresholds=thresholds, notes=notes, is_active=activate
    )
    audit(
        obj=rule_set,
        action="risk.rule_set_created",
        actor=by,
        actor_label=_actor_label(by),
        changes={"version": [None, version], "active": [None, activate]},
    )
    return rule_set


@transaction.atomic
def risk_screen_run(
    *, establishments=None, rule_set: RuleSet | None = None, as_of: date | None = None, by
) -> int:
    """Screen the given establishments (default: every open state-funded school) with `rule_set` (default: the
    active one) and store one RiskResult per school, replacing that rule set's earlier results for them.
    Returns the number of schools screened. One audit event per run."""
    from schoolsystem.performance.selectors import active_rule_set, risk_input

    rule_set = rule_set or active_rule_set()
    if establishments is None:
        establishments = Establishment.objects.open().state_funded()
    frame = risk_input(establishments, as_of=as_of)
    if frame.empty:
        return 0
    screened = screen(frame, rule_set.thresholds, as_of or date.today())
    screened["establishment_id"] = frame["establishment_id"].to_numpy()
    RiskResult.objects.filter(
        rule_set=rule_set, establishment_id__in=frame["establishment_id"].tolist()
    ).delete()
    RiskResult.objects.bulk_create(
        [
            RiskResult(
                establishment_id=int(row["establishment_id"]),
                rule_set=rule_set,
                concern=row["concern"],
                majors=int(row["majors"]),
                minors=int(row["minors"]),
                flags=flags_of(row),
            )
            for row in screened.to_dict("records")
        ],
        batch_size=1000,
    )
    counts = screened["concern"].value_counts().to_dict()
    audit(
        obj=rule_set,
        action="risk.screen_run",
        actor=by,
        actor_label=_actor_label(by),
        changes={
            "schools": [None, len(screened)],
            "by_concern": [None, {k: int(v) for k, v in counts.items()}],
        },
    )
    return len(screened)


def _check_officer(by, establishment: Establishment) -> None:
    from schoolsystem.performance.selectors import can_record_intelligence

    if not can_record_intelligence(by):
        raise PermissionDenied("Only local authority and regional officers can do this.")
    if not Establishment.objects.filter(establishment_q(by), pk=establishment.pk).exists():
        raise NotFound("No such school in your area.")


@transaction.atomic
def soft_intelligence_record(
    *, establishment: Establishment, kind: str, noted_on: date, note: str = "", by
) -> SoftIntelligence:
    """An officer records something the data does not show (seed 001). It counts in the next risk screen."""
    _check_officer(by, establishment)
    if kind not in SoftIntelligenceKind.values:
        raise ValidationFailed(
            "Choose what kind of intelligence this is.", extra={"errors": {"kind": "Choose a kind"}}
        )
    if noted_on > timezone.localdate():
        raise ValidationFailed(
            "The date cannot be in the future.", extra={"errors": {"noted_on": "Date in the future"}}
        )
    item = SoftIntelligence.objects.create(
        establishment=establishment, kind=kind, noted_on=noted_on, note=note.strip(), recorded_by=by
    )
    audit(obj=item, action="risk.soft_intelligence_recorded", actor=by, before={})
    return item


@transaction.atomic
def soft_intelligence_withdraw(*, item: SoftIntelligence, reason: str, by) -> SoftIntelligence:
    """An officer withdraws an item recorded in error or found to be unfounded: it is kept, marked withdrawn with
    who and why, and no longer counts in the risk screen. Like recording one, it does not screen the school: the
    caller does, once (a page after each change; the demo after all of them)."""
    item = (
        SoftIntelligence.objects.select_for_update(of=("self",))
        .select_related("establishment")
        .get(pk=item.pk)
    )
    _check_officer(by, item.establishment)
    if item.withdrawn_on is not None:
        raise InvalidTransition("This intelligence has already been withdrawn.")
    if not reason.strip():
        raise ValidationFailed(
            "Enter why you are withdrawing this intelligence.", extra={"errors": {"reason": "Enter a reason"}}
        )
    before = snapshot(item)
    item.withdrawn_on, item.withdrawn_by, item.withdrawn_reason = timezone.localdate(), by, reason.strip()
    item.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawn_reason", "modified_on"])
    audit(obj=item, action="risk.soft_intelligence_withdrawn", actor=by, before=before)
    return item


@transaction.atomic
def monitoring_start(*, establishment: Establishment, reason: str, by) -> Monitoring:
    """Mark a school for monitoring. One open monitoring per school."""
    _check_officer(by, establishment)
    if not reason.strip():
        raise ValidationFailed(
            "Say why the school is being monitored.", extra={"errors": {"reason": "Enter a reason"}}
        )
    Establishment.objects.select_for_update().filter(pk=establishment.pk).first()
    if Monitoring.objects.filter(establishment=establishment, ended_on__isnull=True).exists():
        raise InvalidTransition("This school is already being monitored.")
    item = Monitoring.objects.create(establishment=establishment, reason=reason.strip(), started_by=by)
    audit(obj=item, action="risk.monitoring_started", actor=by, before={})
    return item


@transaction.atomic
def monitoring_end(*, monitoring: Monitoring, by) -> Monitoring:
    monitoring = Monitoring.objects.select_for_update().get(pk=monitoring.pk)
    _check_officer(by, monitoring.establishment)
    if monitoring.ended_on is not None:
        raise InvalidTransition("Monitoring of this school has already ended.")
    before = snapshot(monitoring)
    monitoring.ended_on = timezone.localdate()
    monitoring.save(update_fields=["ended_on", "modified_on"])
    audit(obj=monitoring, action="risk.monitoring_ended", actor=by, before=before)
    return monitoring
