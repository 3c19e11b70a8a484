"""Brokerage rules that need only what the user entered. The forms check them beside their fields' own errors, so
a page shows every problem at once; the services enforce them for every caller. Pure: values in, messages out
(`core.rules`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from schoolsystem.brokerage.constants import PREFERENCE_ORDINALS, DueDiligenceOutcome, Scenario

# How the dates are named in messages (the forms' DateField `what` is the same words).
CONSULTATION_HELD_ON = "the date the consultation was held"
DECIDED_ON = "the date of the decision"


def ineligible_preference(rank: int) -> str:
    """The message for a partner not eligible for the school, at `rank` (0 for the 1st choice)."""
    return f"Choose the {PREFERENCE_ORDINALS[rank]} choice from the list: that partner is not eligible for this school"


def preference_errors(picks: Sequence[str], *, eligible: Collection[str] | None = None) -> dict[int, str]:
    """A performing school's ranked choices (seed 003): rank (0 for the 1st) -> what is wrong with the partner
    chosen there. A partner is listed once; with `eligible`, only eligible partners are listed. Empty picks are
    skipped (the form asks for the gaps; the service gets the choices without them)."""
    errors: dict[int, str] = {}
    for rank, key in enumerate(picks):
        if not key:
            continue
        if key in picks[:rank]:
            first = PREFERENCE_ORDINALS[list(picks).index(key)]
            errors[rank] = (
                f"Choose a different partner for the {PREFERENCE_ORDINALS[rank]} choice: that one is already the "
                f"{first} choice"
            )
        elif eligible is not None and key not in eligible:
            errors[rank] = ineligible_preference(rank)
    return errors


def closing_trust_error(*, scenario: str, has_leaving_group: bool) -> str | None:
    """A whole-trust closure round names the closing trust (its schools are the ones brokered)."""
    if scenario == Scenario.MAT_CLOSURE and not has_leaving_group:
        return "Select the closing trust: the round is for a whole trust closing"
    return None


def concern_note_error(*, outcome: str, note: str) -> str | None:
    """A due diligence check found a concern: the note says what it is."""
    if outcome == DueDiligenceOutcome.CONCERN and not (note or "").strip():
        return "Enter what the concern is"
    return None
