"""Markdown bodies are stored as plain text: no link targets, image syntax, comments, emphasis or heading marks
inside entities, and every stored offset refers to that text."""

from pathlib import Path

from spaceetl.ingest.markdown import render_markdown
from spaceetl.ingest.models import FileEntry, RawArticle
from spaceetl.ingest.readers import read_file

MD = """---
title: Radar Satellite Pair Cleared For Launch
author: Ines Marques
date: 2025-05-06
---

# Radar pair **cleared** for launch

**PARIS** — The [Aurora-2B](https://agency.example/missions/aurora-2b "mission page") radar satellite and its
twin were *cleared* for launch on Tuesday after a review of the ~~old~~ revised deployment sequence.

![The two satellites in a clean room](https://agency.example/img/pair.jpg)

<!-- editor: confirm the launch window with the agency -->

> "We are ready," said _Marta Vidal_, the mission manager at the agency.

## What is on board

- A synthetic-aperture radar built by [Orbital Sensing](https://orbital.example)
- A laser terminal for data relay
  - with a backup radio link

| Satellite | Mass |
|---|---|
| Aurora-2B | 450 kg |
| **Aurora-2C** | 455 kg |

```json
{"config": "not article text"}
```

The launch is planned from Kourou in the third quarter, the agency said in a statement on Tuesday.
"""


def test_render_links_images_comments_emphasis_headings():
    out = render_markdown(MD.split("---\n", 2)[2])
    text = out.text
    assert "The Aurora-2B radar satellite and its twin were cleared for launch" in text
    for markup in ("](", "http", "**", "~~", "![", "<!--", "editor:", "# ", "> ", "```", "config"):
        assert markup not in text, markup
    assert text.startswith("Radar pair cleared for launch\n\n")
    assert "\n\nWhat is on board\n\n" in text
    assert '"We are ready," said Marta Vidal, the mission manager at the agency.' in text
    assert "[image] The two satellites in a clean room" in out.removed
    assert any(r.startswith("[code] {\"config\"") for r in out.removed)


def test_lists_and_tables_become_lines():
    text = render_markdown(MD.split("---\n", 2)[2]).text
    lines = text.split("\n\n")
    assert "A synthetic-aperture radar built by Orbital Sensing" in lines
    assert "A laser terminal for data relay" in lines
    assert "with a backup radio link" in lines
    assert "Satellite | Mass" in lines and "Aurora-2B | 450 kg" in lines and "Aurora-2C | 455 kg" in lines


def test_inline_html_and_entities():
    text = render_markdown("Line one<br>line two &amp; <span class='x'>three</span> <!-- hidden -->\n").text
    assert text == "Line one\nline two & three"


def test_md_reader_stores_rendered_text(tmp_path: Path):
    path = tmp_path / "pair.md"
    path.write_text(MD, encoding="utf-8")
    items, _ = read_file(FileEntry("pair.md", path, path.stat().st_size, 0), max_bytes=10_000_000, min_body_chars=50)
    art = items[0]
    assert isinstance(art, RawArticle)
    assert art.title == "Radar Satellite Pair Cleared For Launch"
    assert art.authors == ["Ines Marques"]
    assert art.dateline == "PARIS"
    assert art.body.startswith("The Aurora-2B radar satellite")
    assert "](" not in art.body and "**" not in art.body and "<!--" not in art.body
    start = art.body.index("Aurora-2B")
    assert art.body[start:start + len("Aurora-2B")] == "Aurora-2B"  # offsets are offsets into the stored text
    assert "[image] The two satellites in a clean room" in art.removed_text


def test_short_closing_list_of_markdown_is_kept(tmp_path: Path):
    md = ("---\ntitle: Launch Manifest Update\n---\n\nThe agency published its updated launch manifest on Friday, "
          "moving two missions into the second half of the year after delays in payload delivery.\n\n"
          "Missions affected:\n\n- Aurora-2B\n- Aurora-2C\n")
    path = tmp_path / "manifest.md"
    path.write_text(md, encoding="utf-8")
    items, _ = read_file(FileEntry("manifest.md", path, path.stat().st_size, 0), max_bytes=10_000_000, min_body_chars=50)
    assert items[0].body.endswith("Missions affected:\n\nAurora-2B\n\nAurora-2C")
