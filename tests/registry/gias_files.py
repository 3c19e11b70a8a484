"""Small GIAS-layout files written by tests (the real samples are in ../shared/data/gias)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

ESTABLISHMENT_HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (name)",
    "SchoolCapacity",
    "NumberOfPupils",
    "TrustSchoolFlag (name)",
    "Trusts (name)",
    "SchoolSponsors (name)",
    "Federations (name)",
    "OfstedRating (name)",
    "GOR (name)",
    "Postcode",
]


def school(urn: int, **values: str) -> dict[str, str]:
    row = {
        "URN": str(urn),
        "LA (code)": "936",
        "LA (name)": "Surrey",
        "EstablishmentNumber": str(2000 + urn % 1000),
        "EstablishmentName": f"School {urn}",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-09-2001",
        "CloseDate": "",
        "PhaseOfEducation (name)": "Primary",
        "SchoolCapacity": "420",
        "NumberOfPupils": "400",
        "TrustSchoolFlag (name)": "Not applicable",
        "Trusts (name)": "",
        "SchoolSponsors (name)": "",
        "Federations (name)": "",
        "OfstedRating (name)": "Good",
        "GOR (name)": "South East",
        "Postcode": "GU1 1AA",
    }
    row.update(values)
    return row


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(
    path: Path, rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "cp1252"
) -> Path:
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path


MEMBERSHIP_HEADER = [
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
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "LA (code)",
    "LA (name)",
]


def member(uid: int, urn: int, joined: str = "01-09-2015", **values: str) -> dict[str, str]:
    row = {
        "Group UID": str(uid),
        "Group ID": f"TR{uid:05d}",
        "Group Name": f"Trust {uid}",
        "Companies House Number": f"0{uid:07d}",
        "Group Type (code)": "06",
        "Group Type": "Multi-academy trust",
        "Closed Date": "",
        "Group Status (code)": "OPEN",
        "Group Status": "Open",
        "Joined date": joined,
        "URN": str(urn),
        "EstablishmentName": f"School {urn}",
        "TypeOfEstablishment (code)": "34",
        "TypeOfEstablishment (name)": "Academy converter",
        "PhaseOfEducation (code)": "2",
        "PhaseOfEducation (name)": "Primary",
        "LA (code)": "936",
        "LA (name)": "Surrey",
    }
    row.update(values)
    return row
