"""Small inline SVG maps drawn from GIAS Easting/Northing (British National Grid, metres): every establishment of
an area as a grey dot, the ones a page is about highlighted. No tiles, no JavaScript, nothing fetched from elsewhere.
"""

from collections.abc import Collection, Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
MARGIN = 12
GREY = "#b1b4b6"  # GOV.UK mid-grey
HIGHLIGHT = "#d4351c"  # GOV.UK red: visible against grey for most colour vision
OUTLINE = "#0b0c0c"


def svg_map(
    points: Iterable[tuple[int, int, int]],
    *,
    highlight: Collection[int],
    title: str,
    description: str,
    map_id: str = "map",
) -> SafeString:
    """An accessible SVG (role="img" named by <title>/<desc>) of `points` (urn, easting, northing); URNs in
    `highlight` are drawn last, larger, red with a black outline. North is up; scale preserved."""
    points = list(points)
    title_id, desc_id = f"{map_id}-title", f"{map_id}-desc"
    if not points:
        return mark_safe(
            f'<p class="govuk-body" id="{escape(map_id)}">No locations are recorded for this map.</p>'
        )
    eastings = [e for _, e, _ in points]
    northings = [n for _, _, n in points]
    min_e, max_e, min_n, max_n = min(eastings), max(eastings), min(northings), max(northings)
    span = max(
        max_e - min_e, max_n - min_n, 1000
    )  # at least 1 km across, so one school is not a full-width dot
    scale = (WIDTH - 2 * MARGIN) / span
    width = round((max_e - min_e) * scale + 2 * MARGIN)
    height = round((max_n - min_n) * scale + 2 * MARGIN)

    def xy(easting: int, northing: int) -> tuple[float, float]:
        return round((easting - min_e) * scale + MARGIN, 1), round((max_n - northing) * scale + MARGIN, 1)

    grey, red = [], []
    for urn, easting, northing in points:
        x, y = xy(easting, northing)
        if urn in highlight:
            red.append(
                f'<circle cx="{x}" cy="{y}" r="6" fill="{HIGHLIGHT}" stroke="{OUTLINE}" stroke-width="2"/>'
            )
        else:
            grey.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{GREY}"/>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" focusable="false" class="app-map__svg">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>'
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#f3f2f1" stroke="{GREY}"/>'
        f'<g aria-hidden="true">{"".join(grey)}{"".join(red)}</g>'
        "</svg>"
    )
    return mark_safe(svg)  # every interpolated text is escaped above; numbers are ours
