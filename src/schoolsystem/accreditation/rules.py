"""Accreditation rules that need only what the user entered. The forms check them beside their fields' own
errors, so a page shows every problem at once; the services enforce them for every caller. Pure: values in,
messages out (`core.rules`). Rules that need the database (a round's name taken, rounds overlapping) stay in the
services."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from schoolsystem.core.rules import years_after

# How the dates are named in messages (the forms' DateField `what` is the same words).
ROUND_OPENS_ON = "the date the round opens"
ROUND_CLOSES_ON = "the date the round closes"
ARRANGEMENT_AGREED_ON = "the date the arrangement was agreed"


def round_dates_error(*, opens_on: date | None, closes_on: date | None) -> str | None:
    """A round (§3.4) closes after the day it opens."""
    if isinstance(opens_on, date) and isinstance(closes_on, date) and closes_on <= opens_on:
        return "The date the round closes must be after the date it opens"
    return None


SUSPENSION_REASON_MISSING = "Enter the reason for suspending the accreditation"
REVIEW_FINDINGS_MISSING = "Enter the findings of the review"
REVIEW_DUE_ON = "the review date"
NEXT_REVIEW_ON = "the next review date"


# A new or renewed accreditation is reviewed after REVIEW_AFTER_YEARS unless the decision gives another date, and
# never later than REVIEW_MAX_YEARS from the decision: a date further off is a mistyped year (2099), and would leave
# a provider unreviewed for the whole of a partnership expected to last five to ten years (seed 000 §1.4).
REVIEW_AFTER_YEARS = 3
REVIEW_MAX_YEARS = 5


def default_review_date(today: date) -> date:
    return years_after(today, REVIEW_AFTER_YEARS)


def review_date_error(value: date | None, *, today: date, what: str) -> str | None:
    """An accreditation, when granted or renewed after its review (§3.9), is next reviewed after today and within
    REVIEW_MAX_YEARS (none given: the default period, which is). `what` names the date ("the review date")."""
    if not isinstance(value, date):
        return None
    if value <= today:
        return f"{what[:1].upper()}{what[1:]} must be in the future"
    if value > years_after(today, REVIEW_MAX_YEARS):
        return f"{what[:1].upper()}{what[1:]} must be within {REVIEW_MAX_YEARS} years of today"
    return None


def la_codes_error(codes: list[str], *, known: Collection[str]) -> str | None:
    """Each area a proposal covers is a local authority in the register (`known`: those of `codes` it holds),
    named by its three-digit code. The message names the codes that are not."""
    bad = [code for code in codes if not (code.isdigit() and len(code) == 3)]
    if bad:
        return f"Local authority codes are three digits, for example 936: {_listed(bad)} {_is(bad)} not"
    unknown = [code for code in codes if code not in known]
    if unknown:
        what = "a local authority code" if len(unknown) == 1 else "local authority codes"
        return (
            f"{_listed(unknown)} {_is(unknown)} not {what} in the register: check the local authority codes, "
            "or find them in the list of local authorities"
        )
    return None


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _is(items: list[str]) -> str:
    return "is" if len(items) == 1 else "are"
