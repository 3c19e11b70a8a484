"""Words for people, shared by the engines and the apps. Pure Python (no Django)."""

from __future__ import annotations


def in_sentence(label: str) -> str:
    """A sentence-case label (a choice's, a status's, a rule's) as it reads inside a sentence: only its first letter
    is lowered, and not even that when it starts an acronym ("NLE support", "ASP limit", "PFI, land and buildings").
    Words further in keep their capitals: "Third-party support (another school, an NLE or National Support School)"
    becomes "third-party support (another school, an NLE or National Support School)", not "... an nle ..."."""
    if not label or (len(label) > 1 and label[1].isupper()):
        return label
    return label[0].lower() + label[1:]
