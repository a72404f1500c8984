"""Prefect's temporary local server for one ``spaceetl run`` (when no ``PREFECT_API_URL`` is set).

Prefect would start the same server itself (``SubprocessASGIServer``: uvicorn with Prefect's app, in a child
process) when the flow run begins, and wait for it then. Here it starts at the very beginning of the command, so
its start-up (seconds) overlaps the model load and the first batches; and it starts without importing
``prefect.server`` into this process, which cost the run's process seconds of CPU and tens of MiB for a module
only the child needs. The flow run reaches it through ``PREFECT_API_URL``, set before this process imports
Prefect. If it does not come up, nothing is set and Prefect starts its own, as it always did.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: Marks the API URL as this run's temporary server (the report links only to a persistent server's UI).
TEMPORARY_API_ENV = "SPACEETL_TEMPORARY_PREFECT_API"
PORT_IN_USE_EXIT = 3  # uvicorn's exit code when the port is taken


class TemporaryServer:
    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.api_url: str | None = None
        self.thread: threading.Thread | None = None

    @classmethod
    def start_in_background(cls) -> "TemporaryServer":
        self = cls()
        if os.environ.get("PREFECT_API_URL"):  # a persistent server: nothing to start
            return self
        from .. import prefect_env  # noqa: F401  (offline defaults, inherited by the server's process)

        self.thread = threading.Thread(target=self._start, name="spaceetl-prefect-server", daemon=True)
        self.thread.start()
        return self

    def _start(self) -> None:
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))
        deadline = time.monotonic() + timeout
        try:
            for _attempt in range(5):
                port = _free_port()
                self.process = _uvicorn(port)
                url = f"http://127.0.0.1:{port}/api"
                while time.monotonic() < deadline and self.process.poll() is None:
                    if _healthy(f"{url}/health"):
                        self.api_url = url
                        return
                    time.sleep(0.1)
                if self.process.poll() != PORT_IN_USE_EXIT:
                    break
            log.debug("Prefect's temporary server did not start (exit code %s)", self.process.poll())
        except Exception:  # noqa: BLE001 - Prefect then starts its own server, as without this
            log.debug("early start of Prefect's temporary server failed", exc_info=True)
        self.stop_nowait()

    def wait(self) -> None:
        """Until the server answers (or gave up); then the flow run is pointed at it. Call before this process
        imports Prefect, which reads its settings once."""
        if self.thread is None:
            return
        self.thread.join()
        if self.api_url and "prefect" in sys.modules:  # settings already read (a second run in one process)
            self.stop_nowait()
            self.api_url = None
        if self.api_url:
            os.environ["PREFECT_API_URL"] = os.environ[TEMPORARY_API_ENV] = self.api_url

    def stop_nowait(self) -> None:
        """End the server without waiting for its shutdown: what the flow run still has to tell it (logs, events)
        goes first. Killed, not terminated: a graceful stop cancels requests still in flight and prints their
        tracebacks onto the user's terminal after the summary. Its database is SQLite, which a killed writer
        leaves consistent."""
        if self.process is None or self.process.poll() is not None:
            return
        if "prefect" in sys.modules:
            try:
                from prefect.events.worker import EventsWorker
                from prefect.logging.handlers import APILogWorker

                APILogWorker.drain_all(timeout=5)
                EventsWorker.drain_all(timeout=5)
            except Exception:  # noqa: BLE001 - best effort
                log.debug("draining Prefect's workers failed", exc_info=True)
        self.process.kill()
        self.process.wait()
        if os.environ.get(TEMPORARY_API_ENV) == self.api_url and self.api_url:
            os.environ.pop("PREFECT_API_URL", None)
            os.environ.pop(TEMPORARY_API_ENV, None)


def _healthy(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local http URL built here
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _free_port() -> int:
    for _ in range(20):
        port = random.randrange(8000, 9000)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port for Prefect's temporary server")


def _uvicorn(port: int) -> subprocess.Popen:
    """The command Prefect's ``SubprocessASGIServer`` runs (UI off, ephemeral, errors only)."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.submodule_search_locations
    prefect_dir = Path(list(spec.submodule_search_locations)[0])
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
         "--lifespan", "on"], env=env)
