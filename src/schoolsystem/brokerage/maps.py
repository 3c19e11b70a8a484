"""Server-side SVG map of a school and its candidates from British National Grid eastings and northings."""

import math
from html import escape


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
        f'role="img" aria-labelledby="map-title"><title id="map-title">Map of {escape(school.name)} and its '
        f"{len(ranked)} ranked candidates</title>",
        f'<rect width="{width}" height="{height}" fill="#f3f2f1"/>',
    ]
    placed = [(c, *xy(*partner_points[c.partner_id])) for c in ranked if c.partner_id in partner_points]
    for c, px, py in placed:
        parts.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{px:.1f}" y2="{py:.1f}" stroke="#505a5f" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{(sx + px) / 2:.1f}" y="{(sy + py) / 2 - 3:.1f}" font-size="11" fill="#0b0c0c">{c.distance_km:.1f} km</text>'
        )
    for (c, px, py), (mx, my) in zip(placed, spread([(px, py) for _c, px, py in placed]), strict=True):
        if (mx, my) != (px, py):  # moved off a shared spot: a short leader back to the true place
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
    # The name reads away from the nearer edge, so it is not cut off on the right.
    lx, anchor = (sx - 13, "end") if sx > width / 2 else (sx + 13, "start")
    parts.append(
        f'<text x="{lx:.1f}" y="{sy + 4:.1f}" font-size="12" font-weight="bold" text-anchor="{anchor}">'
        f"{escape(school.name)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


MARKER_GAP = 20.0  # px: markers closer than this would cover each other's numbers


def spread(points: list[tuple[float, float]], gap: float = MARKER_GAP) -> list[tuple[float, float]]:
    """Where to draw each marker so none covers another: markers within `gap` of each other (the same school,
    or schools a street apart) form a cluster, drawn in a ring around the cluster's centre, in the given order
    (rank order, clockwise from the top); a marker on its own stays where it is."""
    clusters: list[list[int]] = []
    for i, (x, y) in enumerate(points):
        for members in clusters:
            if any(math.hypot(x - points[k][0], y - points[k][1]) < gap for k in members):
                members.append(i)
                break
        else:
            clusters.append([i])
    out = list(points)
    for members in clusters:
        if len(members) < 2:
            continue
        cx = sum(points[k][0] for k in members) / len(members)
        cy = sum(points[k][1] for k in members) / len(members)
        # The ring's circumference leaves `gap` between neighbours.
        radius = max(gap, gap * len(members) / (2 * math.pi))
        for n, k in enumerate(members):
            angle = 2 * math.pi * n / len(members) - math.pi / 2
            out[k] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
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
