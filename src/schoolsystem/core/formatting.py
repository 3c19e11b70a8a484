"""How every app writes values for users, in one place."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format


def govuk_date(day: date | None) -> str:
    """2 February 2027: no leading zero, month in full (GOV.UK style); the same as the templates' |date:"j F Y"."""
    return date_format(day, "j F Y") if day else ""
