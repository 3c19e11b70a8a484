"""`schoolsystem import system-leaders FILE`: NLEs, LLEs, SLEs and NLGs from a CSV (docs/data-formats.md).

One row is one designation. A row matches a recorded leader by (name, designation, URN): changed values update it,
otherwise it is unchanged; unmatched rows create a leader. Writes go through registry.services (same rules and audit
log as the API). All or nothing: any bad row and nothing is written.
"""

from __future__ import annotations

import pandas as pd

from schoolsystem.core.imports import Counts, ImportContext, ImportFailed, ImportPipeline, register, too_long
from schoolsystem.engines.tabular import CellError, Column, Schema, TableError, read_csv, records, validate
from schoolsystem.registry import services
from schoolsystem.registry.constants import GroupType, SystemLeaderDesignation
from schoolsystem.registry.imports.partnerships import (
    ISO_DATE,
    blank,
    choice_labels,
    lookup_errors,
    normalise_codes,
    row_errors,
)
from schoolsystem.registry.models import Establishment, Group, SystemLeader

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}

SCHEMA = Schema(
    source="system-leaders",
    columns=(
        Column("name"),
        Column("designation", kind="code", allowed=frozenset(SystemLeaderDesignation.values)),
        Column("urn", kind="int"),
        Column("national_support_school", kind="code", allowed=frozenset(YES | NO), required=False),
        Column("specialism", required=False),
        Column("phase", required=False),
        Column("designated_on", kind="date", date_format=ISO_DATE, required=False),
        Column("designation_ends_on", kind="date", date_format=ISO_DATE, required=False),
        Column("days_per_term", kind="int", required=False),
        Column("teaching_school_alliance", required=False),
    ),
)

# Service field -> CSV column, for errors raised by the services.
COLUMNS = {"establishment": "urn"}


@register("system-leaders")
class SystemLeaderImport(ImportPipeline):
    schema = SCHEMA

    def parse(self, path, year, name):
        schema = self.schema_for(year)
        frame = read_csv(path, schema, encoding=self.encoding, name=name)
        normalise_codes(frame, "designation", choice_labels(SystemLeaderDesignation))
        frame["national_support_school"] = frame["national_support_school"].str.strip().str.lower()
        return validate(frame, schema, name=name)

    def _rows(self, frame: pd.DataFrame) -> list[dict]:
        rows = records(frame)
        for i, r in enumerate(rows):
            r["_row"] = i + 2
            r["name"] = (r["name"] or "").strip()
            r["teaching_school_alliance"] = (r["teaching_school_alliance"] or "").strip()
        return rows

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        rows = self._rows(frame)
        errors: list[CellError] = []
        for r in rows:
            if not r["name"]:
                errors.append(CellError(ctx.name, r["_row"], "name", "is blank but is required"))
            if blank(r["designation"]):
                errors.append(CellError(ctx.name, r["_row"], "designation", "is blank but is required"))
            elif blank(r["urn"]) and r["designation"] != SystemLeaderDesignation.NLG:
                errors.append(
                    CellError(
                        ctx.name,
                        r["_row"],
                        "urn",
                        f"an {r['designation']} is based at a school: give its URN",
                    )
                )
        urns = {int(r["urn"]) for r in rows if not blank(r["urn"])}
        known = set(Establishment.objects.filter(urn__in=urns).values_list("urn", flat=True))
        errors += lookup_errors(
            ctx.name, rows, "urn", "urn", known, lambda v: f"no establishment has URN {v}"
        )
        tsas = {r["teaching_school_alliance"].lower() for r in rows if r["teaching_school_alliance"]}
        known_tsas = {
            n.lower()
            for n in Group.objects.filter(group_type=GroupType.TEACHING_SCHOOL_ALLIANCE).values_list(
                "name", flat=True
            )
            if n.lower() in tsas
        }
        errors += [
            CellError(
                ctx.name,
                r["_row"],
                "teaching_school_alliance",
                f"no teaching school alliance is called {r['teaching_school_alliance']!r}",
            )
            for r in rows
            if r["teaching_school_alliance"] and r["teaching_school_alliance"].lower() not in known_tsas
        ]
        seen: dict[tuple, int] = {}
        for r in rows:
            key = (r["name"].lower(), r["designation"], r["urn"])
            if key in seen:
                errors.append(
                    CellError(
                        ctx.name, r["_row"], "name", f"{r['name']} appears twice (also on row {seen[key]})"
                    )
                )
            seen.setdefault(key, r["_row"])
        # PostgreSQL refused an over-long name, specialism or phase part-way through (found by fuzzing).
        errors += too_long(frame, SystemLeader, {c: c for c in ("name", "specialism", "phase")}, ctx.name)
        if errors:
            errors.sort(key=lambda e: (e.row or 0, e.column or ""))
            raise TableError(errors)

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        try:
            return self._write(frame, ctx)
        except TableError as exc:
            raise ImportFailed(exc.errors) from exc

    def _write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        rows = self._rows(frame)
        counts = Counts()
        schools = {
            e.urn: e
            for e in Establishment.objects.filter(
                urn__in={int(r["urn"]) for r in rows if not blank(r["urn"])}
            )
        }
        tsas = {
            g.name.lower(): g for g in Group.objects.filter(group_type=GroupType.TEACHING_SCHOOL_ALLIANCE)
        }
        for r in rows:
            school = None if blank(r["urn"]) else schools[int(r["urn"])]
            values = {
                "national_support_school": r["national_support_school"] in YES,
                "teaching_school_alliance": tsas.get(r["teaching_school_alliance"].lower()),
                "specialism": (r["specialism"] or "").strip(),
                "phase": (r["phase"] or "").strip(),
                "designated_on": r["designated_on"],
                "designation_ends_on": r["designation_ends_on"],
                "days_per_term": 0 if blank(r["days_per_term"]) else int(r["days_per_term"]),
            }
            existing = (
                SystemLeader.objects.filter(
                    name__iexact=r["name"], designation=r["designation"], establishment=school
                )
                .order_by("pk")
                .first()
            )
            with row_errors(ctx.name, r["_row"], COLUMNS):
                if existing is None:
                    services.system_leader_create(
                        by=ctx.user,
                        name=r["name"],
                        designation=r["designation"],
                        establishment=school,
                        actor_label=ctx.actor_label,
                        **values,
                    )
                    counts.created += 1
                    continue
                changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
                if changed:
                    services.system_leader_update(
                        by=ctx.user, leader=existing, actor_label=ctx.actor_label, **changed
                    )
                    counts.updated += 1
                else:
                    counts.unchanged += 1
        return counts
