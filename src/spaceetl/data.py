"""Access to the reviewable data files shipped in ``spaceetl/data`` (gazetteer, currencies, rates, cue lists)."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    return Path(str(resources.files("spaceetl") / "data" / name))


def read_csv(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    return [r for r in rows if any(r.values())]


def read_yaml(name: str):
    import yaml

    with data_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
