"""The data dictionary, generated from the contracts in ``schemas/`` (``spaceetl dictionary``), so the docs can
never drift from the code: a test compares the committed ``docs/DATA_DICTIONARY.md`` with a fresh rendering."""

from __future__ import annotations

from .schemas import TABLES, duckdb_type


def _checks(col) -> list[str]:
    out = [ch.error or ch.name for ch in col.checks]
    if col.unique:
        out.append("unique")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from the table contracts in `schemas/` by `spaceetl dictionary`; do not edit by hand.",
        "Checks marked *error* quarantine the row; checks marked *warn* flag it and it is loaded.",
        "",
    ]
    for spec in TABLES.values():
        lines += [f"## `{spec.name}`", "", spec.description, ""]
        if spec.primary_key:
            lines.append(f"- Primary key: {', '.join(f'`{c}`' for c in spec.primary_key)}")
        for fk in spec.foreign_keys:
            lines.append(f"- `{fk.column}` references `{fk.table}.{fk.ref_column}`")
        if spec.span:
            lines.append(f"- Span: `{spec.span.text}` = `substr(articles.body, {spec.span.start} + 1, "
                         f"{spec.span.end} - {spec.span.start})`")
        warn_cols = {}
        if spec.warnings is not None:
            for name, col in spec.warnings.to_schema().columns.items():
                warn_cols[name] = col.description or "warn"
        lines += ["", "| column | type | null | checks | meaning |", "|---|---|---|---|---|"]
        for name, col in spec.schema.columns.items():
            checks = [f"error: {c}" for c in _checks(col)]
            if name in warn_cols:
                checks.append(f"warn: {warn_cols[name]}")
            desc = _cell(col.description or "")
            lines.append(f"| `{name}` | {duckdb_type(col.dtype.type)} | {'yes' if col.nullable else 'no'} | "
                         f"{_cell('; '.join(checks))} | {desc} |")
        for check in spec.schema.checks:
            lines.append(f"| *(row)* | | | error: {check.name} | {check.description or ''} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
