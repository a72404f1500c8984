"""Inline-SVG charts with axes, labels and values: the report must render offline, with no CDN and no script.
Every label is escaped here; the numbers are formatted by us."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

COLORS = ["#2f6db3", "#c0392b", "#7f8c8d", "#27ae60"]


def fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if float(v).is_integer() and abs(v) < 1e6:
        return f"{int(v):,}"
    return f"{v:.3g}"


def short_run(run_id: str) -> str:
    """``run_20261121T195934Z_581cf3`` -> ``581cf3`` (the random tail tells runs of the same minute apart)."""
    return run_id.rsplit("_", 1)[-1]


def line_chart(values: list[float | None], labels: list[str], dates: list[str] | None = None, *, title: str = "",
               low: float | None = None, high: float | None = None, width: int = 340, height: int = 130) -> Markup:
    """One signal over the last runs: y axis with its range, one labelled point per run (run id and date under the
    axis), the drift limits as dashed lines."""
    dates = dates or [None] * len(labels)
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    left, right, top, bottom = 44, 12, 24, 34
    aria = f"{title}: " + ", ".join(f"{short_run(labels[i])} {fmt(v)}" for i, v in points) if points else f"{title}: no data"
    out = [f'<svg class="chart line" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(aria)}">']
    if title:
        out.append(f'<text class="title" x="{left}" y="11" font-size="10">{escape(title)}</text>')
    if not points:
        out.append(f'<text x="{left}" y="{height // 2}" font-size="11" fill="#6b7785">no data yet</text></svg>')
        return Markup("".join(out))
    ys = [v for _, v in points] + [x for x in (low, high) if x is not None]
    lo, hi = min(ys), max(ys)
    if hi == lo:
        lo, hi = (lo - 1, hi + 1) if lo == 0 else (lo - abs(lo) * 0.5, hi + abs(hi) * 0.5)
    n = len(values)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return round(left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1)), 1)

    def y_of(v: float) -> float:
        return round(top + plot_h * (1 - (v - lo) / (hi - lo)), 1)

    # axes and y ticks
    out.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#9aa5b1"/>'
               f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9aa5b1"/>')
    for v in (lo, (lo + hi) / 2, hi):
        out.append(f'<text class="tick" x="{left - 4}" y="{y_of(v) + 3}" font-size="9" text-anchor="end" fill="#6b7785">'
                   f"{escape(fmt(v))}</text>")
    for name, limit in (("drift below", low), ("drift above", high)):
        if limit is not None:
            out.append(f'<line class="limit" x1="{left}" y1="{y_of(limit)}" x2="{left + plot_w}" y2="{y_of(limit)}" '
                       f'stroke="#c0392b" stroke-dasharray="4 3"><title>{escape(name)} {escape(fmt(limit))}</title></line>')
    if len(points) > 1:
        path = " ".join(f"{x_of(i)},{y_of(v)}" for i, v in points)
        out.append(f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{path}"/>')
    show_values = len(points) <= 8
    for k, (i, v) in enumerate(points):
        last = k == len(points) - 1
        out.append(f'<circle cx="{x_of(i)}" cy="{y_of(v)}" r="{3.5 if last else 2.5}">'
                   f"<title>{escape(labels[i])} {escape(dates[i] or '')}: {escape(fmt(v))}</title></circle>")
        if show_values or last:
            out.append(f'<text class="value" x="{x_of(i)}" y="{y_of(v) - 5}" font-size="9" text-anchor="middle">'
                       f"{escape(fmt(v))}</text>")
    # x labels: every run when few, else first, middle and last
    idx = range(n) if n <= 4 else sorted({0, n // 2, n - 1})
    for i in idx:
        anchor = "middle" if n == 1 else ("start" if i == 0 else ("end" if i == n - 1 else "middle"))
        out.append(f'<text class="xlabel" x="{x_of(i)}" y="{top + plot_h + 12}" font-size="9" text-anchor="{anchor}" '
                   f'fill="#6b7785">{escape(short_run(labels[i]))}</text>')
        if dates[i]:
            out.append(f'<text class="xlabel" x="{x_of(i)}" y="{top + plot_h + 23}" font-size="9" text-anchor="{anchor}" '
                       f'fill="#6b7785">{escape(dates[i])}</text>')
    if n == 1:
        out.append(f'<text x="{left + plot_w}" y="{top + 8}" font-size="9" text-anchor="end" fill="#6b7785">first run: '
                   f"no trend yet</text>")
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(series: dict[str, list[float]], labels: list[str], dates: list[str] | None = None, *, title: str = "",
              y_label: str = "", width: int = 760, height: int = 240) -> Markup:
    """Grouped bars per run (e.g. articles loaded vs quarantined), with a y axis, the value on every bar, the run id
    and date under each group and a legend."""
    dates = dates or [None] * len(labels)
    names = list(series)
    n = max(len(labels), 1)
    left, right, top, bottom = 48, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for vals in series.values() for v in vals] + [1])
    group_w = plot_w / n
    bar_w = max(min(group_w / (len(names) + 1), 40), 3)
    aria = f"{title}: " + "; ".join(
        f"{short_run(lab)} " + ", ".join(f"{nm} {fmt(series[nm][i])}" for nm in names) for i, lab in enumerate(labels))
    out = [f'<svg class="chart bars" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(aria)}">']
    if title:
        out.append(f'<text class="title" x="{left}" y="12" font-size="12" font-weight="600">{escape(title)}</text>')
    legend_x = width - right - 130 * len(names)
    for j, name in enumerate(names):
        out.append(f'<rect x="{legend_x + j * 130}" y="4" width="10" height="10" fill="{COLORS[j % len(COLORS)]}"/>'
                   f'<text class="legend" x="{legend_x + 14 + j * 130}" y="13" font-size="11">{escape(name)}</text>')
    out.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#9aa5b1"/>'
               f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9aa5b1"/>')
    for frac in (0, 0.5, 1):
        v = peak * frac
        y = top + plot_h * (1 - frac)
        out.append(f'<text class="tick" x="{left - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end" fill="#6b7785">'
                   f"{escape(fmt(round(v, 1)))}</text>")
    if y_label:
        out.append(f'<text x="10" y="{top + plot_h / 2:.0f}" font-size="9" fill="#6b7785" '
                   f'transform="rotate(-90 10 {top + plot_h / 2:.0f})" text-anchor="middle">{escape(y_label)}</text>')
    for i, label in enumerate(labels):
        gx = left + i * group_w
        for j, name in enumerate(names):
            v = series[name][i] if i < len(series[name]) else 0
            h = plot_h * (v / peak)
            x = gx + (group_w - bar_w * len(names)) / 2 + j * bar_w
            out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                       f'fill="{COLORS[j % len(COLORS)]}"><title>{escape(label)} {escape(name)}: {escape(fmt(v))}</title></rect>')
            if n <= 15:
                out.append(f'<text class="value" x="{x + bar_w * 0.45:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="9" '
                           f'text-anchor="middle">{escape(fmt(v))}</text>')
        if n <= 8 or i in (0, n - 1) or i % max(n // 6, 1) == 0:
            cx = gx + group_w / 2
            out.append(f'<text class="xlabel" x="{cx:.1f}" y="{top + plot_h + 13}" font-size="9" text-anchor="middle" '
                       f'fill="#6b7785">{escape(short_run(label))}</text>')
            if dates[i]:
                out.append(f'<text class="xlabel" x="{cx:.1f}" y="{top + plot_h + 25}" font-size="9" text-anchor="middle" '
                           f'fill="#6b7785">{escape(dates[i])}</text>')
    out.append("</svg>")
    return Markup("".join(out))
