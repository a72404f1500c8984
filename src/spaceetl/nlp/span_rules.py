"""Span and type fixes for what the small statistical model gets wrong in defence and space news, driven by the
word lists in ``data/entity_rules.yaml``:

* descriptors are not part of a name ("defence contractor Leonardo" -> Leonardo);
* a coordination of two organisations is two entities when the second one is a known name ("Avio and Thales
  Alenia Space");
* a launch pad keeps its number ("Launch Complex 39A"), a unit its number ("Carrier Air Wing 11");
* a person's name does not stop before a surname with a letter outside ASCII ("Zoë Ålund");
* ships ("USS Nimitz") are PRODUCT and military units ("Carrier Air Wing 11") ORG, never PERSON;
* single capitalised common words are not names: a plural noun or a verb the model tagged (at the start of a
  sentence), technical acronyms ("SMS");
* an ambiguous acronym alias ("CSG") is linked only when the article names its context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..data import cached_per_data_dir, read_yaml

NAME_LABELS = {"ORG", "PERSON", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "CELESTIAL"}
NOT_A_NAME_TAGS = {"NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS", "RB", "MD", "PRP", "DT", "IN"}
PAD_NUMBER = re.compile(r"^-?\d+[A-Z]?$|^[A-Z]?\d+[A-Z]?$")
UNIT_NUMBER = re.compile(r"^\d+$|^[IVX]+$")

if not Span.has_extension("linkable"):
    Span.set_extension("linkable", default=True)


@dataclass(frozen=True)
class EntityRules:
    not_names: frozenset[str]
    ship_prefixes: frozenset[str]
    unit_words: frozenset[str]
    pad_heads: frozenset[str]
    acronym_cues: dict[str, tuple[tuple[str, ...], str]]
    person_titles: frozenset[str]
    generic_before: frozenset[str]
    state_nouns: frozenset[str]
    org_heads: frozenset[str]


@cached_per_data_dir
def entity_rules() -> EntityRules:
    data = read_yaml("entity_rules.yaml")
    return EntityRules(
        not_names=frozenset(data.get("not_names") or []),
        ship_prefixes=frozenset(data.get("ship_prefixes") or []),
        unit_words=frozenset(w.lower() for w in data.get("unit_words") or []),
        pad_heads=frozenset(w.lower() for w in data.get("pad_heads") or []),
        acronym_cues={k: (tuple(v.get("cues") or []), v.get("label") or "ORG")
                      for k, v in (data.get("acronym_context") or {}).items()},
        person_titles=frozenset(w.lower() for w in data.get("person_titles") or []),
        generic_before=frozenset(w.lower() for w in data.get("generic_before") or []),
        state_nouns=frozenset(w.lower() for w in data.get("state_nouns") or []),
        org_heads=frozenset(w.lower() for w in data.get("org_heads") or []),
    )


def trim_descriptors(span: Span) -> Span | None:
    """Leading lower-case words ("defence contractor Leonardo", "localist group X") are not part of a name."""
    if span.label_ not in NAME_LABELS:
        return span
    start = span.start
    while start < span.end - 1 and span.doc[start].is_lower and span.doc[start].is_alpha:
        start += 1
    return span if start == span.start else Span(span.doc, start, span.end, label=span.label_)


def acronym_in_context(doc: Doc, span: Span) -> bool:
    """False for a listed ambiguous acronym ("CSG") whose article names none of its cues."""
    cues = entity_rules().acronym_cues.get(span.text)
    if cues is None:
        return True
    text = doc.text.casefold()
    return any(c.casefold() in text for c in cues[0])


def unlinked_acronym(span: Span) -> Span:
    label = entity_rules().acronym_cues[span.text][1]
    out = Span(span.doc, span.start, span.end, label=label)
    out._.linkable = False
    out._.source = "gazetteer"
    return out


def split_coordination(ent: Span, known: list[Span]) -> list[Span] | None:
    """A model span "A and B" whose B is a known name ending where the span ends: A and B separately."""
    for g in known:
        if g.end != ent.end or g.start <= ent.start + 1:
            continue
        joiner = ent.doc[g.start - 1]
        if joiner.lower_ not in {"and", "&", ","}:
            continue
        left = Span(ent.doc, ent.start, g.start - 1, label=ent.label_)
        if left.text[:1].isupper():
            return [left, g]
    return None


def fix_model_span(ent: Span) -> Span | None:
    """Type and boundary fixes for one model span; None drops it."""
    rules = entity_rules()
    doc = ent.doc
    if ent.label_ not in NAME_LABELS:
        return ent
    if len(ent) == 1:
        tok = ent[0]
        if tok.text in rules.not_names:
            return None
        if tok.pos_ in {"VERB", "AUX"} or (tok.is_sent_start and tok.tag_ in NOT_A_NAME_TAGS):
            return None  # "Engineers said ...", "Deploy the antenna": a capitalised common word
    start, end, label = ent.start, ent.end, ent.label_
    # Ships: the prefix belongs to the name and the type is PRODUCT.
    if start > 0 and doc[start - 1].text in rules.ship_prefixes and label in {"PERSON", "ORG", "GPE", "PRODUCT"}:
        start, label = start - 1, "PRODUCT"
    elif doc[start].text in rules.ship_prefixes and end - start >= 2:
        label = "PRODUCT"
    elif ent.text.endswith("-class") and label == "PERSON":
        label = "PRODUCT"  # "Arleigh Burke-class"
    words = {t.lower_ for t in doc[start:end]}
    if label in {"PERSON", "GPE", "ORG"} and words & rules.unit_words and any(t.is_title for t in doc[start:end]):
        if label != "ORG":
            label = "ORG"
        if end < len(doc) and UNIT_NUMBER.match(doc[end].text):
            end += 1  # "Carrier Air Wing 11"
    if doc[end - 1].lower_ in rules.pad_heads and end < len(doc) and PAD_NUMBER.match(doc[end].text) \
            and label in {"FAC", "ORG", "LOC", "GPE", "PRODUCT", "LANGUAGE"}:
        end, label = end + 1, "FAC"  # "Launch Complex 39A"
    if label == "PERSON":
        while end < len(doc) and end - start < 4 and _surname_like(doc[end]) and doc[end].ent_iob_ != "B":
            end += 1  # "Zoë Ålund": the model stops before a surname it has not seen
    if (start, end, label) == (ent.start, ent.end, ent.label_):
        return ent
    out = Span(doc, start, end, label=label)
    out._.source = ent._.source
    return out


def _surname_like(tok) -> bool:
    return tok.is_title and tok.is_alpha and not tok.is_ascii and tok.pos_ == "PROPN"


def ships_by_name(ents: list[Span]) -> list[Span]:
    """A ship named in full once ("USS Abraham Lincoln") is the ship when its name comes back alone ("Abraham
    Lincoln", "the Lincoln") in the same article, and in "Abraham Lincoln Carrier Strike Group"."""
    prefixes = entity_rules().ship_prefixes
    names = {e[1:].text for e in ents if e.label_ == "PRODUCT" and len(e) >= 2 and e[0].text in prefixes}
    tails = names | {n.split()[-1] for n in names}
    out: list[Span] = []
    for e in ents:
        if e.label_ == "PERSON" and e._.source == "model" and e.text in tails:
            span = Span(e.doc, e.start, e.end, label="PRODUCT")
            span._.source = "model"
            out.append(span)
        else:
            out.append(e)
    return out


def join_official_names(ents: list[Span], known: set[tuple[int, int]]) -> list[Span]:
    """"Federal Ministry for Economic Affairs and Climate Action": an official name whose complement contains
    "and" is one organisation, not two. Joined when the first part names a body with a complement ("Ministry
    for ...", "Department of ...") and the second is two or more capitalised words that are neither a known
    name nor a name of their own (no organisation head word such as "Agency" or "Group")."""
    out: list[Span] = []
    for e in ents:
        prev = out[-1] if out else None
        if prev is not None and prev.label_ == "ORG" and e.label_ == "ORG" and e.start == prev.end + 1 \
                and e.doc[prev.end].lower_ == "and" and (e.start, e.end) not in known \
                and (prev.start, prev.end) not in known \
                and any(t.lower_ in {"of", "for"} for t in prev[1:]) and len(e) >= 2 \
                and all(t.is_title for t in e) and not any(t.lower_ in entity_rules().org_heads for t in e):
            joined = Span(e.doc, prev.start, e.end, label="ORG")
            joined._.source = "model"
            out[-1] = joined
            continue
        out.append(e)
    return out
