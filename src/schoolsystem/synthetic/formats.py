"""The published GIAS file layouts the generator writes, and a writer that reproduces GIAS's CSV dialect.

GIAS downloads are Windows-1252, dates dd-mm-yyyy, every text field quoted (empty ones as ""), whole numbers such
as URN, ages, capacity, UKPRN and grid references written bare, rows separated by CRLF and no newline after the
last row. The headers below are the layouts' column names (a header is a format, not data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

# The names-only "edubasealldata" establishments layout (110 columns), as in GIAS's April 2021 export.
ESTABLISHMENT_COLUMNS: tuple[str, ...] = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (name)",
    "Gender (name)",
    "ReligiousCharacter (name)",
    "ReligiousEthos (name)",
    "Diocese (name)",
    "AdmissionsPolicy (name)",
    "SchoolCapacity",
    "SpecialClasses (name)",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "TrustSchoolFlag (name)",
    "Trusts (name)",
    "SchoolSponsorFlag (name)",
    "SchoolSponsors (name)",
    "FederationFlag (name)",
    "Federations (name)",
    "UKPRN",
    "FEHEIdentifier",
    "FurtherEducationType (name)",
    "OfstedLastInsp",
    "LastChangedDate",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "HeadPreferredJobTitle",
    "BSOInspectorateName (name)",
    "InspectorateReport",
    "DateOfLastInspectionVisit",
    "NextInspectionVisit",
    "TeenMoth (name)",
    "TeenMothPlaces",
    "CCF (name)",
    "SENPRU (name)",
    "EBD (name)",
    "PlacesPRU",
    "FTProv (name)",
    "EdByOther (name)",
    "Section41Approved (name)",
    "SEN1 (name)",
    "SEN2 (name)",
    "SEN3 (name)",
    "SEN4 (name)",
    "SEN5 (name)",
    "SEN6 (name)",
    "SEN7 (name)",
    "SEN8 (name)",
    "SEN9 (name)",
    "SEN10 (name)",
    "SEN11 (name)",
    "SEN12 (name)",
    "SEN13 (name)",
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "GOR (name)",
    "DistrictAdministrative (name)",
    "AdministrativeWard (name)",
    "ParliamentaryConstituency (name)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "CensusAreaStatisticWard (name)",
    "MSOA (name)",
    "LSOA (name)",
    "InspectorateName (name)",
    "SENStat",
    "SENNoStat",
    "PropsName",
    "OfstedRating (name)",
    "RSCRegion (name)",
    "Country (name)",
    "UPRN",
    "SiteName",
    "QABName (name)",
    "EstablishmentAccredited (name)",
    "QABReport",
    "CHNumber",
    "MSOA (code)",
    "LSOA (code)",
)

# Columns GIAS writes without quotes when they hold a value.
BARE_ESTABLISHMENT_COLUMNS = frozenset(
    {"URN", "StatutoryLowAge", "StatutoryHighAge", "SchoolCapacity", "UKPRN", "Easting", "Northing"}
)

# Establishment links ("links_edubasealldata").
LINK_COLUMNS: tuple[str, ...] = ("URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate")
BARE_LINK_COLUMNS = frozenset({"URN", "LinkURN"})

# Groups ("allgroupsdata", the columns of the open trusts download).
GROUP_COLUMNS: tuple[str, ...] = (
    "Group UID",
    "Group ID",
    "Group Name",
    "Companies House Number",
    "Group Type (code)",
    "Group Type",
)

# Group memberships ("alllinksdata": one row per establishment in a group).
MEMBERSHIP_COLUMNS: tuple[str, ...] = (
    "Group UID",
    "Group ID",
    "Group Name",
    "Companies House Number",
    "Group Type (code)",
    "Group Type",
    "Closed Date",
    "Group Status (code)",
    "Group Status",
    "Joined date",
    "URN",
    "EstablishmentName",
)

ENCODING = "cp1252"
DATE_FORMAT = "%d-%m-%Y"


_C1_BYTES = bytes(range(0x80, 0xA0))


def _escaped(values: Sequence[str]) -> Sequence[str]:
    # Doubling embedded quotes is rare (names like 'The "Old" School'): only pay for it when needed.
    return [v.replace('"', '""') for v in values] if '"' in "".join(values) else values


def _encode(text: str) -> bytes:
    # Latin-1 and Windows-1252 agree on every character outside U+0080-U+009F, and latin-1 encodes in C at
    # memcpy speed; fall back to the (slower) cp1252 codec for the characters where they differ.
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode(ENCODING)
    if len(data.translate(None, _C1_BYTES)) != len(data):
        return text.encode(ENCODING)
    return data


def write_gias_csv(
    path: Path,
    header: Sequence[str],
    columns: Mapping[str, Sequence[str]],
    *,
    rows: int,
    bare: frozenset[str] = frozenset(),
) -> Path:
    """Write `columns` (header name -> string per row; missing names are blank) in GIAS's dialect."""
    cells: list[Sequence[str]] = []
    template: list[str] = []
    for name in header:
        values = columns.get(name)
        if values is None:
            template.append('""')
            continue
        if len(values) != rows:
            raise ValueError(f"column {name!r} has {len(values)} values, expected {rows}")
        if name in bare:
            # A bare column's empty cells are still written as "" by GIAS.
            cells.append([v if v else '""' for v in values])
            template.append("%s")
        else:
            cells.append(_escaped(values))
            template.append('"%s"')
    row_format = ",".join(template)
    head = ",".join('"' + h.replace('"', '""') + '"' for h in header)
    body = [row_format % row for row in zip(*cells, strict=True)] if cells else [row_format] * rows
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encode("\r\n".join([head, *body])))
    return path
