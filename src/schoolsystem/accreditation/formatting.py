"""How accreditation shows dates, people and rule texts to users (GOV.UK style), in one place."""

from __future__ import annotations

import re

# "§2.2: ", "§2.3–2.4: ", "§1.3 and foreword: " at the start of a reason, "(§2.10)" or "under §2.2" inside it.
_LEADING_REF = re.compile(r"^\s*§\s*[\d.]+(?:\s*[–-]\s*[\d.]+)?(?:\s+and\s+foreword)?\s*:\s*")
_INNER_REF = re.compile(r"\s*(?:\(\s*§[^)]*\)|\bunder\s+§\s*[\d.]+(?:\s*[–-]\s*[\d.]+)?)")


def user_name(user) -> str:
    """A person as users should see them: their name, or their username only when they have no name."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def without_section_refs(text: str) -> str:
    """A rule text without the seed's section numbers ("§2.2: a ... " -> "A ..."): users read what the rule
    says; the section references stay in the code and its docs."""
    text = _LEADING_REF.sub("", text)
    text = _INNER_REF.sub("", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text).strip()
    return text[:1].upper() + text[1:]
