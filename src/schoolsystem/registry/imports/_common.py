"""Shared steps of the GIAS importers: batched reads by key, vectorised change detection, audit events without
a query per row, group upsert and membership sync.

Nothing here issues a query per row: existing rows are fetched once in chunks of keys, compared as DataFrames,
and written with bulk_create / bulk_update in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from schoolsystem.core.audit import _plain, audit_many, build_event
from schoolsystem.core.db import CHUNK, chunks
from schoolsystem.core.imports import ImportContext
from schoolsystem.engines.tabular import CellError
from schoolsystem.registry.models import Establishment, Group, Membership

BATCH = 1000


def fetch_values(
    queryset: models.QuerySet, key: str, keys: Sequence[Any], fields: Sequence[str]
) -> pd.DataFrame:
    """Rows of `queryset` whose `key` (one of `fields`) is in `keys`, as a DataFrame of `fields`.

    One query per 5,000 keys; but when the keys are more than 5,000 and the table holds at most twice as many
    rows (a national file re-imported), one query for the whole table, filtered here, is several times faster
    than building and running the `IN (...)` lists. Rows come as tuples (dicts per row cost a third more)."""
    keys = list(keys)
    fields = list(fields)
    if len(keys) > CHUNK and queryset.count() <= 2 * len(keys):
        frame = _as_read(list(queryset.values_list(*fields)), fields)
        return frame[frame[key].isin(keys)].reset_index(drop=True)
    rows: list[tuple] = []
    for part in chunks(keys):
        rows.extend(queryset.filter(**{f"{key}__in": part}).values_list(*fields))
    return _as_read(rows, fields)


def _as_read(rows: list[tuple], fields: list[str]) -> pd.DataFrame:
    """The values as the database gave them (object columns: None stays None, 11 stays 11). Inferring dtypes made
    an integer column with a NULL into floats, so a school's age range filled in by a later file was audited as
    [NaN, 11]: invalid JSON, and the import failed (found by fuzzing)."""
    return pd.DataFrame(rows, columns=fields, dtype=object)


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Object dtype with every missing value (NaN, NaT, pd.NA) as None, as the ORM returns them."""
    out = frame.astype(object)
    return out.where(frame.notna(), None)


def changed_cells(new: pd.DataFrame, old: pd.DataFrame, fields: Sequence[str]) -> pd.DataFrame:
    """Boolean frame (rows of `new`, columns `fields`): True where the value differs from `old` (same index).
    None equals None; 3 equals 3.0."""
    result = {}
    for f in fields:
        a, b = new[f], old[f]
        both_missing = a.isna().to_numpy() & b.isna().to_numpy()
        x, y = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
        equal = x == y  # numpy's loop calls == per cell, about 5x faster than a generator
        if not isinstance(equal, np.ndarray) or equal.dtype != bool:  # a cell compared to something odd
            equal = np.fromiter((u == v for u, v in zip(x, y, strict=True)), dtype=bool, count=len(x))
        result[f] = ~(equal | both_missing)
    return pd.DataFrame(result, index=new.index)


def blank_required(frame: pd.DataFrame, columns: dict[str, str], name: str) -> list[CellError]:
    """Cells that must have a value (key parts that `validate` only checks for a schema's single key)."""
    errors = []
    for field_name, header in columns.items():
        col = frame[field_name]
        missing = col.isna().to_numpy() | (col.astype(str).str.strip() == "").to_numpy()
        for idx in np.flatnonzero(missing)[:50]:
            errors.append(CellError(name, int(frame.index[idx]) + 2, header, "is blank but is required"))
    return errors


class Auditor:
    """Collects AuditEvents for one import and writes them in bulk at the end (same transaction)."""

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.events: list = []
        self._types: dict[type, ContentType] = {}

    def add(self, obj: models.Model, action: str, changes: dict[str, list[Any]] | None = None) -> None:
        model = type(obj)
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False)
        self.events.append(
            build_event(
                obj=obj,
                action=action,
                actor=self.ctx.user,
                actor_label=self.ctx.actor_label,
                changes=changes or {},
                import_record=self.ctx.record,
                content_type=self._types[model],
                note=f"from {self.ctx.name}",
            )
        )

    def flush(self) -> int:
        written = audit_many(self.events)
        self.events = []
        return written


def created_changes(values: dict[str, Any]) -> dict[str, list[Any]]:
    """{"field": [None, value]} for the non-blank values of a new row."""
    return {k: [None, _plain(v)] for k, v in values.items() if v not in (None, "")}


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], ctx, desc: str
) -> None:
    """INSERT many rows with one `executemany` per batch, bypassing model instances.

    For the tens of thousands of new rows of a national file, building model objects and letting the ORM prepare
    every cell costs ~20x the parse time; here each column is prepared once per distinct value (dates,
    datetimes, booleans) or passed through (strings, numbers), which is what the ORM would send. Callers give every
    NOT NULL column (auto_now fields included)."""
    conn = connection_for(model)
    cols = [model._meta.get_field(f) for f in fields]
    # Dates, datetimes and booleans need the backend's preparation; they repeat across rows, so each distinct
    # value is prepared once. Other columns go as they are.
    prepare = [isinstance(field, models.DateField | models.BooleanField) for field in cols]
    table = conn.ops.quote_name(model._meta.db_table)
    names = ", ".join(conn.ops.quote_name(f.column) for f in cols)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(cols))})"
    with ctx.bar(total=len(rows), desc=desc) as bar, conn.cursor() as cursor:
        for part in chunks(rows, 2000):
            columns = list(zip(*part, strict=True))
            columns = [
                _prepared(col, field, conn) if needed else col
                for col, field, needed in zip(columns, cols, prepare, strict=True)
            ]
            cursor.executemany(sql, list(zip(*columns, strict=True)))
            bar.update(len(part))


def _prepared(values: Sequence[Any], field: models.Field, conn) -> list:
    """`values` as the backend takes them for `field`, each distinct value prepared once."""
    cache = {v: field.get_db_prep_save(v, conn) for v in set(values) if v is not None}
    cache[None] = None
    return [cache[v] for v in values]


def connection_for(model: type[models.Model]):
    from django.db import connections, router

    return connections[router.db_for_write(model)]


def insert_events(events: Sequence[tuple[Any, str, str, dict]], ctx, content_type: ContentType) -> None:
    """Write creation AuditEvents (object pk, repr, action, changes) for rows inserted by `insert_rows`, with the
    same columns `core.audit.build_event` fills."""
    import json

    from schoolsystem.core.models import AuditEvent

    now = timezone.now()
    actor = ctx.user if getattr(ctx.user, "pk", None) else None
    label = ctx.actor_label or ("" if actor else "system")
    record = ctx.record.pk if ctx.record else None
    note = f"from {ctx.name}"
    fields = [
        "occurred_on",
        "actor",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "changes",
        "note",
        "import_record",
    ]
    rows = [
        (
            now,
            actor.pk if actor else None,
            label,
            action,
            content_type.pk,
            str(pk),
            repr_[:300],
            json.dumps(changes),
            note,
            record,
        )
        for pk, repr_, action, changes in events
    ]
    # `changes` is already JSON text: insert it as is (JSONField would encode it a second time).
    insert_rows(AuditEvent, fields, rows, ctx, "history")


def bulk_create(model: type[models.Model], objs: list, ctx: ImportContext, desc: str) -> list:
    with ctx.bar(total=len(objs), desc=desc) as bar:
        for part in chunks(objs, BATCH):
            model.objects.bulk_create(part)
            bar.update(len(part))
    return objs


def bulk_update(
    model: type[models.Model], objs: list, fields: Iterable[str], ctx: ImportContext, desc: str
) -> None:
    fields = sorted(set(fields))
    if not objs or not fields:
        return
    with ctx.bar(total=len(objs), desc=desc) as bar:
        for part in chunks(objs, 500):
            model.objects.bulk_update(part, fields)
            bar.update(len(part))


# --- groups -----------------------------------------------------------------------------------------------------

GROUP_FIELDS = (
    "group_id",
    "name",
    "group_type",
    "companies_house_number",
    "status",
    "opened_on",
    "closed_on",
    "head_office_postcode",
    "head_name",
)


def upsert_groups(frame: pd.DataFrame, ctx: ImportContext, auditor: Auditor, counts) -> dict[int, int]:
    """Create or update groups from GIAS group rows (uid plus any of GROUP_FIELDS present in `frame`).

    Matching: by UID; else a group without a UID of the same type and name (case-insensitive), e.g. one the
    establishment file created from "Trusts (name)", which then takes the UID. Returns {uid: group pk}.
    Counts go into `counts` (created / updated / unchanged / closed).
    """
    from schoolsystem.engines.gias import group_key

    fields = [f for f in GROUP_FIELDS if f in frame.columns]
    frame = as_objects(frame.drop_duplicates("uid").set_index("uid", drop=False))
    existing = fetch_values(Group.objects.all(), "uid", list(frame.index), ["id", "uid", *fields]).set_index(
        "uid"
    )
    unmatched = frame.index.difference(existing.index)
    adopted: dict[int, int] = {}
    if len(unmatched):
        spare = {}
        types = set(frame.loc[unmatched, "group_type"])
        for row in Group.objects.filter(uid__isnull=True, group_type__in=types).values(
            "id", "name", "group_type"
        ):
            spare.setdefault((group_key(row["name"]), row["group_type"]), row["id"])
        for uid in unmatched:
            gid = spare.pop((group_key(frame.at[uid, "name"]), frame.at[uid, "group_type"]), None)
            if gid is not None:
                adopted[uid] = gid
        if adopted:
            more = fetch_values(Group.objects.all(), "id", list(adopted.values()), ["id", "uid", *fields])
            more["uid"] = more["id"].map({v: k for k, v in adopted.items()})
            more = more.set_index("uid")
            existing = more if existing.empty else pd.concat([existing, more])
    ids = {int(uid): int(gid) for uid, gid in existing["id"].items()}
    # Updates
    common = frame.index.intersection(existing.index)
    now = timezone.now()
    to_update, changed_fields = [], set()
    if len(common):
        new, old = frame.loc[common], existing.loc[common]
        diff = changed_cells(new, old, fields)
        adopted_mask = pd.Series(common.isin(list(adopted)), index=common)
        for uid in common:
            row_diff = [f for f in fields if diff.at[uid, f]]
            if not row_diff and not adopted_mask[uid]:
                counts.unchanged += 1
                continue
            values = {f: new.at[uid, f] for f in fields}
            group = Group(id=int(old.at[uid, "id"]), uid=int(uid), modified_on=now, **values)
            changes = {f: [_plain(old.at[uid, f]), _plain(new.at[uid, f])] for f in row_diff}
            if adopted_mask[uid]:
                changes["uid"] = [None, int(uid)]
            to_update.append(group)
            changed_fields.update(row_diff)
            if adopted_mask[uid]:
                changed_fields.add("uid")
            if "status" in row_diff and values.get("status") == "closed":
                counts.closed += 1
                auditor.add(group, "group.closed", changes)
            else:
                counts.updated += 1
                auditor.add(group, "group.updated", changes)
    bulk_update(Group, to_update, [*changed_fields, "modified_on"], ctx, "groups (update)")
    # Creations
    created = []
    for uid in frame.index.difference(existing.index):
        values = {f: frame.at[uid, f] for f in fields}
        values = {
            k: ("" if v is None and k not in {"opened_on", "closed_on"} else v) for k, v in values.items()
        }
        created.append(Group(uid=int(uid), **values))
    bulk_create(Group, created, ctx, "groups (new)")
    for group in created:
        ids[group.uid] = group.pk
        auditor.add(
            group,
            "group.created",
            created_changes({"uid": group.uid, **{f: getattr(group, f) for f in fields}}),
        )
    counts.created += len(created)
    return ids


class EstablishmentRef(NamedTuple):
    """An establishment's pk, URN and name: enough for FKs and audit labels (model instances cost ~100x more to
    build, which shows at 25,000 rows)."""

    pk: int
    urn: int
    name: str

    def stub(self) -> Establishment:
        return Establishment(id=self.pk, urn=self.urn, name=self.name)


def establishment_stubs(urns: Iterable[int]) -> dict[int, EstablishmentRef]:
    """{URN: EstablishmentRef} for the URNs in the registry, in one query per 5,000 URNs."""
    frame = fetch_values(Establishment.objects.all(), "urn", list(urns), ["id", "urn", "name"])
    return {
        int(u): EstablishmentRef(int(i), int(u), n)
        for i, u, n in zip(frame["id"], frame["urn"], frame["name"], strict=True)
    }


def sync_memberships(
    *,
    wanted: dict[tuple[int, int], date | None],
    scope: models.Q,
    establishments: dict[int, EstablishmentRef],
    groups: dict[int, Group],
    ctx: ImportContext,
    auditor: Auditor,
    only_establishments: set[int] | None = None,
) -> dict[str, int]:
    """Make the current memberships within `scope` exactly `wanted` ({(establishment pk, group pk): joined_on}).

    New pairs start a membership; pairs no longer listed are ended (left_on = today), never deleted, so the
    school's history of groups is kept; a changed joined date is corrected. `only_establishments` narrows the
    scope to those schools (a school missing from a newer file keeps its memberships). Returns counts by action.
    """
    today = timezone.localdate()
    current = list(
        Membership.objects.filter(scope, left_on__isnull=True).values(
            "id", "establishment_id", "group_id", "joined_on"
        )
    )
    if only_establishments is not None:
        current = [m for m in current if m["establishment_id"] in only_establishments]
    by_est = {e.pk: e for e in establishments.values()}
    have = {(m["establishment_id"], m["group_id"]): m for m in current}
    result = {"started": 0, "ended": 0, "updated": 0}

    def stub(m_id, est_id, group_id, **values):
        membership = Membership(id=m_id, establishment_id=est_id, group_id=group_id, **values)
        if est_id in by_est:
            membership.establishment = by_est[est_id].stub()
        if group_id in groups:
            membership.group = groups[group_id]
        return membership

    ended, corrected = [], []
    for pair, m in have.items():
        if pair not in wanted:
            membership = stub(
                m["id"], *pair, joined_on=m["joined_on"], left_on=today, modified_on=timezone.now()
            )
            ended.append(membership)
            auditor.add(membership, "membership.ended", {"left_on": [None, today.isoformat()]})
        elif wanted[pair] is not None and wanted[pair] != m["joined_on"]:
            membership = stub(m["id"], *pair, joined_on=wanted[pair], modified_on=timezone.now())
            corrected.append(membership)
            auditor.add(
                membership,
                "membership.updated",
                {"joined_on": [_plain(m["joined_on"]), _plain(wanted[pair])]},
            )
    bulk_update(Membership, ended, ["left_on", "modified_on"], ctx, "memberships (ended)")
    bulk_update(Membership, corrected, ["joined_on", "modified_on"], ctx, "memberships (updated)")
    new = [(pair, joined) for pair, joined in wanted.items() if pair not in have]
    if new:
        now = timezone.now()
        rows = [(e, g, "member", joined, None, now, now) for (e, g), joined in new]
        fields = ["establishment", "group", "role", "joined_on", "left_on", "created_on", "modified_on"]
        insert_rows(Membership, fields, rows, ctx, "memberships (new)")
        pks = {
            (m["establishment_id"], m["group_id"]): m["id"]
            for m in Membership.objects.filter(scope, left_on__isnull=True).values(
                "id", "establishment_id", "group_id"
            )
        }
        events = []
        for (e, g), joined in new:
            changes = {"group": [None, g]}
            if joined:
                changes["joined_on"] = [None, joined.isoformat()]
            label = f"{by_est[e].name if e in by_est else e} in {groups[g].name if g in groups else g}"
            events.append((pks[(e, g)], label, "membership.started", changes))
        insert_events(events, ctx, ContentType.objects.get_for_model(Membership))
    result.update(started=len(new), ended=len(ended), updated=len(corrected))
    return result
