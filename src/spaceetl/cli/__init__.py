"""``spaceetl`` command line (``main``). Heavy libraries are imported inside the commands."""

from .main import main

__all__ = ["main"]
