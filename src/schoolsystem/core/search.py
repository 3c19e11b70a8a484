"""Name search that ignores punctuation: "St Marys", "St. Mary's" and "st mary’s" all find St Mary's. The same
rules run in Python (on what the user typed) and in the database (on the stored name, as an expression both
SQLite and PostgreSQL evaluate), so the two always agree and no rows are filtered in Python."""

from __future__ import annotations

from django.db.models import F, Func, Value
from django.db.models.functions import Lower, Replace

# Applied in this order, to the lower-cased name. Apostrophes (straight, curly, backtick), full stops, commas and
# brackets go; hyphens, dashes and slashes become spaces ("Church-of-England" finds "Church of England").
REMOVED = ("'", "\u2019", "\u2018", "`", ".", ",", "(", ")")
TO_SPACE = ("-", "\u2013", "/")
# Runs of spaces collapse to one: two passes of "  " -> " " shorten any run of up to four spaces.
COLLAPSE_PASSES = 2


def normalise_name(text: str) -> str:
    """What `normalised_name` computes in the database, computed in Python."""
    text = text.lower()
    for ch in REMOVED:
        text = text.replace(ch, "")
    for ch in TO_SPACE:
        text = text.replace(ch, " ")
    for _ in range(COLLAPSE_PASSES):
        text = text.replace("  ", " ")
    return text


def normalise_query(text: str) -> str:
    """What the user typed, normalised for `normalised_name(...)__contains`: as a name, trimmed, every run of
    spaces one space."""
    return " ".join(normalise_name(text).split())


def normalised_name(field: str) -> Func:
    """Database expression of `normalise_name(<field>)`, for `annotate(...)` and a `__contains` filter."""
    expr: Func = Lower(F(field))
    for ch in REMOVED:
        expr = Replace(expr, Value(ch), Value(""))
    for ch in TO_SPACE:
        expr = Replace(expr, Value(ch), Value(" "))
    for _ in range(COLLAPSE_PASSES):
        expr = Replace(expr, Value("  "), Value(" "))
    return expr
