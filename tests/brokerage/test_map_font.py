"""The shortlist map names its font on the <svg> (its text inherits it): the sans-serif family the report card
charts are drawn in, not the browser's default serif (tests/browser/test_svg_fonts.py checks it in Chromium)."""

import re

from schoolsystem.brokerage.maps import shortlist_svg
from schoolsystem.core.formatting import SVG_FONT_FAMILY
from schoolsystem.engines.matching.types import ScoredCandidate
from schoolsystem.performance.charts import draw, line_chart


class School:
    easting, northing, name = 500_000.0, 150_000.0, "Low Road Primary"


def test_map_text_uses_the_charts_font_family():
    cands = [ScoredCandidate("p1", "P1", 80, 2.0, (), rank=1)]
    svg = shortlist_svg(School(), cands, {"p1": (502_000.0, 150_000.0)})
    root = svg[: svg.index(">") + 1]
    assert f'font-family="{SVG_FONT_FAMILY}"' in root
    assert "<text" in svg and not re.search(r"<text[^>]*font-family", svg)  # none overrides it
    chart = draw(
        line_chart({"A": (["2020-2021", "2021-2022"], [1.0, 2.0])}, chart_id="c", title="t", ylabel="y")
    )
    assert set(re.findall(r"font-family: ([^;\"]*)", chart)) == {SVG_FONT_FAMILY}
    assert SVG_FONT_FAMILY.endswith(", sans-serif")
