"""Imported once by the multiprocessing fork server: loads the spaCy pipeline there, so every extraction worker
forked from it starts with the model already in memory (shared copy-on-write) instead of loading its own."""

import gc
import logging
import os
import signal

# No collection while the model loads (no freed holes between the model's objects), then the model's objects are
# frozen: a worker's collections never write to them, so their pages stay shared with the fork server instead of
# being copied into every worker (Python's gc.freeze documentation describes this use). Workers re-enable it.
gc.disable()

from ..nlp.pipeline import get_nlp
from ..reaper import die_with_parent

die_with_parent()  # the fork server ends with the run that started it, even if that run is killed

_WARM_UP_TEXT = ("Harbour Test Launch\n\nThe Norwegian space agency said on Monday that Northwind Orbital signed a "
                 "$12 million contract to launch two weather satellites from Andoya in 2027.\n")


def _warm_up(model: str) -> None:
    """One tiny article through the NLP rules, and every rule table loaded, here in the fork server: they then come
    with every forked worker instead of costing each worker about a second on its first batch (a worker is replaced
    after every batch). Nothing here may start a thread pool (polars, pandera): a process forked while such a pool
    exists inherits its locks held and hangs on first use, so the contracts are left to the worker."""
    from datetime import date

    from ..data import load_every_table
    from ..nlp.rows import ArticleContext, article_rows

    nlp = get_nlp(model)
    article_rows(nlp(_WARM_UP_TEXT), ArticleContext("art_warm_up", _WARM_UP_TEXT, date(2026, 1, 5), "run_warm_up"))
    load_every_table()  # the rule tables a tiny article does not reach


_model = os.environ.get("SPACEETL_PRELOAD_MODEL")
if _model:
    try:
        get_nlp(_model)
        _warm_up(_model)
    except Exception:  # noqa: BLE001 - a worker loads what it needs itself if the preload fails
        logging.getLogger(__name__).debug("fork server warm-up failed", exc_info=True)

gc.freeze()

# Ctrl-C reaches the whole process group: the run handles it, and ends the fork server and workers itself.
signal.signal(signal.SIGINT, signal.SIG_IGN)
