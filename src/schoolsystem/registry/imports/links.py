"""`schoolsystem import gias-links FILE`: GIAS establishment links (predecessor/successor, merged, ...).

Columns: URN, LinkURN, LinkName, LinkType, LinkEstablishedDate. Upserted by (URN, LinkURN, LinkType); links are
stored by URN, not as foreign keys, because the national file names schools outside the imported LAs. Nothing is
deleted.
"""

from __future__ import annotations

import pandas as pd
from django.utils import timezone

from schoolsystem.core.audit import _plain
from schoolsystem.core.imports import Counts, ImportContext, ImportPipeline, raise_if, register, too_long
from schoolsystem.engines.tabular import CellError, Column, Schema
from schoolsystem.registry.imports._common import (
    Auditor,
    as_objects,
    blank_required,
    bulk_create,
    bulk_update,
    changed_cells,
    fetch_values,
)
from schoolsystem.registry.models import EstablishmentLink

SCHEMA = Schema(
    source="GIAS establishment links",
    columns=(
        Column("URN", "int", to="urn"),
        Column("LinkURN", "int", to="linked_urn"),
        Column("LinkName", required=False, to="linked_name"),
        Column("LinkType", to="link_type"),
        Column("LinkEstablishedDate", "date", required=False, to="established_on"),
    ),
)
KEY = ["urn", "linked_urn", "link_type"]


@register("gias-links")
class GiasLinkImport(ImportPipeline):
    schema = SCHEMA

    def check(self, frame: pd.DataFrame, ctx: ImportContext) -> None:
        errors = too_long(
            frame, EstablishmentLink, {"linked_name": "LinkName", "link_type": "LinkType"}, ctx.name
        )
        errors += blank_required(
            frame, {"urn": "URN", "linked_urn": "LinkURN", "link_type": "LinkType"}, ctx.name
        )
        for idx in frame.index[frame.duplicated(KEY)][:100]:
            errors.append(
                CellError(
                    ctx.name,
                    int(idx) + 2,
                    "LinkURN",
                    "the same URN, LinkURN and LinkType appear on an earlier row",
                )
            )
        raise_if(errors)

    def write(self, frame: pd.DataFrame, ctx: ImportContext) -> Counts:
        counts = Counts()
        auditor = Auditor(ctx)
        new = as_objects(frame)
        new["urn"] = new["urn"].astype(int)
        new["linked_urn"] = new["linked_urn"].astype(int)
        new = new.set_index(KEY, drop=False)
        existing = fetch_values(
            EstablishmentLink.objects.all(),
            "urn",
            sorted(set(new["urn"])),
            ["id", *KEY, "linked_name", "established_on"],
        ).set_index(KEY)
        fields = ["linked_name", "established_on"]
        common = new.index.intersection(existing.index)
        to_update = []
        now = timezone.now()
        if len(common):
            diff = changed_cells(new.loc[common], existing.loc[common], fields)
            changed = common[diff.to_numpy().any(axis=1)]
            counts.unchanged = len(common) - len(changed)
            for key in changed:
                link = EstablishmentLink(
                    id=int(existing.at[key, "id"]),
                    modified_on=now,
                    **dict(zip(KEY, key, strict=True)),
                    **{f: new.at[key, f] for f in fields},
                )
                to_update.append(link)
                auditor.add(
                    link,
                    "establishment_link.updated",
                    {
                        f: [_plain(existing.at[key, f]), _plain(new.at[key, f])]
                        for f in fields
                        if diff.at[key, f]
                    },
                )
        bulk_update(EstablishmentLink, to_update, [*fields, "modified_on"], ctx, "links (update)")
        counts.updated = len(to_update)
        fresh = new.loc[new.index.difference(existing.index)]
        created = [
            EstablishmentLink(
                urn=r["urn"],
                linked_urn=r["linked_urn"],
                link_type=r["link_type"],
                linked_name=r["linked_name"] or "",
                established_on=r["established_on"],
            )
            for r in fresh.to_dict("records")
        ]
        bulk_create(EstablishmentLink, created, ctx, "links (new)")
        for link in created:
            changes = {"linked_name": [None, link.linked_name]}
            if link.established_on:
                changes["established_on"] = [None, link.established_on.isoformat()]
            auditor.add(link, "establishment_link.created", changes)
        counts.created = len(created)
        auditor.flush()
        return counts
