"""The HTML report in a real headless browser (Debian's Chromium, installed by `make test`): it renders, shows
its charts, and hostile text in an article or a file name runs no script."""

import re
import shutil
import struct
import subprocess

import pytest

from conftest import write
from spaceetl.pipeline import run_locally

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it as root)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
PWN = "document.title='PWNED';document.body.setAttribute('data-pwned','1')"


def chromium(args, profile, timeout=90):
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from spaceetl.config import load_settings

    base = tmp_path_factory.mktemp("browser")
    raw = base / "raw"
    body = ("Rocket Lab signed a $640M contract with the Space Development Agency for tracking satellites, the agency "
            f"said on Tuesday. A reader wrote <script>{PWN}</script> in the comments.")
    write(raw / "good.txt", "Tracking Layer Award\n\n" + body)
    settings = load_settings(raw_dir=raw, warehouse=base / "w.duckdb")
    run_locally(settings)  # a first run, so the trend charts of the second have two points
    write(raw / f"<img src=x onerror=\"{PWN}\">.txt", f"<script>{PWN}</script>")
    write(raw / "second.txt", "Second Award\n\n" + body.replace("Rocket Lab", "Lockheed Martin") + " More.")
    run_locally(settings)
    return settings.resolved_reports_dir() / "latest.html", base


def test_report_renders_with_charts_and_runs_no_script(report):
    html_path, base = report
    out = chromium(["--virtual-time-budget=3000", "--dump-dom", html_path.as_uri()], base / "profile1")
    dom = out.stdout
    assert "Data-quality report" in dom, out.stderr[-1000:]
    assert re.search(r"<title>spaceetl data-quality report", dom)
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "<img" not in dom and "<script" not in dom
    assert dom.count("<svg") >= 5 and "<polyline" in dom and "<rect" in dom
    assert 'id="quarantine"' in dom and "onerror" in dom  # shown, as text


def test_report_screenshot_is_not_blank(report):
    html_path, base = report
    shot = base / "report.png"
    chromium([f"--screenshot={shot}", "--window-size=1200,1600", html_path.as_uri()], base / "profile2")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1600)
    assert len(data) > 20_000  # a blank page compresses to a few KB
