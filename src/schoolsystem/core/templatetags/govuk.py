"""`{% load govuk %}`: GOV.UK house style for values in templates (core.formatting)."""

from django import template

from schoolsystem.core.formatting import govuk_datetime as _govuk_datetime

register = template.Library()


@register.filter
def govuk_datetime(value):
    """{{ event.occurred_on|govuk_datetime }} -> 6 December 2026 at 2:36am."""
    return _govuk_datetime(value)
