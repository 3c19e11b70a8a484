"""Matplotlib (Agg) line charts rendered to inline, accessible SVG."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#6f72af", "#f47738"]


def line_chart(
    series: dict[str, tuple[list[str], list[float | None]]],
    *,
    title: str,
    ylabel: str,
    zero_line: bool = False,
) -> str:
    """{label: (years, values)} -> an <svg> string with role="img" and a title naming the chart."""
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=72)
    for i, (label, (years, values)) in enumerate(series.items()):
        pts = [(y[:4] + "/" + y[7:9], v) for y, v in zip(years, values, strict=True) if v is not None]
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
    if zero_line:
        ax.axhline(0, color="#505a5f", linewidth=0.8)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", svg, count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" class="app-chart" ', 1)
