"""Brokerage rules that need only what the user entered. The forms check them beside their fields' own errors, so
a page shows every problem at once; the services enforce them for every caller. Pure: values in, messages out
(`core.rules`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from schoolsystem.brokerage.constants import (
    PREFERENCE_ORDINALS,
    DueDiligenceOutcome,
    ProposalStatus,
    Scenario,
)
from schoolsystem.core.formatting import govuk_date, in_sentence
from schoolsystem.core.rules import capitalise
from schoolsystem.registry.constants import GroupType

# How the dates are named in messages (the forms' DateField `what` is the same words).
CONSULTATION_HELD_ON = "the date the consultation was held"
DECIDED_ON = "the date of the decision"


def not_before_round(value: date | None, *, started_on: date, what: str) -> str | None:
    """A date of the round's brokerage (the school's consultation, the board's decision) is on or after the day the
    round started: the school is consulted about, and the board decides, a proposal the round made. `what` names the
    date as the form does; the message names the earliest date allowed (the Design System's "must be the same as or
    after")."""
    if isinstance(value, date) and value < started_on:
        return f"{capitalise(what)} must be the same as or after {govuk_date(started_on)}, when the round started"
    return None


HAND_OFF_MAX_DAYS = 730  # about two years: a conversion or transfer is planned for months ahead, not decades


def hand_off_date_error(value: date | None, *, today: date) -> str | None:
    """The date a brokered move takes effect is at most about two years ahead: further off is a mistyped year
    (2099), which would show the school as planned to join the trust for decades. (Not before the board's decision
    is the service's rule: it needs the decision.)"""
    latest = today + timedelta(days=HAND_OFF_MAX_DAYS)
    if isinstance(value, date) and value > latest:
        return f"The effective date must be within 2 years of today, by {govuk_date(latest)}"
    return None


# Why a round with no schools yet can be neither shortlisted nor planned (one sentence for both: the page says it once).
NO_SCHOOLS = (
    "Add a school to the round first: shortlists are drawn up, and the plan proposed, for the round's schools"
)


# Why a round without a plan has no what-if: it compares a change with the plan proposed.
NO_PLAN_FOR_WHAT_IF = "Propose the plan first: a what-if shows how the proposed plan would change, and this round has no plan yet"


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


# Why a round of each other scenario names no closing trust (closing_trust_error).
_NO_CLOSING_TRUST = {
    Scenario.ACADEMY_ORDER: "an academy-order round is for maintained schools, which have no trust to leave",
    Scenario.LEAD_PARTNER: "a lead-partner round is for maintained schools, which have no trust to leave",
    Scenario.REBROKERAGE: "in a re-brokerage round each school leaves its own trust, which the plan already knows",
}


def closing_trust_error(
    *, scenario: str, has_leaving_group: bool, group_type: str = "", group_name: str = ""
) -> str | None:
    """Only a whole-MAT closure round names a closing trust (seed 003 re-brokerage 4: its schools are the ones
    brokered, and it is no partner for them), and it must: a multi-academy trust. Any other round names none: the
    trust would be taken for every school's current trust, and so never proposed to them. `group_type`: the
    registry type of the trust named, when one is and its type is known."""
    if scenario == Scenario.MAT_CLOSURE:
        if not has_leaving_group:
            return "Select the closing trust: the round is for a whole trust closing"
        if group_type and group_type != GroupType.MULTI_ACADEMY_TRUST:
            what = in_sentence(GroupType(group_type).label) if group_type in GroupType.values else group_type
            return (
                f"Select a multi-academy trust as the closing trust: {group_name or 'the one selected'} is "
                f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"
            )
        return None
    if has_leaving_group:
        why = _NO_CLOSING_TRUST.get(scenario, "only a whole-MAT closure round has one")
        return f"Remove the closing trust, or choose a whole-MAT closure: {why}"
    return None


def brokered_elsewhere_message(*, school: str, reference: str, title: str) -> str:
    """A school is brokered in one round at a time: `school` is in round `reference` (`title`), not closed."""
    return (
        f"{school} is already in round {reference} ({title}), which is not closed. Close that round, or withdraw the "
        "school's proposal there, first."
    )


def approved_move_message(*, school: str, partner: str, reference: str, approved_on: str = "") -> str:
    """A school is not brokered again while a move the advisory board approved (on `approved_on`, a GOV.UK date,
    when known) in round `reference` is still to take effect."""
    when = f" on {approved_on}" if approved_on else ""
    return (
        f"{school} already has an approved move to {partner}: the advisory board approved it{when} in round "
        f"{reference}. It cannot be brokered again until that move has taken effect."
    )


OUTSIDE_AREA = "The school is outside this round's area."


def performing_error(*, scenario: str, performing: bool) -> str | None:
    """Only the schools of a closing trust help choose their next trust (seed 003 re-brokerage 4: performing
    schools of a whole-MAT closure); in any other round the department decides for every school."""
    if performing and scenario != Scenario.MAT_CLOSURE:
        return "Untick performing school: only the schools of a closing trust choose their trust (a whole-MAT closure)"
    return None


def concern_note_error(*, outcome: str, note: str) -> str | None:
    """A due diligence check found a concern: the note says what it is."""
    if outcome == DueDiligenceOutcome.CONCERN and not (note or "").strip():
        return "Enter what the concern is"
    return None


def shortlist_refusal(*, n_schools: int) -> str | None:
    """Shortlists are drawn up for the round's schools: none yet, nothing to draw up."""
    if not n_schools:
        return NO_SCHOOLS
    return None


def plan_refusal(*, n_schools: int, proposal_statuses: Collection[str]) -> str | None:
    """Proposing the plan (again) places the round's schools and replaces every proposal of the round, so it is
    possible only while no proposal has moved on from 'proposed' (a withdrawn, declined or approved proposal stays
    on the record with its decision). `proposal_statuses`: the status of each of the round's proposals."""
    if not n_schools:
        return NO_SCHOOLS
    moved_on = [s for s in proposal_statuses if s != ProposalStatus.PROPOSED]
    if not moved_on:
        return None
    which = ", ".join(
        f"{moved_on.count(s)} {in_sentence(ProposalStatus(s).label)}"
        for s in ProposalStatus.values
        if s in moved_on
    )
    again = ""
    if {ProposalStatus.WITHDRAWN, ProposalStatus.DECLINED} & set(moved_on):
        again = ". A school whose proposal was withdrawn or declined can be brokered in a new round"
    return (
        "The plan cannot be proposed again: re-planning replaces every proposal of the round, and "
        f"{len(moved_on)} {'has' if len(moved_on) == 1 else 'have'} moved on from proposed ({which}){again}"
    )
