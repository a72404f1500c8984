"""Render the report dict (and the run index) as self-contained HTML pages. Jinja2 autoescaping is on for
everything; the only unescaped markup is the SVG our own chart code builds from numbers and escaped labels."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from .charts import bar_chart, line_chart


def _ts(v) -> str:
    if v is None:
        return "—"
    return v.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if hasattr(v, "strftime") else str(v)[:19]


def _short_date(v) -> str | None:
    if v is None:
        return None
    return v.strftime("%m-%d %H:%M") if hasattr(v, "strftime") else str(v)[5:16]


def _env() -> Environment:
    env = Environment(loader=PackageLoader("spaceetl.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["num"] = lambda v, digits=3: "—" if v is None else (f"{v:,}" if isinstance(v, int) else f"{v:.{digits}g}")
    env.filters["ts"] = _ts
    return env


def render_html(report: dict) -> str:
    labels = [h["run_id"] for h in report["history"]]
    dates = [_short_date(h["started_at"]) for h in report["history"]]
    metric_charts = {m["metric"]: line_chart(m["history"], labels, dates, title=m["metric"],
                                             low=m.get("drift_below"), high=m.get("drift_above"))
                     for m in report["metrics"]}
    volume_chart = bar_chart({"articles loaded": [h["articles_loaded"] or 0 for h in report["history"]],
                              "quarantined": [h["quarantined"] or 0 for h in report["history"]]}, labels, dates,
                             title=f"Articles loaded and inputs quarantined, last {len(labels)} run(s)", y_label="rows")
    return _env().get_template("report.html.j2").render(r=report, metric_charts=metric_charts, volume_chart=volume_chart)


def render_index(index: dict) -> str:
    runs = list(reversed(index["runs"][:30]))  # oldest first for the chart
    chart = bar_chart({"articles loaded": [r["articles_loaded"] or 0 for r in runs],
                       "quarantined": [r["quarantined"] or 0 for r in runs]},
                      [r["run_id"] for r in runs], [_short_date(r["started_at"]) for r in runs],
                      title=f"Articles loaded and inputs quarantined, last {len(runs)} run(s)", y_label="rows")
    return _env().get_template("index.html.j2").render(ix=index, chart=chart)
