"""Progress bars for long runs in a terminal (files read, articles processed, rows loaded); silent in CI and when
output is not a TTY. The CLI switches them on; the flow only reports."""

from __future__ import annotations

import os
import sys


class Progress:
    def __init__(self, enabled: bool = False):
        self.enabled = enabled
        self._bar = None
        self.articles = 0
        self.rows = 0

    def start(self, files: int) -> None:
        if not self.enabled or files == 0:
            return
        from tqdm import tqdm

        self._bar = tqdm(total=files, unit="file", desc="spaceetl", dynamic_ncols=True, file=sys.stderr)

    def advance(self, files: int, articles: int, rows: int) -> None:
        self.articles += articles
        self.rows += rows
        if self._bar is not None:
            self._bar.update(files)
            self._bar.set_postfix(articles=self.articles, rows=self.rows, refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


_current = Progress()


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("SPACEETL_PROGRESS", "1") != "0"


def enable(enabled: bool) -> None:
    global _current
    _current = Progress(enabled)


def current() -> Progress:
    return _current
