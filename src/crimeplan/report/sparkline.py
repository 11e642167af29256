"""Sparklines of the previous 12 data points, as SVG (the renderers make PNGs where needed)."""

from __future__ import annotations

WIDTH, HEIGHT, PAD = 90, 24, 3


def sparkline_svg(values: list[float]) -> str:
    """A tiny line chart; the last point is marked."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = [(PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    x, y = points[-1]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="trend of the last {len(values)} points">'
            f'<polyline fill="none" stroke="#1f4e79" stroke-width="1.5" points="{path}"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#1f4e79"/></svg>')

