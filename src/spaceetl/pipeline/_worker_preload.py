"""Imported once by the multiprocessing fork server: loads the spaCy pipeline there, so every extraction worker
forked from it starts with the model already in memory (shared copy-on-write) instead of loading its own."""

import os
import signal

from ..nlp.pipeline import get_nlp
from ..reaper import die_with_parent

die_with_parent()  # the fork server ends with the run that started it, even if that run is killed

_model = os.environ.get("SPACEETL_PRELOAD_MODEL")
if _model:
    try:
        get_nlp(_model)
    except Exception:  # noqa: BLE001 - a worker loads the model itself if the preload fails
        pass

# Ctrl-C reaches the whole process group: the run handles it, and ends the fork server and workers itself.
signal.signal(signal.SIGINT, signal.SIG_IGN)
