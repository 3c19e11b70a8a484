"""`schoolsystem import gias FILE`: GIAS establishments ("edubasealldata" and LA/search exports).

Accepts both published layouts: names-only ("X (name)" columns, e.g. edubase_surrey_936_2021-04.csv) and
codes-and-names ("X (code)" beside "X (name)"); the "(name)" columns are read, and the codes layout's
"Trusts (code)" / "Federations (code)" (GIAS group UIDs) are used to match groups when present.

Re-importing a newer file updates rows in place (only changed rows are written), closes what closed, never deletes a
school missing from the file, and writes an AuditEvent per created/changed/closed row with {field: [old, new]}.
"""

from __future__ import annotations

import pandas as pd
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from schoolsystem.core.audit import _plain
from schoolsystem.core.imports import Counts, ImportContext, ImportPipeline, raise_if, register, too_long
from schoolsystem.engines import gias
from schoolsystem.engines.tabular import Column, Schema
from schoolsystem.registry.imports._common import (
    Auditor,
    EstablishmentRef,
    as_objects,
    bulk_create,
    bulk_update,
    changed_cells,
    created_changes,
    fetch_values,
    insert_events,
    insert_rows,
    sync_memberships,
)
from schoolsystem.registry.models import Establishment, Group, LocalAuthority


def _c(name: str, to: str, kind: str = "str", required: bool = False, **kw) -> Column:
    return Column(name, kind, required=required, to=to, **kw)


SCHEMA = Schema(
    source="GIAS establishments",
    key="urn",
    columns=(
        _c("URN", "urn", "int", True),
        _c("LA (code)", "la_code", required=True),
        _c("LA (name)", "la_name", required=True),
        _c("EstablishmentNumber", "establishment_number"),
        _c("EstablishmentName", "name", required=True),
        _c("TypeOfEstablishment (name)", "type_name", required=True),
        _c("EstablishmentTypeGroup (name)", "type_group", required=True),
        _c(
            "EstablishmentStatus (name)",
            "status",
            "code",
            True,
            allowed=frozenset(gias.ESTABLISHMENT_STATUS),
        ),
        _c("ReasonEstablishmentOpened (name)", "open_reason"),
        _c("OpenDate", "opened_on", "date"),
        _c("ReasonEstablishmentClosed (name)", "close_reason"),
        _c("CloseDate", "closed_on", "date"),
        _c("PhaseOfEducation (name)", "phase"),
        _c("StatutoryLowAge", "statutory_low_age", "int"),
        _c("StatutoryHighAge", "statutory_high_age", "int"),
        _c("Gender (name)", "gender"),
        _c("ReligiousCharacter (name)", "religious_character"),
        _c("ReligiousEthos (name)", "religious_ethos"),
        _c("Diocese (name)", "diocese"),
        _c("AdmissionsPolicy (name)", "admissions_policy"),
        _c("SchoolCapacity", "capacity", "int"),
        _c("NumberOfPupils", "pupils", "int"),
        _c("NumberOfBoys", "boys", "int"),
        _c("NumberOfGirls", "girls", "int"),
        _c("PercentageFSM", "fsm_percent", "float"),
        _c("TrustSchoolFlag (name)", "trust_school_flag"),
        _c("Trusts (name)", "trusts", "multi"),
        _c("Trusts (code)", "trust_codes", "multi"),
        _c("SchoolSponsors (name)", "sponsors", "multi"),
        _c("FederationFlag (name)", "federation_flag"),
        _c("Federations (name)", "federations", "multi"),
        _c("Federations (code)", "federation_codes", "multi"),
        _c("UKPRN", "ukprn"),
        _c("OfstedLastInsp", "ofsted_last_inspection", "date"),
        _c("LastChangedDate", "gias_last_changed", "date"),
        _c("Street", "street"),
        _c("Locality", "locality"),
        _c("Address3", "address3"),
        _c("Town", "town"),
        _c("County (name)", "county"),
        _c("Postcode", "postcode"),
        _c("SchoolWebsite", "website"),
        _c("TelephoneNum", "telephone"),
        _c("HeadTitle (name)", "head_title"),
        _c("HeadFirstName", "head_first"),
        _c("HeadLastName", "head_last"),
        _c("GOR (code)", "region_code"),
        _c("GOR (name)", "region"),
        _c("DistrictAdministrative (name)", "district"),
        _c("AdministrativeWard (name)", "ward"),
        _c("ParliamentaryConstituency (name)", "constituency"),
        _c("UrbanRural (name)", "urban_rural"),
        _c("Easting", "easting", "int"),
        _c("Northing", "northing", "int"),
        _c("OfstedRating (name)", "ofsted_rating"),
    ),
)

# Establishment fields written from the file (besides urn and la).
FIELDS = (
    "establishment_number",
    "name",
    "type_name",
    "type_group",
    "status",
    "state_funded",
    "phase",
    "statutory_low_age",
    "statutory_high_age",
    "gender",
    "religious_character",
    "religious_ethos",
    "diocese",
    "admissions_policy",
    "capacity",
    "pupils",
    "boys",
    "girls",
    "fsm_percent",
    "trust_school_flag",
    "federation_flag",
    "ukprn",
    "street",
    "locality",
    "address3",
    "town",
    "county",
    "postcode",
    "website",
    "telephone",
    "head_name",
    "easting",
    "northing",
    "urban_rural",
    "region",
    "district",
    "ward",
    "constituency",
    "opened_on",
    "open_reason",
    "closed_on",
    "close_reason",
    "ofsted_rating",
    "ofsted_last_inspection",
    "gias_last_changed",
)
HEADERS = {c.field: c.name for c in SCHEMA.columns}


def establishment_values(frame: pd.DataFrame) -> pd.DataFrame:
    """The validated file as Establishment field values (vectorised): status mapped, state_funded derived,
    head name joined, GIAS's unknown opening date blank. Indexed like `frame`."""
    out = frame.copy()
    out["status"] = frame["status"].map(gias.ESTABLISHMENT_STATUS)
    pairs = frame[["type_group", "type_name"]].drop_duplicates()
    funded = {(g, t): gias.is_state_funded(g, t) for g, t in pairs.itertuples(index=False)}
    out["state_funded"] = [
        funded[(g, t)] for g, t in zip(frame["type_group"], frame["type_name"], strict=True)
    ]
    out["head_name"] = (
        (frame["head_title"] + " " + frame["head_first"] + " " + frame["head_last"])
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    # GIAS's placeholder for an unknown opening date (9 children's centres in Surrey's 2021 file): unknown, not
    # "opened 1 January 1900".
    out["opened_on"] = frame["opened_on"].where(frame["opened_on"] != gias.UNKNOWN_OPEN_DATE, None)
    return out


@register("gias")
class GiasEstablishmentImport(ImportPipeline):
    schema = SCHEMA

    def parse(self, path, year, name) -> pd.DataFrame:
        """The validated file as Establishment values, derived once for both `check` and `write`."""
        return establishment_values(super().parse(path, year, name))

    def check(self, values: pd.DataFrame, ctx: ImportContext) -> None:
        """Values longer than the registry's fields (PostgreSQL would refuse them part-way through)."""
        headers = {**HEADERS, "head_name": "HeadLastName"}
        limits = {f: headers[f] for f in FIELDS if f not in {"status", "state_funded"} and f in headers}
        la = values[["la_code", "la_name"]].rename(columns={"la_code": "code", "la_name": "name"})
        # The trust, sponsor and federation columns name groups the import creates (a 3,000-character sponsor
        # name failed the write on PostgreSQL: found by fuzzing).
        groups = {
            "trusts": "Trusts (name)",
            "sponsors": "SchoolSponsors (name)",
            "federations": "Federations (name)",
        }
        raise_if(
            too_long(values, Establishment, limits, ctx.name)
            + too_long(la, LocalAuthority, {"code": "LA (code)", "name": "LA (name)"}, ctx.name)
            + too_long(values, Group, groups, ctx.name, fields=dict.fromkeys(groups, "name"))
        )

    def write(self, values: pd.DataFrame, ctx: ImportContext) -> Counts:
        counts = Counts()
        auditor = Auditor(ctx)
        la_ids = self._local_authorities(values, ctx, auditor)
        values["la_id"] = values["la_code"].map(la_ids)
        fields = [*FIELDS, "la_id"]
        new = as_objects(values[["urn", *fields]]).set_index("urn", drop=False)
        new.index = new.index.astype(int)
        existing = fetch_values(Establishment.objects.all(), "urn", list(new.index), ["id", "urn", *fields])
        existing = existing.set_index("urn")
        establishments: dict[int, EstablishmentRef] = {}

        # Changed and closed rows: compared column by column, written with bulk_update.
        common = new.index.intersection(existing.index)
        now = timezone.now()
        to_update, changed_fields = [], set()
        if len(common):
            cur, old = new.loc[common], existing.loc[common]
            diff = changed_cells(cur, old, fields)
            any_change = diff.to_numpy().any(axis=1)
            counts.unchanged += int((~any_change).sum())
            same = common[~any_change]
            for urn, pk, name in zip(same, old.loc[same, "id"], cur.loc[same, "name"], strict=True):
                establishments[urn] = EstablishmentRef(int(pk), int(urn), name)
            changed = common[any_change]
            diff, cur, old = diff.loc[changed], cur.loc[changed], old.loc[changed]
            for urn, row_diff, row, before in zip(
                changed,
                diff.itertuples(index=False),
                cur.itertuples(index=False),
                old.itertuples(index=False),
                strict=True,
            ):
                row, before = row._asdict(), before._asdict()
                names = [f for f, is_changed in zip(fields, row_diff, strict=True) if is_changed]
                est = Establishment(
                    id=int(before["id"]), modified_on=now, **{f: row[f] for f in ["urn", *fields]}
                )
                establishments[urn] = EstablishmentRef(est.pk, urn, est.name)
                to_update.append(est)
                changed_fields.update(names)
                changes = {("la" if f == "la_id" else f): [_plain(before[f]), _plain(row[f])] for f in names}
                if "status" in names and row["status"] == gias.CLOSED:
                    counts.closed += 1
                    auditor.add(est, "establishment.closed", changes)
                else:
                    counts.updated += 1
                    auditor.add(est, "establishment.updated", changes)
        bulk_update(
            Establishment, to_update, [*changed_fields, "modified_on"], ctx, "establishments (update)"
        )

        # New rows: one executemany per batch, then their pks in one query per 5,000 URNs.
        fresh = new.loc[new.index.difference(existing.index)]
        if len(fresh):
            columns = ["urn", *fields, "created_on", "modified_on"]
            fresh = fresh.assign(created_on=now, modified_on=now)
            insert_rows(
                Establishment,
                columns,
                list(fresh[columns].itertuples(index=False, name=None)),
                ctx,
                "establishments (new)",
            )
            pks = fetch_values(Establishment.objects.all(), "urn", list(fresh.index), ["id", "urn"])
            pks = dict(zip(pks["urn"].tolist(), pks["id"].tolist(), strict=True))
            events = []
            for urn, name, status in zip(fresh.index, fresh["name"], fresh["status"], strict=True):
                pk = pks[urn]
                establishments[urn] = EstablishmentRef(pk, urn, name)
                changes = {"urn": [None, int(urn)], "name": [None, name], "status": [None, status]}
                events.append((pk, f"{name} ({urn})", "establishment.created", changes))
            insert_events(events, ctx, ContentType.objects.get_for_model(Establishment))
        counts.created += len(fresh)

        self._memberships(values, establishments, ctx, auditor)
        auditor.flush()
        return counts

    def _local_authorities(
        self, values: pd.DataFrame, ctx: ImportContext, auditor: Auditor
    ) -> dict[str, int]:
        """Create LAs named in the file; keep their name and region up to date. Returns {code: pk}."""
        las = values.drop_duplicates("la_code").set_index("la_code")
        existing = {la.code: la for la in LocalAuthority.objects.filter(code__in=list(las.index))}
        new, changed = [], []
        for code, row in las.iterrows():
            wanted = {"name": row["la_name"], "region_name": row["region"]}
            if row["region_code"]:
                wanted["region_code"] = row["region_code"]
            la = existing.get(code)
            if la is None:
                new.append(LocalAuthority(code=code, **wanted))
                continue
            changes = {f: [getattr(la, f), v] for f, v in wanted.items() if v and getattr(la, f) != v}
            if changes:
                for f, (_, v) in changes.items():
                    setattr(la, f, v)
                changed.append(la)
                auditor.add(la, "local_authority.updated", changes)
        LocalAuthority.objects.bulk_create(new)
        for la in new:
            existing[la.code] = la
            auditor.add(
                la,
                "local_authority.created",
                created_changes({"code": la.code, "name": la.name, "region_name": la.region_name}),
            )
        if changed:
            LocalAuthority.objects.bulk_update(changed, ["name", "region_name", "region_code"])
        return {code: la.pk for code, la in existing.items()}

    def _memberships(
        self,
        values: pd.DataFrame,
        establishments: dict[int, EstablishmentRef],
        ctx: ImportContext,
        auditor: Auditor,
    ) -> None:
        """Formal groups named by the file (trust, sponsor, federation) and each school's current memberships of
        them: a group is matched by GIAS UID (codes layout), else by type and name; missing groups are created."""
        cols = [
            "urn",
            "trust_school_flag",
            "trusts",
            "trust_codes",
            "sponsors",
            "federations",
            "federation_codes",
        ]
        sub = values[cols]
        has_any = (
            (sub["trusts"].str.len() > 0)
            | (sub["sponsors"].str.len() > 0)
            | (sub["federations"].str.len() > 0)
        )
        refs_by_urn: dict[int, tuple[gias.GroupRef, ...]] = {}
        for urn, flag, trusts, trust_codes, sponsors, feds, fed_codes in sub[has_any].itertuples(index=False):
            refs_by_urn[int(urn)] = gias.group_refs(
                trust_flag=flag,
                trusts=trusts,
                trust_codes=trust_codes,
                sponsors=sponsors,
                federations=feds,
                federation_codes=fed_codes,
            )
        group_ids = self._resolve_groups({r for refs in refs_by_urn.values() for r in refs}, ctx, auditor)
        wanted = {
            (establishments[urn].pk, group_ids[ref].pk): None
            for urn, refs in refs_by_urn.items()
            for ref in refs
        }
        est_pks = [e.pk for e in establishments.values()]
        # Only memberships of the schools in this file and of the group types this file describes are managed here.
        scope = Q(group__group_type__in=gias.ESTABLISHMENT_FILE_GROUP_TYPES)
        if len(est_pks) < 5000:
            scope &= Q(establishment_id__in=est_pks)
        else:  # a national file: filter in Python below instead of a huge IN list
            scope &= Q(establishment__la__code__in=list(values["la_code"].unique()))
        counts = sync_memberships(
            wanted=wanted,
            scope=scope,
            establishments=establishments,
            groups={g.pk: g for g in group_ids.values()},
            ctx=ctx,
            auditor=auditor,
            only_establishments=set(est_pks),
        )
        if any(counts.values()):
            ctx.notes.append(
                f"memberships: {counts['started']} started, {counts['ended']} ended, {counts['updated']} updated"
            )

    def _resolve_groups(self, refs: set[gias.GroupRef], ctx: ImportContext, auditor: Auditor) -> dict:
        """{GroupRef: Group (id, name)}; creates the groups not yet in the registry."""
        if not refs:
            return {}
        by_uid, by_key = {}, {}
        for row in (
            Group.objects.filter(group_type__in=gias.ESTABLISHMENT_FILE_GROUP_TYPES)
            .values("id", "uid", "name", "group_type")
            .order_by("id")
        ):
            group = Group(id=row["id"], uid=row["uid"], name=row["name"], group_type=row["group_type"])
            if row["uid"] is not None:
                by_uid[row["uid"]] = group
            by_key.setdefault((gias.group_key(row["name"]), row["group_type"]), group)
        resolved, new = {}, {}
        for ref in sorted(refs, key=lambda r: (r.key, r.uid or 0)):
            group = (by_uid.get(ref.uid) if ref.uid else None) or by_key.get(ref.key) or new.get(ref.key)
            if group is None:
                uid = ref.uid if ref.uid and ref.uid not in by_uid else None
                group = Group(name=ref.name, group_type=ref.group_type, uid=uid)
                new[ref.key] = group
            resolved[ref] = group
        created = bulk_create(Group, list(new.values()), ctx, "groups (new)")
        for group in created:
            auditor.add(
                group,
                "group.created",
                created_changes({"name": group.name, "group_type": group.group_type, "uid": group.uid}),
            )
        if created:
            ctx.notes.append(f"groups: {len(created)} created from the trust, sponsor and federation columns")
        return resolved
