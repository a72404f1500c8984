"""The HTML report and the run index in a real headless browser (Debian's Chromium, installed by `make test`): they
render, the charts are labelled, failing rows are shown with their file and title, the pages link to each other,
and hostile text in an article or a file name runs no script."""

import re
import shutil
import struct
import subprocess

import pytest

from conftest import write
from spaceetl.pipeline import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it as root)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
RUNS: dict[str, str] = {}  # run ids of the fixture's two runs
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
    first = run(settings)  # a first run, so the trend charts of the second have two points
    write(raw / f"<img src=x onerror=\"{PWN}\">.txt", f"<script>{PWN}</script>")
    write(raw / "second.txt", "Second Award\n\n" + body.replace("Rocket Lab", "Lockheed Martin") + " More.")
    second = run(settings)
    RUNS.update(first=first.summary["run_id"], second=second.summary["run_id"])
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


def dom_of(path, profile):
    out = chromium(["--virtual-time-budget=3000", "--dump-dom", path.as_uri()], profile)
    assert "<body" in out.stdout, out.stderr[-1000:]
    return out.stdout


def test_charts_are_labelled_with_axes_runs_and_values(report):
    html_path, base = report
    dom = dom_of(html_path, base / "profile3")
    volume = re.search(r'<div id="trend-volume">(.*?)</div>', dom, re.S).group(1)
    assert volume.count('class="axis"') == 2 and 'class="tick"' in volume and 'class="legend"' in volume
    for run_id in (RUNS['first'], RUNS['second']):
        assert run_id.rsplit("_", 1)[1] in volume  # each run's id under its bars
    assert re.search(r'class="value"[^>]*>\d+</text>', volume)  # the value on the bars
    metrics = re.search(r'<table id="metrics">(.*?)</table>', dom, re.S).group(1)
    assert metrics.count('class="chart line"') >= 10 and 'class="xlabel"' in metrics and "bad when" in metrics


def test_failing_rows_are_shown_with_file_title_and_sql(report):
    html_path, base = report
    dom = dom_of(html_path, base / "profile4")
    failing = re.search(r'<table id="failing-checks">(.*?)</table>\s*(<h2|$)', dom, re.S).group(1)
    row = next(r for r in failing.split('<tr class="failing-check">') if "missing publication date" in r)
    assert "second.txt" in row and "Second Award" in row and "missing" in row
    assert '<pre class="sql">SELECT s.source_path' in row
    assert "[null" not in dom


def test_run_index_and_links_between_reports(report):
    html_path, base = report
    reports = html_path.parent
    index = dom_of(reports / "index.html", base / "profile5")
    runs = re.search(r'<table id="runs">(.*?)</table>', index, re.S).group(1)
    assert runs.count('class="run-row"') == 2
    assert runs.index(RUNS['second']) < runs.index(RUNS['first'])  # newest first
    assert 'id="check-history"' in index and "in a row" in index
    hrefs = re.findall(r'href="([^"]+\.html)"', runs)
    assert f"{RUNS['first']}.html" in hrefs and f"{RUNS['second']}.html" in hrefs
    # follow the links the way a reader would: index -> first run -> next -> second run -> previous -> first
    first = dom_of(reports / f"{RUNS['first']}.html", base / "profile6")
    assert "Data-quality report" in first
    nxt = re.search(r'<a id="next-run"[^>]*href="([^"]+)"', first) or re.search(r'href="([^"]+)"[^>]*id="next-run"', first)
    assert nxt and nxt.group(1) == f"{RUNS['second']}.html"
    second = dom_of(reports / nxt.group(1), base / "profile7")
    prev = re.search(r'<a id="prev-run"[^>]*href="([^"]+)"', second)
    assert prev and prev.group(1) == f"{RUNS['first']}.html" and 'href="index.html"' in second
