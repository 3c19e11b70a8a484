"""`schoolsystem import partnerships FILE`: informal partnerships and their members from a CSV (docs/data-formats.md).

One row is one school's membership of one partnership. A partnership is named by (group_name, group_type,
la_code); it is created when no open one of that name, type and LA exists. A row matches a recorded membership by
(partnership, URN, joined_on): a new leaving date ends it, otherwise it is unchanged; unmatched rows add a membership
(and end it at once when left_on is given). Every write goes through registry.services, so the rules and the audit
log are those of the pages and the API. All or nothing: any bad row and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd

from schoolsystem.core.errors import ApplicationError
from schoolsystem.core.imports import Counts, ImportContext, ImportFailed, ImportPipeline, register
from schoolsystem.engines.tabular import CellError, Column, Schema, TableError, read_csv, records, validate
from schoolsystem.registry import services
from schoolsystem.registry.constants import GroupStatus, GroupType, MembershipRole
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership

ISO_DATE = "%Y-%m-%d"

INFORMAL_TYPES = sorted(str(t) for t in services.INFORMAL_GROUP_TYPES)

SCHEMA = Schema(
    source="partnerships",
    columns=(
        Column("group_name"),
        Column("group_type", kind="code", allowed=frozenset(INFORMAL_TYPES)),
        Column("la_code"),
        Column("urn", kind="int"),
        Column("role", kind="code", allowed=frozenset(MembershipRole.values), required=False),
        Column("joined_on", kind="date", date_format=ISO_DATE),
        Column("left_on", kind="date", date_format=ISO_DATE, required=False),
        Column("description", required=False),
    ),
)


def normalise_codes(frame: pd.DataFrame, column: str, labels: dict[str, str]) -> None:
    """Accept a choice's code or its label in any case ("Teaching school alliance" -> teaching_school_alliance);
    anything else is left as written so validation reports it."""
    lookup = {k.lower(): v for k, v in labels.items()}
    frame[column] = [lookup.get(v.strip().lower(), v) for v in frame[column]]


def choice_labels(choices) -> dict[str, str]:
    return {**{c.value: c.value for c in choices}, **{c.label: c.value for c in choices}}


def blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


@contextmanager
def row_errors(name: str, row: int, columns: dict[str, str]) -> Iterator[None]:
    """Turn a service's refusal into an import error naming the file, row and column."""
    try:
        yield
    except ApplicationError as exc:
        fields = list((exc.extra.get("errors") or {}).keys())
        column = next((columns.get(f, f) for f in fields), None)
        raise TableError([CellError(name, row, column, exc.message)]) from exc


def lookup_errors(
    name: str, rows: list[dict], field: str, column: str, known: set, message: Callable[[object], str]
) -> list[CellError]:
    return [
        CellError(name, r["_row"], column, message(r[field]))
        for r in rows
        if not blank(r[field]) and r[field] not in known
    ]


@register("partnerships")
class PartnershipImport(ImportPipeline):
    schema = SCHEMA

    def parse(self, path, year, name):
        schema = self.schema_for(year)
        frame = read_csv(path, schema, encoding=self.encoding, name=name)
        normalise_codes(frame, "group_type", choice_labels(GroupType))
        normalise_codes(frame, "role", choice_labels(MembershipRole))
        return validate(frame, schema, name=name)

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        rows = self._rows(frame)
        errors: list[CellError] = []
        for r in rows:
            for field in ("group_name", "group_type", "urn", "joined_on"):
                if blank(r[field]):
                    errors.append(CellError(ctx.name, r["_row"], field, "is blank but is required"))
            if not blank(r["left_on"]) and not blank(r["joined_on"]) and r["left_on"] < r["joined_on"]:
                errors.append(
                    CellError(
                        ctx.name, r["_row"], "left_on", f"{r['left_on']} is before joined_on {r['joined_on']}"
                    )
                )
        urns = {int(r["urn"]) for r in rows if not blank(r["urn"])}
        known_urns = set(Establishment.objects.filter(urn__in=urns).values_list("urn", flat=True))
        errors += lookup_errors(
            ctx.name, rows, "urn", "urn", known_urns, lambda v: f"no establishment has URN {v}"
        )
        codes = {r["la_code"] for r in rows if r["la_code"]}
        known_las = set(LocalAuthority.objects.filter(code__in=codes).values_list("code", flat=True))
        errors += lookup_errors(
            ctx.name, rows, "la_code", "la_code", known_las, lambda v: f"no local authority has code {v!r}"
        )
        seen: dict[tuple, int] = {}
        for r in rows:
            if blank(r["left_on"]) and not blank(r["urn"]):
                key = (r["group_name"].lower(), r["group_type"], r["la_code"], int(r["urn"]))
                if key in seen:
                    errors.append(
                        CellError(
                            ctx.name,
                            r["_row"],
                            "urn",
                            f"URN {key[3]} is a current member of {r['group_name']} twice (also on row {seen[key]})",
                        )
                    )
                seen.setdefault(key, r["_row"])
        if errors:
            errors.sort(key=lambda e: (e.row or 0, e.column or ""))
            raise TableError(errors)

    def _rows(self, frame: pd.DataFrame) -> list[dict]:
        rows = records(frame)
        for i, r in enumerate(rows):
            r["_row"] = i + 2  # spreadsheet row: the header is row 1
            r["la_code"] = (r["la_code"] or "").strip()
        return rows

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        try:
            return self._write(frame, ctx)
        except TableError as exc:
            raise ImportFailed(exc.errors) from exc

    def _write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        rows = self._rows(frame)
        counts = Counts()
        by, label = ctx.user, ctx.actor_label
        las = {la.code: la for la in LocalAuthority.objects.filter(code__in={r["la_code"] for r in rows})}
        schools = {e.urn: e for e in Establishment.objects.filter(urn__in={int(r["urn"]) for r in rows})}
        groups: dict[tuple, Group] = {}
        made = 0
        # Past memberships first, so a school that left and rejoined ends its old tie before the new one starts.
        for r in sorted(rows, key=lambda r: (blank(r["left_on"]), r["joined_on"], r["_row"])):
            key = (r["group_name"].lower(), r["group_type"], r["la_code"])
            la = las.get(r["la_code"])
            columns = {"name": "group_name", "establishment": "urn", "la": "la_code", "closed_on": "left_on"}
            with row_errors(ctx.name, r["_row"], columns):
                if key not in groups:
                    group = (
                        Group.objects.filter(
                            name__iexact=r["group_name"],
                            group_type=r["group_type"],
                            la=la,
                            status=GroupStatus.OPEN,
                        )
                        .order_by("pk")
                        .first()
                    )
                    if group is None:
                        group = services.partnership_create(
                            by=by,
                            name=r["group_name"],
                            group_type=r["group_type"],
                            la=la,
                            description=r["description"] or "",
                            actor_label=label,
                        )
                        made += 1
                    groups[key] = group
                group = groups[key]
                school = schools[int(r["urn"])]
                existing = Membership.objects.filter(
                    group=group, establishment=school, joined_on=r["joined_on"]
                ).first()
                if existing is None:
                    membership = services.membership_add(
                        by=by,
                        group=group,
                        establishment=school,
                        role=r["role"] or MembershipRole.MEMBER,
                        joined_on=r["joined_on"],
                        actor_label=label,
                    )
                    if not blank(r["left_on"]):
                        services.membership_end(
                            by=by, membership=membership, left_on=r["left_on"], actor_label=label
                        )
                    counts.created += 1
                elif existing.left_on is None and not blank(r["left_on"]):
                    services.membership_end(
                        by=by, membership=existing, left_on=r["left_on"], actor_label=label
                    )
                    counts.closed += 1
                elif existing.left_on != (None if blank(r["left_on"]) else r["left_on"]):
                    raise TableError(
                        [
                            CellError(
                                ctx.name,
                                r["_row"],
                                "left_on",
                                f"this membership is recorded as left on {existing.left_on}: "
                                "a leaving date cannot be changed by import",
                            )
                        ]
                    )
                else:
                    counts.unchanged += 1
        ctx.notes.append(f"{made} partnership(s) created, {len(groups) - made} already recorded")
        return counts
