"""Rules a form and a service both check: the form, so a page shows every problem at once (the fields' own
errors and the rule's together, not in two rounds); the service, so no other caller can get past it. Each rule is
a pure function, values in and the user's message out (None when the rule holds), and both call the same one, so
the wording and the rule cannot drift apart."""

from __future__ import annotations

from datetime import date


def capitalise(text: str) -> str:
    """The text with its first letter upper-cased (the rest kept: 'the URN' -> 'The URN')."""
    return text[:1].upper() + text[1:]


def years_after(day: date, years: int) -> date:
    """The same day `years` later (earlier for a negative number); 28 February for 29 February in a year that has
    none. `date.replace(year=...)` alone raises ValueError on 29 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def not_after_today(value: date | None, *, today: date, what: str) -> str | None:
    """A date of something that has happened: today or earlier. `what` names the date as the form does ("the
    date of the visit"); the message is the Design System's: "The date of the visit must be today or in the past"."""
    if isinstance(value, date) and value > today:
        return f"{capitalise(what)} must be today or in the past"
    return None
