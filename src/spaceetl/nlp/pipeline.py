"""Build the spaCy pipeline: the configured statistical model plus three domain components.

* ``paragraph_boundaries`` (before the parser): a blank line always starts a new sentence, so no sentence, and
  hence no entity, spans a paragraph break.
* ``span_cleanup`` (after the NER): no leading determiners, trailing possessives or punctuation in entity spans;
  spans crossing a line break are split.
* ``gazetteer_entities`` (last): known names from the reviewed gazetteer are found and typed right. Model and
  gazetteer spans are merged: the longer span wins, and on equal spans the gazetteer's label wins (so "SpaceX" is
  an ORG, not a PERSON, and "COSMO-SkyMed" is not cut to "COSMO").

The model is loaded once per process (``get_nlp``), so each worker pays for it once.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..normalize.gazetteer import load_gazetteer

log = logging.getLogger(__name__)

STRIP_LEADING = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}

if not Span.has_extension("source"):
    Span.set_extension("source", default="model")


@Language.component("paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def _trim(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in STRIP_LEADING or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_space
                           or (doc[end - 1].is_punct and doc[end - 1].text not in {")", "²"})
                           or doc[end - 1].text in {"'s", "’s", "'", "’"}):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label_)


def _split_on_breaks(span: Span) -> list[Span]:
    parts, start = [], span.start
    for tok in span:
        if tok.is_space and "\n" in tok.text or "\n" in tok.text:
            if tok.i > start:
                parts.append(Span(span.doc, start, tok.i, label=span.label_))
            start = tok.i + 1
    if start < span.end:
        parts.append(Span(span.doc, start, span.end, label=span.label_))
    return parts


@Language.component("span_cleanup")
def span_cleanup(doc: Doc) -> Doc:
    cleaned: list[Span] = []
    for ent in doc.ents:
        for part in _split_on_breaks(ent):
            trimmed = _trim(part)
            if trimmed is not None:
                cleaned.append(trimmed)
    doc.ents = filter_spans(cleaned)
    return doc


class GazetteerEntities:
    """Phrase matchers over the gazetteer's aliases: one case-insensitive (names), one case-sensitive (acronyms)."""

    def __init__(self, nlp: Language):
        gaz = load_gazetteer()
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, str] = {}
        lower_patterns: dict[str, list[Doc]] = {}
        exact_patterns: dict[str, list[Doc]] = {}
        for alias in gaz.aliases:
            label = "NORP" if alias.kind == "demonym" else alias.entity.entity_type
            key = f"{label}|{alias.entity.key}"
            target = exact_patterns if alias.case_sensitive else lower_patterns
            target.setdefault(key, []).append(nlp.make_doc(alias.alias))
        for key, docs in lower_patterns.items():
            self.lower.add(key, docs)
        for key, docs in exact_patterns.items():
            self.exact.add(key, docs)

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                label = doc.vocab.strings[match_id].split("|", 1)[0]
                span = Span(doc, start, end, label=label)
                span._.source = "gazetteer"
                found.append(span)
        if not found:
            return doc
        model = list(doc.ents)
        by_offsets = {(s.start, s.end): s for s in found}
        merged: list[Span] = []
        for ent in model:
            gaz = by_offsets.get((ent.start, ent.end))
            if gaz is not None:
                gaz._.source = "model+gazetteer"
        # Longest span wins; on equal spans the gazetteer's (listed first) wins.
        merged = filter_spans(found + model)
        doc.ents = merged
        return doc


@Language.factory("gazetteer_entities")
def make_gazetteer_entities(nlp: Language, name: str) -> GazetteerEntities:
    return GazetteerEntities(nlp)


def build_nlp(model_name: str) -> Language:
    import spacy

    nlp = spacy.load(model_name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_boundaries", before="parser")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("span_cleanup", after="ner")
    nlp.add_pipe("gazetteer_entities", last=True)
    return nlp


@lru_cache(maxsize=2)
def get_nlp(model_name: str) -> Language:
    """Loaded once per process and model name."""
    log.info("loading spaCy model %s", model_name)
    return build_nlp(model_name)


def model_info(nlp: Language) -> tuple[str, str]:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}", str(meta.get("version", "unknown"))
