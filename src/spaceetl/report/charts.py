"""Tiny inline-SVG charts: the report must render offline, with no CDN and no script."""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def sparkline(values: list[float | None], labels: list[str], width: int = 260, height: int = 60,
              highlight_last: bool = True) -> Markup:
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return Markup('<svg class="chart" width="%d" height="%d" role="img" aria-label="no data"></svg>' % (width, height))
    lo = min(v for _, v in points)
    hi = max(v for _, v in points)
    span = (hi - lo) or (abs(hi) or 1.0)
    n = max(len(values) - 1, 1)
    pad = 6

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / n
        y = height - pad - (height - 2 * pad) * ((v - lo) / span if hi != lo else 0.5)
        return round(x, 1), round(y, 1)

    coords = [xy(i, v) for i, v in points]
    path = " ".join(f"{x},{y}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="{3.5 if (highlight_last and k == len(coords) - 1) else 2}">'
        f"<title>{escape(labels[points[k][0]])}: {points[k][1]:.3g}</title></circle>"
        for k, (x, y) in enumerate(coords))
    return Markup(
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="trend over {len(values)} runs"><polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        f'points="{path}"/>{dots}</svg>')


def bars(series: dict[str, list[float]], labels: list[str], width: int = 520, height: int = 120) -> Markup:
    """Grouped bars per run (e.g. articles loaded vs quarantined)."""
    names = list(series)
    n = max(len(labels), 1)
    top = max([v for vals in series.values() for v in vals] + [1])
    group_w = (width - 20) / n
    bar_w = max(group_w / (len(names) + 1), 2)
    colors = ["#2f6db3", "#c0392b", "#7f8c8d", "#27ae60"]
    out = [f'<svg class="chart" width="{width}" height="{height + 16}" viewBox="0 0 {width} {height + 16}" role="img" '
           f'aria-label="{escape(", ".join(names))} per run">']
    for i, label in enumerate(labels):
        for j, name in enumerate(names):
            v = series[name][i] if i < len(series[name]) else 0
            h = (height - 10) * (v / top)
            x = 10 + i * group_w + j * bar_w
            out.append(f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                       f'fill="{colors[j % len(colors)]}"><title>{escape(label)} {escape(name)}: {v:g}</title></rect>')
    for j, name in enumerate(names):
        out.append(f'<text x="{10 + j * 150}" y="{height + 13}" font-size="11" fill="{colors[j % len(colors)]}">'
                   f"■ {escape(name)}</text>")
    out.append("</svg>")
    return Markup("".join(out))
