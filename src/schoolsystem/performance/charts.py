"""Line charts for the report card and scorecards: a `Chart` holds the figures, its title, axis labels and an id
unique on the page; its SVG (matplotlib, Agg-free SVG backend) is drawn only when a page shows it, and kept in the
cache keyed on everything drawn, so the same figures are never drawn twice.

Accessibility: the SVG is `role="img"` named by the chart's title; every id inside it carries the chart's id, so
two charts on a page never share an id (matplotlib names its groups `figure_1`, `axes_1`, ... in every file); the
page shows the title as the figure's caption and the figures as a table (the text alternative)."""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache

from schoolsystem.core.formatting import SVG_FONTS

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#6f72af", "#f47738"]
# Bump when the drawing changes, so cached SVGs drawn the old way are not served.
DRAWING_VERSION = 4
CACHE_SECONDS = 60 * 60 * 24 * 7


def year_label(year: str) -> str:
    """'2018-2019' or '201819' style academic years as '2018/19'; anything else unchanged."""
    digits = re.sub(r"\D", "", year)
    if len(digits) == 8:
        return f"{digits[:4]}/{digits[6:]}"
    if len(digits) == 6:
        return f"{digits[:4]}/{digits[4:]}"
    return year


@dataclass(frozen=True)
class Chart:
    """One line chart: `series` is ((label, values), ...) over `years`; None is a year without a figure."""

    id: str
    title: str
    ylabel: str
    years: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    xlabel: str = "Academic year"
    zero_line: bool = False
    decimals: int = 2
    unit: str = ""

    @property
    def year_labels(self) -> list[str]:
        return [year_label(y) for y in self.years]

    @property
    def rows(self) -> list[dict]:
        """The figures as table rows (one per year), the chart's text alternative."""
        return [
            {"year": year_label(y), "values": [values[i] for _, values in self.series]}
            for i, y in enumerate(self.years)
        ]

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.series]

    @property
    def cache_key(self) -> str:
        return "chart-svg:" + hashlib.sha256(repr((DRAWING_VERSION, self)).encode()).hexdigest()

    @cached_property
    def svg(self) -> str:
        svg = cache.get(self.cache_key)
        if svg is None:
            svg = draw(self)
            cache.set(self.cache_key, svg, CACHE_SECONDS)
        return svg


def line_chart(
    series: dict[str, tuple[list[str], list[float | None]]],
    *,
    chart_id: str,
    title: str,
    ylabel: str,
    xlabel: str = "Academic year",
    zero_line: bool = False,
    decimals: int = 2,
    unit: str = "",
) -> Chart:
    """{label: (years, values)} -> a Chart over the union of the years (sorted), each series aligned to them."""
    years = sorted({y for ys, _ in series.values() for y in ys})
    aligned = []
    for label, (ys, values) in series.items():
        by_year = dict(zip(ys, values, strict=True))
        aligned.append((label, tuple(_number(by_year.get(y)) for y in years)))
    return Chart(
        id=chart_id,
        title=title,
        ylabel=ylabel,
        xlabel=xlabel,
        years=tuple(years),
        series=tuple(aligned),
        zero_line=zero_line,
        decimals=decimals,
        unit=unit,
    )


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else value  # NaN is a missing figure


def draw(chart: Chart) -> str:
    """Draw `chart` as an inline <svg>: sized by its viewBox (the page's CSS sets the width), every id prefixed
    with the chart's id. matplotlib's Figure API is used, not pyplot: no global figure state, safe in threads."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    # Set, not swapped in and out with rc_context (which is not thread-safe), and the same for every chart: a fixed
    # hash salt makes the SVG depend only on the figures (clip-path ids are otherwise random); text stays text.
    matplotlib.rcParams["svg.hashsalt"] = "schoolsystem-charts"
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = list(SVG_FONTS)  # the maps' fonts too (core.formatting)
    fig = Figure(figsize=(6.4, 3.4), dpi=72)
    FigureCanvasSVG(fig)
    # Fixed margins instead of tight_layout: it measured every label twice and cost a third of the drawing time.
    ax = fig.add_axes((0.13, 0.17, 0.84, 0.78))
    x = list(range(len(chart.years)))
    for i, (label, values) in enumerate(chart.series):
        pts = [(xi, v) for xi, v in zip(x, values, strict=True) if v is not None]
        if not pts:
            continue
        ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            marker="o",
            color=PALETTE[i % len(PALETTE)],
            label=label,
            linewidth=2.5 if i == 0 else 1.5,
        )
    ax.set_xticks(x, chart.year_labels)
    ax.set_xlim(-0.3, len(x) - 0.7)
    if chart.zero_line:
        ax.axhline(0, color="#505a5f", linewidth=0.8)
    ax.set_xlabel(chart.xlabel)
    # The axis is about 190 px tall: a long label ("KS2 reading progress score (0 = national average)") is cut
    # off unless it is wrapped onto lines that fit.
    ax.set_ylabel(textwrap.fill(chart.ylabel, 38))
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=9)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # no drawing date: same figures, same SVG
    return _prefix_ids(buf.getvalue(), chart.id, chart.title)


def warm_up() -> None:
    """Import matplotlib and load its fonts once, when the web server starts (wsgi.py), so the first report card
    a user opens does not wait for them (about half a second to a second on this machine)."""
    draw(line_chart({"": (["2000-2001"], [0.0])}, chart_id="warm-up", title="", ylabel=""))


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def _prefix_ids(svg: str, prefix: str, title: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
