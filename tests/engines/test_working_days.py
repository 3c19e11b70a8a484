"""Working days in England and Wales: bank holidays as gov.uk publishes them, and properties of the day arithmetic."""

from datetime import date, timedelta

import pytest
from dateutil.easter import easter as dateutil_easter
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.engines.working_days import (
    PROCLAIMED,
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
    next_working_day,
)

# gov.uk/bank-holidays, England and Wales.
GOV_UK = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
}


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_bank_holidays_match_gov_uk(year):
    assert bank_holidays(year) == {date.fromisoformat(f"{year}-{md}") for md in GOV_UK[year]}


def test_christmas_2026_rolls_to_the_next_working_day():
    # 25 December 2026 is a Friday (Christmas Day), 26th-27th a weekend, 28th the Boxing Day substitute.
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2027, 3, 25), 2) == date(2027, 3, 31)  # over Good Friday and Easter Monday


def test_extra_holidays_are_skipped_too():
    assert next_working_day(date(2026, 7, 1), extra_holidays=[date(2026, 7, 1)]) == date(2026, 7, 2)


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@given(st.integers(min_value=1583, max_value=4099))
def test_easter_matches_dateutil_and_is_a_sunday_in_its_window(year):
    day = easter_sunday(year)
    assert day == dateutil_easter(year)
    assert day.weekday() == 6 and date(year, 3, 22) <= day <= date(year, 4, 25)


@given(st.integers(min_value=1980, max_value=2200))
def test_bank_holidays_are_weekdays_of_the_year_eight_unless_proclaimed(year):
    days = bank_holidays(year)
    assert all(d.year == year and d.weekday() < 5 for d in days)
    easter = easter_sunday(year)
    assert {easter - timedelta(days=2), easter + timedelta(days=1)} <= days
    if year not in PROCLAIMED:
        assert len(days) == 8


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 1))


@given(days)
def test_next_working_day_is_the_first_working_day_on_or_after(day):
    found = next_working_day(day)
    assert is_working_day(found) and day <= found <= day + timedelta(days=6)
    between = [day + timedelta(days=i) for i in range((found - day).days)]
    assert not any(is_working_day(d) for d in between)


@given(days, st.integers(min_value=0, max_value=60))
def test_add_working_days_counts_exactly_n_working_days(start, n):
    end = add_working_days(start, n)
    assert is_working_day(end)
    if n == 0:
        assert end == next_working_day(start)
    else:
        assert sum(is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)) == n
