"""Server-side SVG map of a school and its candidates from British National Grid eastings and northings."""

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
    for c in ranked:
        if c.partner_id not in partner_points:
            continue
        px, py = xy(*partner_points[c.partner_id])
        parts.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{px:.1f}" y2="{py:.1f}" stroke="#505a5f" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{(sx + px) / 2:.1f}" y="{(sy + py) / 2 - 3:.1f}" font-size="11" fill="#0b0c0c">{c.distance_km:.1f} km</text>'
        )
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="9" fill="#1d70b8"/>')
        parts.append(
            f'<text x="{px:.1f}" y="{py + 4:.1f}" font-size="11" fill="#fff" text-anchor="middle">{c.rank}</text>'
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
