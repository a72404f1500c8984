"""spaceetl: raw space, defence and satellite-telecom news files -> a validated DuckDB warehouse.

Stage functions live in this package and know nothing of Prefect; ``spaceetl.flows`` wires them together.
Imports here stay light so that ``spaceetl --help`` starts fast.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("spaceetl")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"
