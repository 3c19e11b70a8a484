"""School terms, for capacity "per term" (days per term). Pure Python, no Django.

Terms cover the whole year without gaps, so every day belongs to exactly one term:
autumn from 1 September to 31 December, spring from 1 January to 31 March, summer from 1 April to 31 August
(the summer holiday counts to the summer term). Easter moves and LAs set their own term dates, so the boundaries are
named data (`TERM_STARTS`) rather than rules in code; pass other starts to follow a local calendar.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# (month, day, name) of each term's first day, in calendar order.
TERM_STARTS: tuple[tuple[int, int, str], ...] = ((1, 1, "spring"), (4, 1, "summer"), (9, 1, "autumn"))


@dataclass(frozen=True)
class Term:
    name: str  # "autumn", "spring" or "summer"
    start: date
    end: date  # inclusive

    @property
    def academic_year(self) -> str:
        """The academic year the term belongs to, e.g. "2026/27" for autumn 2026 and spring 2027."""
        first = self.start.year if self.start.month >= 9 else self.start.year - 1
        return f"{first}/{(first + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.academic_year}"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def term_for(day: date, starts: tuple[tuple[int, int, str], ...] = TERM_STARTS) -> Term:
    """The term `day` falls in."""
    ordered = sorted(starts)
    if not ordered:
        raise ValueError("No term starts given.")
    # The latest start on or before `day`, this year or (before the first start) last year's last term.
    candidates = [date(day.year, m, d) for m, d, _ in ordered]
    index = max((i for i, s in enumerate(candidates) if s <= day), default=None)
    if index is None:
        m, d, name = ordered[-1]
        start = date(day.year - 1, m, d)
        end = candidates[0] - timedelta(days=1)
        return Term(name, start, end)
    name = ordered[index][2]
    start = candidates[index]
    if index + 1 < len(ordered):
        end = candidates[index + 1] - timedelta(days=1)
    else:
        m, d, _ = ordered[0]
        end = date(day.year + 1, m, d) - timedelta(days=1)
    return Term(name, start, end)
