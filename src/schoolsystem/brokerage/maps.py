"""Server-side SVG map of a school and its candidates from British National Grid eastings and northings."""

import math
from html import escape

from schoolsystem.core.formatting import SVG_FONT_FAMILY


def shortlist_svg(
    school, ranked, partner_points: dict[str, tuple[float, float]], width: int = 560, height: int = 420
) -> str:
    """The school at the centre, each ranked candidate's nearest school as a numbered dot, lines labelled in km.
    `partner_points`: partner id -> (easting, northing) of its nearest location to the school."""
    if school.easting is None or school.northing is None:
        return ""
    pts = [(school.easting, school.northing)] + [
        partner_points[c.partner_id] for c in ranked if c.partner_id in partner_points
    ]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 2000.0) * 1.15
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = min(width, height) / span

    def xy(e, n):
        return width / 2 + (e - cx) * scale, height / 2 - (n - cy) * scale

    sx, sy = xy(school.easting, school.northing)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="map-title" font-family="{SVG_FONT_FAMILY}"><title id="map-title">Map of {escape(school.name)} and its '
        f"{len(ranked)} ranked candidates</title>",
        f'<rect width="{width}" height="{height}" fill="#f3f2f1"/>',
    ]
    placed = [(c, *xy(*partner_points[c.partner_id])) for c in ranked if c.partner_id in partner_points]
    # The name reads away from the nearer edge, so it is not cut off on the right.
    lx, anchor = (sx - 13, "end") if sx > width / 2 else (sx + 13, "start")
    name_w = 7.0 * len(school.name)
    name_box = (lx - name_w if anchor == "end" else lx, sy - 8, name_w, 16)
    # The school, its name and the markers already drawn are obstacles: markers go round them, in rank order.
    name_points = [(name_box[0] + k, sy) for k in range(0, int(name_w) + 1, 10)]
    spots = spread([(px, py) for _c, px, py in placed], fixed=[(sx, sy), *name_points])
    for _c, px, py in placed:
        parts.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{px:.1f}" y2="{py:.1f}" stroke="#505a5f" stroke-width="1"/>'
        )
    # Distances by their lines where there is room (best ranks first); the table gives every one.
    boxes = [name_box] + [(mx - 10, my - 10, 20, 20) for mx, my in spots] + [(sx - 11, sy - 11, 22, 22)]
    for c, px, py in placed:
        label = f"{c.distance_km:.1f} km"
        box = ((sx + px) / 2, (sy + py) / 2 - 12, 6.2 * len(label), 12)
        if any(_overlap(box, b) for b in boxes):
            continue
        boxes.append(box)
        parts.append(
            f'<text x="{box[0]:.1f}" y="{box[1] + 10:.1f}" font-size="11" fill="#0b0c0c">{label}</text>'
        )
    for (c, px, py), (mx, my) in zip(placed, spots, strict=True):
        if (mx, my) != (px, py):  # moved off a crowded spot: a short leader back to the true place
            parts.append(
                f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{mx:.1f}" y2="{my:.1f}" stroke="#1d70b8" stroke-width="1"/>'
            )
        parts.append(
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="9" fill="#1d70b8" stroke="#fff" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{mx:.1f}" y="{my + 4:.1f}" font-size="11" fill="#fff" text-anchor="middle">{c.rank}</text>'
        )
    parts.append(f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="10" fill="#d4351c"/>')
    parts.append(
        f'<text x="{lx:.1f}" y="{sy + 4:.1f}" font-size="12" font-weight="bold" text-anchor="{anchor}">'
        f"{escape(school.name)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


MARKER_GAP = 20.0  # px: markers closer than this would cover each other's numbers


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two (x, y, width, height) boxes overlap."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def spread(
    points: list[tuple[float, float]], gap: float = MARKER_GAP, fixed: list[tuple[float, float]] = ()
) -> list[tuple[float, float]]:
    """Where to draw each marker so none covers another, or a `fixed` point (the school): in the given (rank)
    order, a marker stays at its point when that is at least `gap` from every marker already placed and every
    fixed point; else it takes the first free spot on rings of radius gap, 2 gap... around its point (twelve
    spots a ring, clockwise from the top). Deterministic: the same points give the same map."""
    taken = list(fixed)

    def free(x: float, y: float) -> bool:
        return all(math.hypot(x - tx, y - ty) >= gap for tx, ty in taken)

    out = []
    for x, y in points:
        spot = (x, y)
        if not free(x, y):
            rings = (
                (x + r * gap * math.cos(a), y + r * gap * math.sin(a))
                for r in range(1, 10)
                for a in (2 * math.pi * k / 12 - math.pi / 2 for k in range(12))
            )
            spot = next((p for p in rings if free(*p)), spot)
        taken.append(spot)
        out.append(spot)
    return out


def nearest_points(problem, school_index: int, partner_ids) -> dict[str, tuple[float, float]]:
    """Each partner's location nearest the school (for the map)."""
    import numpy as np

    out = {}
    sx, sy = problem.s_xy[school_index]
    for pid in partner_ids:
        j = problem.partner_index[pid]
        mask = problem.loc_owner == j
        if not mask.any() or np.isnan(sx):
            continue
        locs = problem.loc_xy[mask]
        k = int(np.argmin(np.hypot(locs[:, 0] - sx, locs[:, 1] - sy)))
        out[pid] = (float(locs[k, 0]), float(locs[k, 1]))
    return out
