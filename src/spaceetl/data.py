"""Access to the reviewable data files shipped in ``spaceetl/data`` (gazetteer, currencies, rates, cue lists).

``SPACEETL_DATA_DIR`` names a folder whose files take precedence over the shipped ones, file by file: an analyst
can keep an extended gazetteer or a fresher rate table of their own without touching the installed package.
"""

from __future__ import annotations

import csv
import os
from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    override = os.environ.get("SPACEETL_DATA_DIR")
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return Path(str(resources.files("spaceetl") / "data" / name))


def read_csv(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    return [r for r in rows if any(r.values())]


def read_yaml(name: str):
    import yaml

    with data_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
