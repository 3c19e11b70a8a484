"""Working days in England and Wales: Monday to Friday, not a bank holiday. Pure Python (no Django).

Bank holidays follow the Banking and Financial Dealings Act 1971 as the UK government applies it (gov.uk/bank-holidays):
New Year's Day, Good Friday, Easter Monday, the early May bank holiday (first Monday in May), the spring bank holiday
(last Monday in May), the summer bank holiday (last Monday in August), Christmas Day and Boxing Day; a holiday on a
Saturday or Sunday moves to the next weekday that is not already a holiday (the "substitute day"). One-off changes are
made by royal proclamation, so they are listed by hand in `PROCLAIMED` (moved days and extra days): add a new one when
it is announced.

Why not the `holidays` package from PyPI: it would be a new runtime dependency for eight fixed rules, and its lists
change with its releases; here the rules are short, tested against gov.uk's published dates, and the proclaimed
exceptions are visible in one table.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

# Proclaimed changes: year -> (days that are NOT bank holidays that year although a rule gives them, extra days).
PROCLAIMED: dict[int, tuple[frozenset[date], frozenset[date]]] = {
    # Royal wedding.
    2011: (frozenset(), frozenset({date(2011, 4, 29)})),
    # Diamond Jubilee: spring bank holiday moved from 28 May to 4 June, and 5 June added.
    2012: (frozenset({date(2012, 5, 28)}), frozenset({date(2012, 6, 4), date(2012, 6, 5)})),
    # 75th anniversary of VE Day: early May bank holiday moved from 4 May to Friday 8 May.
    2020: (frozenset({date(2020, 5, 4)}), frozenset({date(2020, 5, 8)})),
    # Platinum Jubilee (spring bank holiday moved from 30 May to 2 June, 3 June added); state funeral, 19 September.
    2022: (
        frozenset({date(2022, 5, 30)}),
        frozenset({date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}),
    ),
    # Coronation of King Charles III.
    2023: (frozenset(), frozenset({date(2023, 5, 8)})),
}


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _with_substitutes(days: list[date]) -> set[date]:
    """Each day in order; one on a weekend moves to the next weekday not already taken (Christmas on a Saturday:
    Monday 27th; then Boxing Day, a Sunday, moves to Tuesday 28th)."""
    taken: set[date] = set()
    for day in days:
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.add(day)
    return taken


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of England and Wales in `year` (substitute days included)."""
    easter = easter_sunday(year)
    fixed = _with_substitutes([date(year, 1, 1)])
    christmas = _with_substitutes([date(year, 12, 25), date(year, 12, 26)])
    days = {
        *fixed,
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
        *christmas,
    }
    removed, added = PROCLAIMED.get(year, (frozenset(), frozenset()))
    return frozenset((days - removed) | added)


def is_working_day(day: date, extra_holidays: Iterable[date] = ()) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales (nor one of `extra_holidays`)."""
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in set(extra_holidays)


def next_working_day(day: date, extra_holidays: Iterable[date] = ()) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    extra = frozenset(extra_holidays)
    while not is_working_day(day, extra):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int, extra_holidays: Iterable[date] = ()) -> date:
    """The `n`th working day after `start` (n >= 0; n == 0 gives `start` moved on to a working day)."""
    if n < 0:
        raise ValueError("n must not be negative")
    extra = frozenset(extra_holidays)
    day = next_working_day(start, extra) if n == 0 else start
    for _ in range(n):
        day = next_working_day(day + timedelta(days=1), extra)
    return day
