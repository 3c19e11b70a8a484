"""Writing the audit log. Every service that changes data calls one of these inside its transaction."""

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from schoolsystem.core.models import AuditEvent, ImportRecord


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value for the changes column."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, float) and not math.isfinite(value):  # NaN or inf is not JSON: a missing value
        return None
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Concrete field values of `obj` (FKs by id), for before/after comparison."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{"field": [old, new]} for each field whose value changed."""
    keys = dict.fromkeys([*before, *after])
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in keys
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def _event(
    *,
    obj: models.Model,
    action: str,
    actor=None,
    actor_label: str = "",
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    import_record: ImportRecord | None = None,
    content_type: ContentType | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or ("" if getattr(actor, "pk", None) else "system"),
        action=action,
        content_type=content_type or ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=dict(changes or {}),
        note=note,
        import_record=import_record,
    )


def audit(
    *,
    obj: models.Model,
    action: str,
    actor=None,
    actor_label: str = "",
    changes: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Record one change. Pass `before=snapshot(obj)` taken before the change to record old and new values."""
    if changes is None:
        changes = diff(before or {}, snapshot(obj)) if before is not None else {}
    event = _event(obj=obj, action=action, actor=actor, actor_label=actor_label, changes=changes, note=note)
    event.save()
    return event


def audit_many(events: Iterable[AuditEvent], batch_size: int = 2000) -> int:
    """Bulk-write prepared events (imports write thousands at once)."""
    created = AuditEvent.objects.bulk_create(list(events), batch_size=batch_size)
    return len(created)


def build_event(**kwargs) -> AuditEvent:
    """An unsaved AuditEvent, for `audit_many`. Same arguments as `audit` plus import_record/content_type."""
    return _event(**kwargs)


def history_for(obj: models.Model):
    """Audit events of one object, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")
