"""Render the report dict as one self-contained HTML page. Jinja2 autoescaping is on for everything; the only
unescaped markup is the SVG our own chart code builds from numbers and escaped labels."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from .charts import bars, sparkline


def _env() -> Environment:
    env = Environment(loader=PackageLoader("spaceetl.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["num"] = lambda v, digits=3: "—" if v is None else (f"{v:,}" if isinstance(v, int) else f"{v:.{digits}g}")
    env.filters["ts"] = lambda v: "—" if v is None else (v.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if hasattr(v, "strftime") else str(v)[:19])
    return env


def render_html(report: dict) -> str:
    labels = [h["run_id"] for h in report["history"]]
    metric_charts = {m["metric"]: sparkline(m["history"], labels) for m in report["metrics"]}
    volume_chart = bars({"articles loaded": [h["articles_loaded"] or 0 for h in report["history"]],
                         "quarantined": [h["quarantined"] or 0 for h in report["history"]]}, labels)
    return _env().get_template("report.html.j2").render(r=report, metric_charts=metric_charts, volume_chart=volume_chart)
