"""What a run shows while it works: a progress bar in a terminal (files read, articles loaded, rows loaded), plain
periodic lines when output is not a terminal (CI logs, ``| tee``), and one line per batch in the style of dbt.
The CLI switches it on; the flow only reports, through three calls: ``start(files)``, ``advance(files, articles,
rows)`` and ``close()``, plus ``batch_done(...)`` for the per-batch line and ``tick()`` from the extraction for
every article, so the bar moves inside a large batch that runs in this process.

Log lines go through :class:`ConsoleHandler`, which writes above the bar instead of through it.
"""

from __future__ import annotations

import logging
import os
import sys
import time

# Fewer files than this: no bar and no periodic lines (the summary says everything).
MIN_FILES = 5
# Plain mode: a line at most this often (seconds), and at every 10% step.
PLAIN_EVERY_S = 10.0


class Progress:
    def __init__(self, enabled: bool = False, mode: str = "auto", batch_lines: bool = False):
        """``mode``: ``bar`` (tqdm on stderr), ``plain`` (periodic lines on stderr) or ``auto`` (bar on a
        terminal, plain otherwise). ``batch_lines``: print one line per finished batch on stdout."""
        self.enabled = enabled
        self.mode = ("bar" if sys.stderr.isatty() else "plain") if mode == "auto" else mode
        self.batch_lines = batch_lines
        self._bar = None
        self.total = 0
        self.files = 0
        self.articles = 0
        self.rows = 0
        self._t0 = 0.0
        self._last_line = 0.0
        self._last_step = -1
        self.batches_total = 0
        self.batches_done = 0
        self._ticked = 0
        self.extracted = 0  # articles through the NLP stage in this process (ticks), before they are loaded
        self._last_batch = time.monotonic()

    def start(self, files: int, batches: int = 0) -> None:
        self.total, self.files, self.articles, self.rows, self._ticked = files, 0, 0, 0, 0
        self.batches_total, self.batches_done = batches, 0
        self._t0 = self._last_line = self._last_batch = time.monotonic()
        if not self.enabled or files < MIN_FILES:
            return
        if self.mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(total=files, unit="file", desc="spaceetl", dynamic_ncols=True, file=sys.stderr, leave=False)
        else:
            self._plain(force=True)

    def advance(self, files: int, articles: int = 0, rows: int = 0) -> None:
        """A batch of ``files`` is loaded (the ticks already shown for it are not counted twice)."""
        ahead = min(self._ticked, files)
        self._ticked -= ahead
        self.files += files - ahead
        self.articles += articles
        self.rows += rows
        self._show(files - ahead)

    def tick(self) -> None:
        """One article through the NLP stage of a batch running in this process: the counts move within a large
        batch (or a single file of many records) instead of jumping at its end (counted as one file, until the
        batch reports its real count)."""
        if not self.enabled:
            return
        self.extracted += 1
        if self.files >= self.total:  # a file of many records: the files are counted, the articles move on
            self._show(0)
            return
        self._ticked += 1
        self.files += 1
        self._show(1)

    def _show(self, files: int) -> None:
        if self._bar is not None:
            self._bar.set_postfix(extracted=max(self.extracted, self.articles), loaded=self.articles, rows=self.rows,
                                  refresh=False)
            self._bar.update(files)
        elif self.enabled and self.mode == "plain" and self.total >= MIN_FILES:
            self._plain()

    def batch_done(self, files: int, articles: int, quarantined: int, failed: bool = False) -> None:
        """One dbt-style line per loaded batch:
        ``12:00:03  2 of 9  OK    batch of 200 files ........ 187 articles, 3 quarantined [4.1s]``."""
        self.batches_done += 1
        now = time.monotonic()
        seconds, self._last_batch = now - self._last_batch, now
        if not self.batch_lines:
            return
        number = self.batches_done
        of = f" of {self.batches_total}" if self.batches_total else ""
        status = "ERROR" if failed else ("WARN " if quarantined else "OK   ")
        what = f"batch of {files} file{'s' if files != 1 else ''} "
        tail = f"{articles} articles, {quarantined} quarantined" + (f" [{seconds:.1f}s]" if seconds is not None else "")
        write_line(f"{time.strftime('%H:%M:%S')}  {number}{of}  {status} {what:.<28} {tail}", stream=sys.stdout)

    def _plain(self, force: bool = False) -> None:
        now = time.monotonic()
        step = int(10 * self.files / self.total) if self.total else 10
        if not force and step == self._last_step and now - self._last_line < PLAIN_EVERY_S:
            return
        self._last_step, self._last_line = step, now
        pct = 100 * self.files / self.total if self.total else 100
        extracted = f"{self.extracted} articles extracted, " if self.extracted > self.articles else ""
        sys.stderr.write(f"progress: {self.files}/{self.total} files ({pct:.0f}%), {extracted}{self.articles} "
                         f"articles loaded, {self.rows} rows, {now - self._t0:.0f}s\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


_current = Progress()


def wanted() -> bool:
    """Progress output unless switched off (``SPACEETL_PROGRESS=0``, ``--no-progress``). CI and pipes get the
    plain periodic lines instead of a bar."""
    return os.environ.get("SPACEETL_PROGRESS", "1") != "0"


def enable(enabled: bool, mode: str = "auto", batch_lines: bool = False) -> None:
    global _current
    if os.environ.get("CI") and mode == "auto":
        mode = "plain"
    _current = Progress(enabled, mode, batch_lines)


def current() -> Progress:
    return _current


def tick() -> None:
    """Called by the extraction for every article it finishes; a no-op unless this process shows progress (so
    worker processes pay nothing)."""
    _current.tick()


def write_line(text: str, stream=None) -> None:
    """Print a line without breaking an active progress bar."""
    stream = stream or sys.stdout
    if _current._bar is not None:
        from tqdm import tqdm

        tqdm.write(text, file=stream)
    else:
        stream.write(text + "\n")
        stream.flush()


class ProgressObserver:
    """The run's progress as ``pipeline.run`` reports it (planned, each batch loaded, closed), shown by the
    progress of this process (nothing unless the CLI enabled it)."""

    def planned(self, plan) -> None:
        _current.start(plan.files_to_read, len(plan.batches))

    def loaded(self, job, validated, counts: dict, failed: bool) -> None:
        rows = sum(df.height for df in validated.tables.values())
        _current.advance(len(job.entries), counts.get("articles_loaded", 0), rows)
        _current.batch_done(len(job.entries), counts.get("articles_loaded", 0), counts.get("quarantined", 0), failed)

    def closed(self) -> None:
        _current.close()


class ConsoleHandler(logging.StreamHandler):
    """The CLI's log handler: writes above an active progress bar."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = self.format(record)
            write_line(msg, stream=self.stream)
        except Exception:  # noqa: BLE001 - logging must never break the run
            self.handleError(record)
