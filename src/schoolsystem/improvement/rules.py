"""Casework rules that need only what the user entered. The forms check them beside their fields' own errors, so
a page shows every problem at once; the services enforce them for every caller (API, commands). Pure: values in,
messages by field out (`core.rules`)."""

from __future__ import annotations

from datetime import date, timedelta

from schoolsystem.core.formatting import govuk_date
from schoolsystem.core.rules import capitalise, not_after_today, years_after
from schoolsystem.improvement.constants import INTERVENTION_RULES, ConsultationOutcome, WarningGround

# How each date is named in messages (the forms' DateField `what` is the same words).
VISITED_ON = "the date of the visit"
CONVERSATION_ON = "the date of the conversation"
CONSULTED_ON = "the date of the consultation"
REVIEWED_ON = "the date of the review"
MILESTONE_DONE_ON = "the date the milestone was done"
DECIDED_ON = "the date of the decision"
NOTICE_ISSUED_ON = "the date the notice was issued"
COMPLIANCE_BY = "the compliance date"
IDENTIFIED_ON = "the date the concern was identified"

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


def not_before_identified(value: date | None, *, identified_on: date | None, what: str) -> str | None:
    """A dated step of a case (its warning notice, a consultation) is on or after the date the concern was
    identified: a step before it would make the case look identified after it ("The date of the consultation must be
    on or after 3 November 2026, the date the concern was identified"). None when it holds or a date is missing."""
    if isinstance(value, date) and isinstance(identified_on, date) and value < identified_on:
        return f"{capitalise(what)} must be on or after {govuk_date(identified_on)}, {IDENTIFIED_ON}"
    return None


# A case records a concern about a school now: one identified more than ten years ago (1 January 1900, say) is a
# mistyped year, and would put the case first on every "oldest" list.
IDENTIFIED_WITHIN_YEARS = 10


def identified_on_error(
    identified_on: date | None, *, today: date, earliest_step: date | None = None
) -> str | None:
    """The date the concern was identified: today or earlier, within the last ten years, and not after the case's earliest dated step already
    recorded (`earliest_step`: its warning notice or first consultation), so every step stays on or after it."""
    future = not_after_today(identified_on, today=today, what=IDENTIFIED_ON)
    if future:
        return future
    earliest = years_after(today, -IDENTIFIED_WITHIN_YEARS)
    if isinstance(identified_on, date) and identified_on < earliest:
        return (
            f"{capitalise(IDENTIFIED_ON)} must be within the last {IDENTIFIED_WITHIN_YEARS} years, on or after "
            f"{govuk_date(earliest)}"
        )
    if isinstance(identified_on, date) and isinstance(earliest_step, date) and identified_on > earliest_step:
        return (
            f"{capitalise(IDENTIFIED_ON)} must be on or before {govuk_date(earliest_step)}, the date of the "
            "case's first dated step (warning notice, consultation, conversation, visit or review)"
        )
    return None


def warning_grounds_error(grounds) -> str | None:
    """A warning notice is issued on at least one of the grounds (seed 002), each one of `WarningGround`."""
    if not grounds or any(g not in WarningGround.values for g in grounds):
        return "Select at least one ground for the warning notice"
    return None


def warning_notice_date_errors(
    *,
    issued_on: date | None,
    compliance_by: date | None,
    today: date,
    backdate_days: int,
    max_compliance_days: int | None = None,
) -> dict[str, str]:
    """The warning notice's dates, messages by field ({} when they hold).

    The date issued (None: not entered, so today) is today or earlier, and at most `backdate_days` back: dated
    further, the notice's compliance period could be over before the case showed it and an intervention (which waits
    for the compliance date) chosen at once. The compliance date comes after the date issued; for a notice issued
    today, that is in the future. The compliance date is measured from the date issued as entered, even when that
    date has its own error (in the future, or too far back), so one submission shows every error. A None compliance
    date (not entered or not a real date) is the field's own error, not this rule's. The compliance date is at most
    `max_compliance_days` after the date issued (None: no limit): a date years off is a typing slip that would hold
    the case for years."""
    errors: dict[str, str] = {}
    issued = issued_on or today
    earliest = today - timedelta(days=backdate_days)
    if future := not_after_today(issued, today=today, what=NOTICE_ISSUED_ON):
        errors["issued_on"] = future
    elif issued < earliest:
        errors["issued_on"] = (
            f"The date the notice was issued must be within the last {backdate_days} days, on or after "
            f"{govuk_date(earliest)}. For an older notice, issue it with today's date and give the earlier date "
            "in the note"
        )
    if isinstance(compliance_by, date) and compliance_by <= issued:
        errors["compliance_by"] = (
            "The compliance date must be in the future"
            if issued == today
            else "The compliance date must be after the date the notice was issued"
        )
    elif (
        isinstance(compliance_by, date)
        and max_compliance_days is not None
        and compliance_by > issued + timedelta(days=max_compliance_days)
    ):
        latest = issued + timedelta(days=max_compliance_days)
        period = (
            f"{max_compliance_days // 7} weeks"
            if max_compliance_days % 7 == 0
            else f"{max_compliance_days} days"
        )
        errors["compliance_by"] = (
            f"The compliance date must be on or before {govuk_date(latest)}, {period} after the date the notice "
            "was issued"
        )
    return errors


def field_texts(value) -> list[str]:
    """A decision field's text as a list: a text, or a list of texts such as the options considered."""
    return [str(v) for v in value] if isinstance(value, list) else [str(value or "")]


def passage_missing(value, passage: str) -> bool:
    """A redaction's exact words to withhold are not in the field's text (`field_texts`). The words are matched as
    typed, after trimming."""
    passage = passage.strip()
    return bool(passage) and not any(passage in text for text in field_texts(value))
