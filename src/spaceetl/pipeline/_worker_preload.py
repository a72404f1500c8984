"""Imported once by the multiprocessing fork server: loads the spaCy pipeline there, so every extraction worker
forked from it starts with the model already in memory (shared copy-on-write) instead of loading its own."""

import gc
import os
import signal

# No collection while the model loads (no freed holes between the model's objects), then the model's objects are
# frozen: a worker's collections never write to them, so their pages stay shared with the fork server instead of
# being copied into every worker (Python's gc.freeze documentation describes this use). Workers re-enable it.
gc.disable()

from ..nlp.pipeline import get_nlp
from ..reaper import die_with_parent

die_with_parent()  # the fork server ends with the run that started it, even if that run is killed

_model = os.environ.get("SPACEETL_PRELOAD_MODEL")
if _model:
    try:
        get_nlp(_model)
    except Exception:  # noqa: BLE001 - a worker loads the model itself if the preload fails
        pass

gc.freeze()

# Ctrl-C reaches the whole process group: the run handles it, and ends the fork server and workers itself.
signal.signal(signal.SIGINT, signal.SIG_IGN)
