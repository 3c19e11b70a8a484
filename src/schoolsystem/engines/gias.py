"""Rules for reading GIAS (Get Information About Schools) files. Pure Python, no Django.

- Establishment status, group type and group status: GIAS's published names -> the registry's values.
- `is_state_funded`: which establishments are state-funded schools (DfE's statistical definition).
- Group references inside the establishment file ("Trusts (name)", "SchoolSponsors (name)", "Federations (name)").
- Predecessor / successor chains through the establishment links file (academy conversions, mergers).

The string values returned here are the registry's TextChoices values (registry.constants); they are repeated as
plain strings so this module stays free of Django.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# --- establishment status ---------------------------------------------------------------------------------------

ESTABLISHMENT_STATUS = {
    "Open": "open",
    "Open, but proposed to close": "proposed_to_close",
    "Proposed to open": "proposed_to_open",
    "Closed": "closed",
}
CLOSED = "closed"


def establishment_status(gias_name: str) -> str:
    """GIAS 'EstablishmentStatus (name)' -> registry status. Raises KeyError for a name GIAS does not publish."""
    return ESTABLISHMENT_STATUS[gias_name.strip()]


# --- state funding ----------------------------------------------------------------------------------------------

# Type groups whose establishments are state-funded schools. GIAS spelt the maintained group "LA maintained
# schools" until about 2019 and "Local authority maintained schools" since.
STATE_FUNDED_TYPE_GROUPS = frozenset(
    {
        "Local authority maintained schools",
        "LA maintained schools",
        "Academies",
        "Free Schools",
        "Special schools",
    }
)
# Exceptions inside those groups (and outside them): non-maintained and independent special schools are charities
# or private providers that LAs buy places from; city technology colleges sit in "Independent schools" but are
# funded by the state (DfE counts them among state-funded secondaries).
NOT_STATE_FUNDED_TYPES = frozenset({"Non-maintained special school", "Other independent special school"})
STATE_FUNDED_TYPES_OUTSIDE_GROUPS = frozenset({"City technology college"})


def is_state_funded(type_group: str, type_name: str) -> bool:
    """True for a state-funded school in the sense of DfE's school statistics: LA maintained schools (including
    PRUs and nursery schools), academies, free schools and maintained/academy special schools, plus city technology
    colleges. False for independent schools, non-maintained special schools, children's centres, colleges (FE and
    sixth-form colleges are funded, but are not schools), universities, 'Other types' (secure units, offshore and
    service schools, special post-16 institutions), Welsh establishments and online providers.

    Source: GIAS establishment type groups (lookups/establishment_types); DfE 'Schools, pupils and their
    characteristics' methodology for what counts as state-funded.
    """
    type_group, type_name = type_group.strip(), type_name.strip()
    if type_name in STATE_FUNDED_TYPES_OUTSIDE_GROUPS:
        return True
    if type_name in NOT_STATE_FUNDED_TYPES:
        return False
    return type_group in STATE_FUNDED_TYPE_GROUPS


# --- groups -----------------------------------------------------------------------------------------------------

GROUP_TYPE = {
    "Multi-academy trust": "mat",
    "Single-academy trust": "sat",
    "Secure single-academy trust": "sat",
    "Federation": "federation",
    "Trust": "trust",
    "School sponsor": "sponsor",
    "Academy sponsor": "sponsor",
    "Umbrella trust": "umbrella_trust",
}
GROUP_STATUS = {
    "Open": "open",
    "OPEN": "open",
    "Proposed to open": "proposed_to_open",
    "Closed": "closed",
    "CLOSED": "closed",
}

# "TrustSchoolFlag (name)" says what kind of group the "Trusts (name)" column names.
TRUST_FLAG_GROUP_TYPE = {
    "Supported by a multi-academy trust": "mat",
    "Supported by a single-academy trust": "sat",
    "Supported by a trust": "trust",
}
# Group types the establishment file describes (its memberships of these types are replaced by each import).
ESTABLISHMENT_FILE_GROUP_TYPES = frozenset({"mat", "sat", "trust", "sponsor", "federation"})


def trust_group_type(trust_school_flag: str) -> str:
    """The group type of a school's "Trusts (name)" from its TrustSchoolFlag; a trust named without a flag is a
    foundation 'trust'."""
    return TRUST_FLAG_GROUP_TYPE.get(trust_school_flag.strip(), "trust")


# GIAS's OpenDate for an establishment whose opening date it does not know.
UNKNOWN_OPEN_DATE = date(1900, 1, 1)

_SPACES = re.compile(r"\s+")


_TRAILING_THE = re.compile(r"^(.*?)\s*,\s*the$")


def group_key(name: str) -> str:
    """Names compare case- and space-insensitively: the establishment file upper-cases trust names
    ('GLF SCHOOLS') that the groups file spells 'GLF Schools'. The groups file also files 'The ...' names under
    their first real word ('Kemnal Academies Trust, The': 379 of its 3,122 rows), which the establishment file
    writes 'THE KEMNAL ACADEMIES TRUST': both are 'the kemnal academies trust'."""
    key = _SPACES.sub(" ", name).strip().casefold()
    if match := _TRAILING_THE.match(key):
        key = f"the {match.group(1)}"
    return key


@dataclass(frozen=True)
class GroupRef:
    """A group named in an establishment row: by name and type, and by UID when the file has "(code)" columns."""

    name: str
    group_type: str
    uid: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (group_key(self.name), self.group_type)


def _uids(codes: Sequence[str], n: int) -> list[int | None]:
    """The codes line up with the names only when there are as many of them, all numeric."""
    if len(codes) == n and all(c.isdigit() for c in codes):
        return [int(c) for c in codes]
    return [None] * n


def group_refs(
    *,
    trust_flag: str,
    trusts: Sequence[str] = (),
    trust_codes: Sequence[str] = (),
    sponsors: Sequence[str] = (),
    federations: Sequence[str] = (),
    federation_codes: Sequence[str] = (),
) -> tuple[GroupRef, ...]:
    """Every formal group one establishment row names (multi-values already split on '~'), without duplicates."""
    refs: list[GroupRef] = []
    kind = trust_group_type(trust_flag)
    refs += [GroupRef(n, kind, u) for n, u in zip(trusts, _uids(trust_codes, len(trusts)), strict=True)]
    refs += [GroupRef(n, "sponsor") for n in sponsors]
    refs += [
        GroupRef(n, "federation", u)
        for n, u in zip(federations, _uids(federation_codes, len(federations)), strict=True)
    ]
    seen: set[tuple[str, str]] = set()
    unique = []
    for ref in refs:
        if ref.key not in seen:
            seen.add(ref.key)
            unique.append(ref)
    return tuple(unique)


# --- predecessor and successor chains ---------------------------------------------------------------------------

# LinkType values in the links file that point back in time and forward in time.
PREDECESSOR = "predecessor"
SUCCESSOR = "successor"


def link_direction(link_type: str) -> str | None:
    """'Predecessor', 'Predecessor - merged', 'Predecessor - amalgamated', 'Predecessor - Split School' point to an
    earlier URN; the 'Successor ...' types to a later one. Other types (sixth-form links, 'Other', 'Expansion')
    are not part of a chain."""
    lowered = link_type.strip().lower()
    if lowered.startswith("predecessor"):
        return PREDECESSOR
    if lowered.startswith("successor"):
        return SUCCESSOR
    return None


Links = Mapping[int, Iterable[tuple[int, str]]]


def _walk(urn: int, links: Links, direction: str) -> tuple[int, ...]:
    seen = {urn}
    order: list[int] = []
    queue = deque([urn])
    while queue:
        current = queue.popleft()
        for linked, link_type in sorted(links.get(current, ())):
            if linked not in seen and link_direction(link_type) == direction:
                seen.add(linked)
                order.append(linked)
                queue.append(linked)
    return tuple(order)


def predecessor_chain(urn: int, links: Links) -> tuple[int, ...]:
    """Every earlier URN of `urn`, nearest first (breadth-first: a merger has several predecessors).

    `links` maps a URN to its (linked URN, link type) pairs as in the GIAS links file. An academy converter's
    predecessor is the maintained school it replaced, whose own predecessors go further back. Cycles in the data
    are ignored.
    """
    return _walk(urn, links, PREDECESSOR)


def successor_chain(urn: int, links: Links) -> tuple[int, ...]:
    """Every later URN of `urn`, nearest first (see `predecessor_chain`)."""
    return _walk(urn, links, SUCCESSOR)


def lineage(urn: int, links: Links) -> tuple[int, ...]:
    """The whole chain oldest to newest: predecessors (furthest first), the URN itself, then successors."""
    return (*reversed(predecessor_chain(urn, links)), urn, *successor_chain(urn, links))


def head_name(title: str, first: str, last: str) -> str:
    """'Mrs' 'Jane' 'Smith' -> 'Mrs Jane Smith' (blank parts dropped)."""
    return " ".join(p.strip() for p in (title, first, last) if p and p.strip())
