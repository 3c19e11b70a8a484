"""`schoolsystem import gias-memberships FILE`: GIAS group links ("alllinksdata": which school is in which group).

Layout (GIAS "Group links" download): Group UID, Group ID, Group Name, Companies House Number, Group Type (code),
Group Type, Closed Date, Group Status (code), Group Status, Joined date, URN, EstablishmentName, then the school's
type/phase/LA columns (ignored). Groups are created or updated from their columns; each (URN, group) row is a current
membership with its joined date; a current membership of a group in the file that the file no longer lists is ended.
Rows naming a URN not in the registry (another LA's school) are skipped and counted in a note.
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Q

from schoolsystem.core.imports import Counts, ImportContext, ImportPipeline, raise_if, register, too_long
from schoolsystem.engines.tabular import CellError, Column, Schema
from schoolsystem.registry.imports._common import (
    Auditor,
    blank_required,
    establishment_stubs,
    sync_memberships,
    upsert_groups,
)
from schoolsystem.registry.imports.groups import GROUP_COLUMNS, LIMITS, REQUIRED_VALUES, group_values
from schoolsystem.registry.models import Group

SCHEMA = Schema(
    source="GIAS group links",
    columns=(
        *GROUP_COLUMNS,
        Column("Joined date", "date", required=True, to="joined_on"),
        Column("URN", "int", to="urn"),
        Column("EstablishmentName", required=False, to="establishment_name"),
    ),
)


@register("gias-memberships")
class GiasMembershipImport(ImportPipeline):
    schema = SCHEMA

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        errors = too_long(group_values(frame), Group, LIMITS, ctx.name)
        errors += blank_required(frame, {"uid": "Group UID", "urn": "URN", **REQUIRED_VALUES}, ctx.name)
        pairs = frame[["uid", "urn"]]
        for idx in pairs.index[pairs.duplicated()][:100]:
            errors.append(
                CellError(
                    ctx.name,
                    int(idx) + 2,
                    "URN",
                    f"URN {frame.at[idx, 'urn']} is listed twice in group {frame.at[idx, 'uid']}",
                )
            )
        raise_if(errors)

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        counts = Counts()
        auditor = Auditor(ctx)
        values = group_values(frame)
        groups_counts = Counts()
        group_ids = upsert_groups(values, ctx, auditor, groups_counts)
        ctx.notes.append(f"groups: {groups_counts}".replace(f"{groups_counts.rows} rows: ", ""))
        stubs = establishment_stubs(values["urn"].astype(int).unique().tolist())
        known = values["urn"].astype(int).isin(list(stubs))
        if (~known).any():
            ctx.notes.append(f"{int((~known).sum())} rows skipped: their URN is not in the registry")
        names = dict(zip(values["uid"].astype(int), values["name"], strict=True))
        groups = {gid: Group(id=gid, uid=uid, name=names[uid]) for uid, gid in group_ids.items()}
        wanted = {
            (stubs[int(urn)].pk, group_ids[int(uid)]): joined
            for uid, urn, joined in values.loc[known, ["uid", "urn", "joined_on"]].itertuples(index=False)
        }
        result = sync_memberships(
            wanted=wanted,
            scope=Q(group_id__in=list(group_ids.values())),
            establishments=stubs,
            groups=groups,
            ctx=ctx,
            auditor=auditor,
        )
        counts.created, counts.closed, counts.updated = result["started"], result["ended"], result["updated"]
        counts.unchanged = int(known.sum()) - result["started"] - result["updated"]
        auditor.flush()
        return counts
