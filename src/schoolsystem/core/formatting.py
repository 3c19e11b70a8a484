"""How every app writes values for users, in one place."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

from schoolsystem.engines.text import in_sentence  # noqa: F401 (one rule for engines and apps: used by them from here)

# The fonts of the text in drawn figures: the report card charts (performance.charts, matplotlib) and the SVG maps
# drawn by hand (brokerage.maps) use the same sans-serif list, so a chart and a map read alike. An SVG inline in a
# page needs its own: GOV.UK Frontend sets the font on its classes, not on <body>, and a browser's default is a
# serif (Times in Chromium).
SVG_FONTS = (
    "DejaVu Sans",
    "Bitstream Vera Sans",
    "Computer Modern Sans Serif",
    "Lucida Grande",
    "Verdana",
    "Geneva",
    "Lucid",
    "Arial",
    "Helvetica",
    "Avant Garde",
    "sans-serif",
)
# As matplotlib writes it into a chart's SVG: each name quoted, the generic family last.
SVG_FONT_FAMILY = ", ".join(f if f == "sans-serif" else f"'{f}'" for f in SVG_FONTS)


def govuk_date(day: date | None) -> str:
    """2 February 2027: no leading zero, month in full (GOV.UK style); the same as the templates' |date:"j F Y"."""
    return date_format(day, "j F Y") if day else ""


def govuk_datetime(moment: datetime | None) -> str:
    """6 December 2026 at 2:36am, in local time; midday and midnight by name (GOV.UK style). Every timestamp a page
    shows, so history tables read alike (found in review: "6 Dec 2026 02:36" on one page, "6 December 2026 at
    2:36am" on another)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if (local.hour, local.minute) == (12, 0):
        time = "midday"
    elif (local.hour, local.minute) == (0, 0):
        time = "midnight"
    else:
        time = f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    return f"{govuk_date(local.date())} at {time}"


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except Exception:  # a name the model no longer has (a field removed since the event was written)
        return None


def _value_text(field, value) -> str:
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and field is not None and field.get_internal_type() == "DateField":
        try:
            return govuk_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def change_sentences(model, changes: dict) -> list[str]:
    """An audit event's changes ({"field": [old, new]}) as sentences with the fields' labels: "URN set to 120716",
    "Ofsted rating changed from Good to Outstanding", "Headteacher cleared (was A Smith)". A link to another record
    says only that it changed (its id means nothing to a reader)."""
    lines = []
    for name, values in changes.items():
        old, new = (list(values) + [None, None])[:2] if isinstance(values, list | tuple) else (None, values)
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name.removesuffix("_id").replace("_", " ")
        if field is not None and field.is_relation and label == field.name.replace("_", " "):
            label = str(field.related_model._meta.verbose_name)  # "la" -> "local authority"
        label = label[:1].upper() + label[1:]
        blank_old, blank_new = old in (None, "", []), new in (None, "", [])
        if blank_old and blank_new:
            continue
        if field is not None and field.is_relation:
            lines.append(f"{label} {'set' if blank_old else 'removed' if blank_new else 'changed'}")
        elif blank_old:
            lines.append(f"{label} set to {_value_text(field, new)}")
        elif blank_new:
            lines.append(f"{label} cleared (was {_value_text(field, old)})")
        else:
            lines.append(f"{label} changed from {_value_text(field, old)} to {_value_text(field, new)}")
    return lines
