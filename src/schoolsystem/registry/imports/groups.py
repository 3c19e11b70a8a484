"""`schoolsystem import gias-groups FILE`: GIAS groups (trusts, federations, sponsors), upserted by Group UID.

Required: the short "open academy trusts" layout (Group UID, Group ID, Group Name, Companies House Number,
Group Type (code), Group Type). Optional: the richer "allgroupsdata" columns (Group Status, Open date /
Incorporated on (open date), Closed Date, Group Street ... Group Postcode, Head of Group ...).
"""

from __future__ import annotations

import pandas as pd

from schoolsystem.core.imports import Counts, ImportContext, ImportPipeline, raise_if, register, too_long
from schoolsystem.engines import gias
from schoolsystem.engines.tabular import Column, Schema
from schoolsystem.registry.imports._common import Auditor, blank_required, upsert_groups
from schoolsystem.registry.models import Group

GROUP_COLUMNS = (
    Column("Group UID", "int", to="uid"),
    Column("Group ID", required=False, to="group_id"),
    Column("Group Name", to="name"),
    Column("Companies House Number", required=False, to="companies_house_number"),
    Column("Group Type (code)", required=False, to="group_type_code"),
    Column("Group Type", "code", to="group_type", allowed=frozenset(gias.GROUP_TYPE)),
    Column("Group Status", "code", required=False, to="status", allowed=frozenset(gias.GROUP_STATUS)),
    Column("Open date", "date", required=False, to="opened_on", aliases=("Incorporated on (open date)",)),
    Column("Closed Date", "date", required=False, to="closed_on"),
    Column("Group Postcode", required=False, to="head_office_postcode", aliases=("Group Contact Postcode",)),
    Column("Head of Group Title", required=False, to="head_title"),
    Column("Head of Group First Name", required=False, to="head_first"),
    Column("Head of Group Last Name", required=False, to="head_last"),
)
SCHEMA = Schema(source="GIAS groups", key="uid", columns=GROUP_COLUMNS)
REQUIRED_VALUES = {"name": "Group Name", "group_type": "Group Type"}
LIMITS = {
    "group_id": "Group ID",
    "name": "Group Name",
    "companies_house_number": "Companies House Number",
    "head_office_postcode": "Group Postcode",
    "head_name": "Head of Group",
}


def group_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Validated group columns -> Group field values (type and status mapped, head of group joined)."""
    out = frame.copy()
    out["group_type"] = frame["group_type"].map(gias.GROUP_TYPE)
    out["status"] = frame["status"].map(gias.GROUP_STATUS).fillna("open")
    out["head_name"] = (
        (frame["head_title"] + " " + frame["head_first"] + " " + frame["head_last"])
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    return out


@register("gias-groups")
class GiasGroupImport(ImportPipeline):
    schema = SCHEMA

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        # A blank group type failed the write (NOT NULL), found by fuzzing: a group needs its type and name.
        errors = blank_required(frame, REQUIRED_VALUES, ctx.name)
        raise_if(errors + too_long(group_values(frame), Group, LIMITS, ctx.name))

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        counts = Counts()
        auditor = Auditor(ctx)
        upsert_groups(group_values(frame), ctx, auditor, counts)
        auditor.flush()
        return counts
