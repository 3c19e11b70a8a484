"""Terms for termly capacity: exact boundaries and the no-gap, no-overlap property."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.engines.support import Term, term_for


def test_term_boundaries():
    assert term_for(date(2026, 9, 1)) == Term("autumn", date(2026, 9, 1), date(2026, 12, 31))
    assert term_for(date(2026, 12, 31)).name == "autumn"
    assert term_for(date(2027, 1, 1)) == Term("spring", date(2027, 1, 1), date(2027, 3, 31))
    assert term_for(date(2027, 3, 31)).name == "spring"
    assert term_for(date(2027, 4, 1)) == Term("summer", date(2027, 4, 1), date(2027, 8, 31))
    assert term_for(date(2027, 8, 31)).name == "summer"


def test_academic_year_and_label():
    assert term_for(date(2026, 10, 5)).label == "Autumn term 2026/27"
    assert term_for(date(2027, 2, 5)).academic_year == "2026/27"
    assert term_for(date(2027, 6, 5)).academic_year == "2026/27"
    assert term_for(date(1999, 9, 1)).academic_year == "1999/00"


def test_local_calendar_with_a_later_summer_start():
    starts = ((1, 6, "spring"), (4, 20, "summer"), (9, 3, "autumn"))
    assert term_for(date(2027, 1, 3), starts) == Term("autumn", date(2026, 9, 3), date(2027, 1, 5))
    assert term_for(date(2027, 4, 19), starts) == Term("spring", date(2027, 1, 6), date(2027, 4, 19))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_every_day_is_in_exactly_its_term_and_terms_follow_each_other(day):
    term = term_for(day)
    assert day in term and term_for(term.start) == term and term_for(term.end) == term
    following = term_for(term.end + timedelta(days=1))
    assert following.start == term.end + timedelta(days=1)
    assert {"autumn": "spring", "spring": "summer", "summer": "autumn"}[term.name] == following.name
