"""Casework rules that need only what the user entered. The forms check them beside their fields' own errors, so
a page shows every problem at once; the services enforce them for every caller (API, commands). Pure: values in,
messages by field out (`core.rules`)."""

from __future__ import annotations

from schoolsystem.improvement.constants import INTERVENTION_RULES, ConsultationOutcome

# How each date is named in messages (the forms' DateField `what` is the same words).
VISITED_ON = "the date of the visit"
CONVERSATION_ON = "the date of the conversation"
CONSULTED_ON = "the date of the consultation"
REVIEWED_ON = "the date of the review"
MILESTONE_DONE_ON = "the date the milestone was done"
DECIDED_ON = "the date of the decision"

# A consultation still waiting for the school's answer, or one the school refused to engage with, has no response
# to record; every other outcome needs what the school said.
NO_RESPONSE_OUTCOMES = frozenset({ConsultationOutcome.REFUSED_TO_ENGAGE, ConsultationOutcome.AWAITING})


def consultation_response_error(*, outcome: str, school_response: str) -> str | None:
    """What the school said is recorded with every outcome but awaiting and refused to engage (seed 003 proposal 6)."""
    if outcome in NO_RESPONSE_OUTCOMES or (school_response or "").strip():
        return None
    return "Enter what the school said"


def intervention_partner_error(
    *, option: str, partner_name: str, has_partner_group: bool = False
) -> str | None:
    """An intervention led by a partner (a school, leader or trust: `INTERVENTION_RULES`) names it."""
    rule = INTERVENTION_RULES.get(option)
    if rule is None or not rule.needs_partner or (partner_name or "").strip() or has_partner_group:
        return None
    return "Enter the partner school, leader or trust"
