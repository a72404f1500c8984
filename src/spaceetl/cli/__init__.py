"""``spaceetl`` command line (``main``). Heavy libraries are imported inside the commands."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
