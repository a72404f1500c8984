"""Build the spaCy pipeline: the configured statistical model plus three domain components.

* ``paragraph_boundaries`` (before the parser): a blank line always starts a new sentence, so no sentence, and
  hence no entity, spans a paragraph break.
* ``span_cleanup`` (after the NER): no leading determiners, trailing possessives or punctuation in entity spans;
  spans crossing a line break or an unclosed parenthesis ("European Space Agency (ESA") are split.
* ``gazetteer_entities`` (last): known names from the reviewed gazetteer are found and typed right. Model and
  gazetteer spans are merged: the longer span wins, and on equal spans the gazetteer's label wins (so "SpaceX" is
  an ORG, not a PERSON, and "COSMO-SkyMed" is not cut to "COSMO").

The model is loaded once per process (``get_nlp``), so each worker pays for it once.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.symbols import ORTH
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..normalize.gazetteer import common_word_aliases, load_gazetteer
from ..normalize.names import lookup_key
from .attribute_rules import compile_into
from .span_rules import (acronym_in_context, drop_common_words, entity_rules, fix_model_span, join_official_names,
                         one_type_per_name, places_in_based_modifiers, ships_by_name, split_coordination,
                         trim_descriptors, unlinked_acronym, untagged_designations)

log = logging.getLogger(__name__)

POSSESSIVE_MARKS = {"'s", "’s", "'", "’"}
STRIP_LEADING = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}

if not Span.has_extension("source"):
    Span.set_extension("source", default="model")


@Language.component("paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    _split_glued_periods(doc)
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    for token in doc[1:]:
        if _after_glued_heading(token):
            token.is_sent_start = True
        elif token.is_sent_start is None and _inside_name(token):
            token.is_sent_start = False
    return doc


GLUED_PERIOD = re.compile(r"^[A-Za-z][\w-]*\d[A-Za-z\d]*\.$")
DESIGNATION_MAX_CHARS = 40  # the pattern backtracks over a token's length; a designation is short


def _glued_designation(text: str) -> bool:
    return len(text) <= DESIGNATION_MAX_CHARS and text.endswith(".") and GLUED_PERIOD.match(text) is not None


def _split_glued_periods(doc: Doc) -> None:
    """"... the launch of Sentinel-2B. Reuters reported": the tokenizer keeps the period on a designation that
    ends in a digit or a letter after a digit, and the sentence then runs on into the next one. Such a period
    before a capitalised word ends the sentence: it becomes its own token, and the next word starts a sentence."""
    glued = [t for t in doc[:-1] if _glued_designation(t.text) and t.whitespace_
             and doc[t.i + 1].is_title and doc[t.i + 1].is_alpha]
    if not glued:
        return
    with doc.retokenize() as retok:
        for t in glued:
            retok.split(t, [t.text[:-1], "."], heads=[(t, 0), (t, 0)])
    for t in doc[1:-1]:
        if t.text == "." and doc[t.i - 1].idx + len(doc[t.i - 1].text) == t.idx and t.whitespace_ \
                and _glued_designation(doc[t.i - 1].text + ".") and doc[t.i + 1].is_title:
            doc[t.i + 1].is_sent_start = True


def _inside_name(token) -> bool:
    """"the 860-kilogram Iridium Next satellites": a capitalised word right after a proper noun, with only a
    space between them, continues the name; the parser must not start a sentence there. A sentence opener
    ("The", "Its") may still start one (a heading glued to its text)."""
    prev = token.doc[token.i - 1]
    return (prev.tag_ in {"NNP", "NNPS"} and prev.whitespace_ == " " and token.text[:1].isupper()
            and token.lower_ not in _heading_openers())


@Language.component("possessive_repair")
def possessive_repair(doc: Doc) -> Doc:
    """The parser sometimes makes the owner in "The spacecraft's 48 transponders will provide" the head of the
    phrase and the owned noun its apposition; every later rule would then take the owner as the subject or object.
    Re-hang the owned noun in the owner's place and the owner under it as its possessor."""
    for tok in doc:
        owner = tok.head
        if tok.dep_ != "appos" or owner.i >= tok.i or owner.head.i == owner.i or owner.i + 1 >= len(doc):
            continue
        mark = doc[owner.i + 1]
        if mark.dep_ != "case" or mark.text not in POSSESSIVE_MARKS or mark.head.i != owner.i \
                or tok.left_edge.i != mark.i + 1:
            continue
        tok.head, tok.dep_ = owner.head, owner.dep_
        owner.head, owner.dep_ = tok, "poss"
    return doc


HEADING_MAX_WORDS = 8
SENTENCE_END = {".", "!", "?", ":", ";", "”", '"'}
FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
HEADING_END_TAGS = {"NN", "NNS", "NNP", "NNPS", "JJ", "CD"}


def _after_glued_heading(token) -> bool:
    """A sentence opener ("The", "Its") glued to a section heading that lost its line break in a feed's flattened
    body ("... in his statement. Education cuts and other changes The budget proposal also seeks ..."): the
    heading is a few capitalised words without a verb or end punctuation since the last sentence, and the opener
    follows a noun with no punctuation between - it starts a sentence, so the heading is no subject. Runs before
    the parser, on the tagger's tags."""
    doc = token.doc
    if not (token.is_title and token.tag_ in {"DT", "PRP$", "PRP"} and token.lower_ in _heading_openers()):
        return False
    prev = doc[token.i - 1]
    if prev.tag_ not in HEADING_END_TAGS or prev.whitespace_ == "" or not prev.is_alpha:
        return False
    start = token.i - 1
    while start > 0 and doc[start - 1].text not in SENTENCE_END and not doc[start - 1].is_space:
        start -= 1
        if token.i - start > HEADING_MAX_WORDS:
            return False
    heading = doc[start:token.i]
    return heading[0].is_title and not any(t.tag_ in FINITE_TAGS or t.is_punct for t in heading)


@lru_cache(maxsize=1)
def _heading_openers() -> frozenset[str]:
    from .claim_rules import rule_words

    return rule_words("heading_sentence_openers")


def _trim(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in STRIP_LEADING or doc[start].is_punct or doc[start].is_space
                           or doc[start].tag_ == "POS" or doc[start].text in POSSESSIVE_MARKS):
        start += 1  # "The company’s Maxwell thrusters": the model's span can start at the possessive
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_space
                           or (doc[end - 1].is_punct and doc[end - 1].text not in {")", "²"})
                           or doc[end - 1].text in POSSESSIVE_MARKS):
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


def _split_on_possessive(span: Span) -> list[Span]:
    """"Italy's Ministry of Defence" is two entities: Italy, and the ministry."""
    for tok in span[1:-1]:
        if tok.tag_ == "POS" or tok.text in {"'s", "’s"}:
            return [Span(span.doc, span.start, tok.i, label=span.label_),
                    Span(span.doc, tok.i + 1, span.end, label=span.label_)]
    return [span]


def _split_on_open_parenthesis(span: Span) -> list[Span]:
    """"European Space Agency (ESA": a name and its acronym in an unclosed parenthesis are two mentions. A closed
    one inside the name ("Vexio (Pty) Ltd") is left alone."""
    opens = [t.i for t in span if t.text == "("]
    if not opens or any(t.text == ")" for t in span):
        return [span]
    k = opens[0]
    parts = [Span(span.doc, span.start, k, label=span.label_)] if k > span.start else []
    if k + 1 < span.end:
        parts.append(Span(span.doc, k + 1, span.end, label=span.label_))
    return parts


@Language.component("span_cleanup")
def span_cleanup(doc: Doc) -> Doc:
    cleaned: list[Span] = []
    for ent in doc.ents:
        for part in (p for b in _split_on_breaks(ent) for p in _split_on_open_parenthesis(b)):
            for piece in _split_on_possessive(part):
                trimmed = _trim(piece)
                if trimmed is not None:
                    trimmed = trim_descriptors(trimmed)
                if trimmed is not None:
                    cleaned.append(trimmed)
    doc.ents = filter_spans(cleaned)
    if extra := untagged_designations(doc):
        doc.ents = filter_spans(list(doc.ents) + extra)
    return doc


class GazetteerEntities:
    """Phrase matchers over the gazetteer's aliases: one case-insensitive (names), one case-sensitive (acronyms)."""

    def __init__(self, nlp: Language):
        gaz = load_gazetteer()
        self.gaz = gaz
        from ..normalize.money import currency_table

        self.currency_codes = set(currency_table().codes) | set(currency_table().by_symbol)
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
        keys: dict[tuple[int, int], str] = {}
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                label, key = doc.vocab.strings[match_id].split("|", 1)
                span = _trim(Span(doc, start, end, label=label))
                if span is None:
                    continue
                span._.source = "gazetteer"
                keys[(span.start, span.end)] = key
                found.append(span)
        found, vetoed = _proper_sense_only(doc, found)
        found, unglued = self._unglue(found, keys)
        vetoed |= unglued
        found = [s if acronym_in_context(doc, s) else unlinked_acronym(s) for s in found]
        model = [ent for ent in doc.ents if ent.text not in self.currency_codes and (ent.start, ent.end) not in vetoed]
        by_offsets = {(s.start, s.end): s for s in found}
        by_start: dict[int, list[Span]] = {}
        for s in found:
            by_start.setdefault(s.start, []).append(s)
        kept_model: list[Span] = []
        for ent in model:
            gaz = by_offsets.get((ent.start, ent.end))
            if gaz is not None:
                gaz._.source = "model+gazetteer"
                continue
            # "Starlink network", "Italian government": a known name plus common nouns is the known name.
            inner = [g for g in by_start.get(ent.start, []) if g.end < ent.end]
            if inner and all(t.is_lower or t.is_punct for t in doc[max(g.end for g in inner):ent.end]):
                continue
            parts = split_coordination(ent, [g for g in found if ent.start < g.start and g.end == ent.end])
            if parts is not None:
                kept_model.append(parts[0])  # the known right-hand name is in ``found`` already
                continue
            kept_model.append(ent)
        fixed = [fix_model_span(_relabel(ent)) for ent in kept_model]
        # Longest span wins; on equal spans the gazetteer's (listed first) wins.
        ents = filter_spans(found + [ent for ent in fixed if ent is not None])
        ents = drop_common_words(ships_by_name(join_official_names(ents, {(g.start, g.end) for g in found})))
        doc.ents = places_in_based_modifiers(one_type_per_name(_fix_people(ents)))
        return doc

    def _unglue(self, found: list[Span], keys: dict[tuple[int, int], str]) -> tuple[list[Span], set[tuple[int, int]]]:
        """"Rocket Lab Electron": a product name that is its maker's name plus the product's own alias is two
        mentions, the company and the product."""
        orgs = {(s.start, s.end) for s in found if s.label_ == "ORG"}
        drop: set[tuple[int, int]] = set()
        for s in found:
            if s.label_ != "PRODUCT":
                continue
            for start, end in orgs:
                if start == s.start and end < s.end:
                    rest = self.gaz.lookup(s.doc[end:s.end].text)
                    if rest is not None and rest.entity.key == keys.get((s.start, s.end)):
                        drop.add((s.start, s.end))
        return [s for s in found if (s.start, s.end) not in drop], drop


PRONOUNS_PERSON = {"he", "she", "his", "her", "him", "himself", "herself"}


def _proper_sense_only(doc: Doc, found: list[Span]) -> tuple[list[Span], set[tuple[int, int]]]:
    """Gazetteer names that are also ordinary words or personal names ("turkey", "polish", "Guinea pig", "low
    Earth orbit", "Jordan said he ...") are kept only in their proper-noun sense. Returns the kept spans (a name
    used for a person comes back as an unlinked PERSON) and the offsets no component may tag any more."""
    common = common_word_aliases()
    people_words = {t.lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) >= 2 for t in e}
    kept: list[Span] = []
    vetoed: set[tuple[int, int]] = set()
    for span in found:
        also = common.get(lookup_key(span.text))
        if also is None:
            kept.append(span)
            continue
        verdict = _common_word_verdict(span, also, people_words)
        if verdict == "keep":
            kept.append(span)
            continue
        vetoed.add((span.start, span.end))
        if verdict == "person":
            person = Span(doc, span.start, span.end, label="PERSON")
            person._.source = "model"
            kept.append(person)
    return kept, vetoed


def _common_word_verdict(span: Span, also: str, people_words: set[str]) -> str:
    doc = span.doc
    if not span.text[:1].isupper():
        return "drop"  # "polish the mirrors", "roast turkey", "guinea pigs"
    if len(span) != 1 or span.label_ == "NORP":
        return "keep"  # a demonym modifies nouns by nature: "Polish engineers"
    tok = span[0]
    prev = doc[tok.i - 1] if tok.i > 0 else None
    rules = entity_rules()
    if also == "word":
        if prev is not None and prev.lower_ in rules.generic_before and tok.i + 1 < len(doc) and doc[tok.i + 1].is_lower:
            return "drop"  # "low Earth orbit", "near Moon space"
        head = tok.head
        if tok.dep_ in {"compound", "amod"} and head.i > tok.i and head.pos_ == "NOUN" and head.is_lower \
                and tok.i + 1 == head.i and head.lower_ not in rules.state_nouns:
            return "drop"  # "Guinea pig", "Earth observation", "Moon rocks"
        return "keep"
    # A personal name: a title before it, the same word in a person's full name in the article, or the subject
    # of a reporting verb followed by "he"/"she".
    if prev is not None and prev.lower_ in rules.person_titles:
        return "person"
    if tok.lower_ in people_words:
        return "person"
    if tok.dep_ in {"nsubj", "nsubjpass"} and lemma_of(tok.head) in REPORTING:
        after = doc[tok.head.i + 1:tok.sent.end]
        if any(t.lower_ in PRONOUNS_PERSON for t in after[:6]):
            return "person"
    return "keep"


PROGRAMME_HEADS = {"layer", "mission", "missions", "programme", "program", "exploration", "constellation",
                   "satellite", "satellites", "telescope", "rover", "lander", "observatory", "system", "tranche"}
ORG_HEADS = {"agency", "command", "force", "forces", "ministry", "department", "office", "corp", "corporation",
             "inc", "ltd", "group", "company", "university", "institute", "council", "commission", "administration",
             "organisation", "organization", "bureau", "authority", "directorate", "center", "centre", "lab",
             "laboratory", "systems", "industries", "technologies", "aerospace", "space", "defense", "defence", "ag",
             "gmbh", "spa", "s.p.a.", "plc", "llc", "association", "alliance", "committee", "parliament", "senate",
             "congress", "army", "navy", "marines", "bank", "fund", "partners", "consortium", "union"}


def _relabel(ent: Span) -> Span:
    """Label fixes the model gets wrong in this domain, by the span's head word."""
    last = ent[-1].lower_
    if ent.label_ == "ORG" and last in PROGRAMME_HEADS:
        return Span(ent.doc, ent.start, ent.end, label="PRODUCT")
    return ent


REPORTING = {"say", "add", "tell", "note", "caution", "warn", "explain", "argue", "stress", "insist", "claim",
             "write", "confirm", "comment", "acknowledge", "admit", "predict", "suggest", "declare", "decline"}


def _looks_like_person(ent: Span) -> bool:
    """A name the model typed as an organisation or place, used the way people are: it says things, or is
    introduced with a role ("Marcus Hale, the program director, ...")."""
    if ent._.source != "model" or not 1 <= len(ent) <= 3:
        return False
    if any(t.lower_ in ORG_HEADS or not (t.is_title or t.text[:1].isupper()) or t.pos_ != "PROPN" for t in ent):
        return False
    if len(ent) >= 2 and ent[-1].lower_ in entity_rules().org_last_words:
        return False  # "Marrow Launch Services said": a firm's name says things too
    root = ent.root
    if root.dep_ in {"nsubj", "nsubjpass"} and lemma_of(root.head) in REPORTING:
        return True
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    after = ent.doc[ent.end + 1] if ent.end + 1 < len(ent.doc) else None
    if nxt is not None and nxt.text == "," and after is not None and after.lower_ in {"a", "an", "the", "who"} | {"head", "chief", "director", "president"}:
        return any(child.dep_ == "appos" for child in root.children) or after.lower_ in {"a", "an", "the", "who"}
    return False


def _fix_people(ents: list[Span]) -> list[Span]:
    """People mislabelled ORG/GPE/LOC: known full names and surnames in the article, or person-like usage."""
    people = {e.text for e in ents if e.label_ == "PERSON" and len(e) >= 2}
    surnames = {p.split()[-1] for p in people}
    out: list[Span] = []
    for ent in ents:
        if ent.label_ in {"ORG", "GPE", "LOC", "NORP", "FAC"} and ent._.source == "model" and (
                ent.text in people or (len(ent) == 1 and ent.text in surnames) or _looks_like_person(ent)):
            span = Span(ent.doc, ent.start, ent.end, label="PERSON")
            span._.source = "model"
            out.append(span)
        else:
            out.append(ent)
    # A surname alone that the model left untagged ("Montalvo said", after "Daniel Montalvo") is the person; with
    # the untagged given name before it ("Photo: Daniel Montalvo") the full name is.
    taken = {i for ent in out for i in range(ent.start, ent.end)}
    doc = ents[0].doc if ents else None
    if doc is not None and surnames:
        full = {}
        for p in people:
            full.setdefault(p.split()[-1], []).append(p.split())
        for tok in doc:
            if tok.i not in taken and tok.text in surnames and tok.is_title and tok.pos_ == "PROPN":
                start = tok.i
                for parts in full[tok.text]:
                    first = tok.i - len(parts) + 1
                    if first >= 0 and not any(j in taken for j in range(first, tok.i)) \
                            and [t.text for t in doc[first:tok.i + 1]] == parts:
                        start = first
                        break
                span = Span(doc, start, tok.i + 1, label="PERSON")
                span._.source = "model"
                out.append(span)
                taken.update(range(start, tok.i + 1))
        out.sort(key=lambda e: e.start)
    return out


@Language.factory("gazetteer_entities")
def make_gazetteer_entities(nlp: Language, name: str) -> GazetteerEntities:
    return GazetteerEntities(nlp)


_LEMMATIZERS: dict[int, object] = {}


_VOWELS = frozenset("aeiou")
_VERB_INDEX: dict[int, frozenset[str]] = {}


def _silent_e_verb(token, lemma: str, lemmatizer) -> str:
    """The rule lemmatizer strips "-es", "-ed" and "-ing" and keeps the first stem its verb list knows, so
    "spares", "hoped" and "slated" come out as "spar", "hop" and "slat". English doubles a single final consonant
    after a single vowel before these endings ("sparred", "hopping"), so an undoubled form of such a stem is the
    form of the stem with a silent "e" ("spare"), when the verb list has that verb."""
    if token.pos_ != "VERB" or len(lemma) < 3:
        return lemma
    word = token.lower_
    if word not in (lemma + "es", lemma + "ed", lemma + "ing"):
        return lemma
    last, before, third = lemma[-1], lemma[-2], lemma[-3]
    if last in _VOWELS or last in "wxy" or before not in _VOWELS or third in _VOWELS:
        return lemma
    index = _VERB_INDEX.get(id(lemmatizer))
    if index is None:
        index = _VERB_INDEX[id(lemmatizer)] = frozenset(lemmatizer.lookups.get_table("lemma_index", {}).get("verb", ()))
    return lemma + "e" if lemma + "e" in index else lemma


def _with_index_sets(lemmatizer):
    """The rule lemmatizer asks its word list whether each candidate stem is a word (``form in index``), and the
    lookups package stores those lists as Python lists (57,528 nouns, 8,700 verbs): a linear scan per candidate.
    Its cache of answers lives in the process, and a worker process is replaced after every batch, so most asks
    were misses: lemmatizing cost about 5% of a worker's CPU (a sampling profile of one BBC batch). Sets give the
    same answers."""
    table = lemmatizer.lookups.get_table("lemma_index", None)
    if table is not None:
        for key in list(table.keys()):
            table[key] = frozenset(table[key])
    return lemmatizer


def lemma_of(token) -> str:
    """The token's lemma, lower-cased. The lemmatizer is loaded but not run over every token (it costs about a
    tenth of the model's time and the pipeline needs lemmas only for verbs and a few nouns); it is applied here,
    to the tokens that are asked about, with the same rules."""
    if token.lemma_:
        return token.lemma_.lower()
    lemmatizer = _LEMMATIZERS.get(id(token.doc.vocab))
    if lemmatizer is None:
        return token.lower_
    lemma = _silent_e_verb(token, lemmatizer.rule_lemmatize(token)[0], lemmatizer)
    token.lemma_ = lemma  # kept on the doc: the claim rules ask about the same verbs many times
    return lemma.lower()


def _company_forms() -> list[str]:
    from ..data import read_yaml

    return [str(f) for f in read_yaml("entity_rules.yaml").get("company_form_abbreviations") or () if str(f).endswith(".")]


def build_nlp(model_name: str) -> Language:
    import spacy

    nlp = spacy.load(model_name)
    for form in _company_forms():  # "Sdn. Bhd.": the period of a company's legal form ends no sentence
        nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    compile_into(nlp)  # the model's attribute ruler without its Matcher: same output, an eighth of the model's time
    if "lemmatizer" in nlp.pipe_names:
        _LEMMATIZERS[id(nlp.vocab)] = _with_index_sets(nlp.get_pipe("lemmatizer"))
        nlp.disable_pipe("lemmatizer")
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_boundaries", before="parser")
        nlp.add_pipe("possessive_repair", after="parser")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("span_cleanup", after="ner")
    nlp.add_pipe("gazetteer_entities", last=True)
    return nlp


def get_nlp(model_name: str) -> Language:
    """Loaded once per process, model name and domain data folder (the gazetteer component holds its aliases)."""
    from ..data import current_data_dir

    return _load_nlp(model_name, current_data_dir())


@lru_cache(maxsize=2)
def _load_nlp(model_name: str, data_dir: str | None) -> Language:
    log.info("loading spaCy model %s", model_name)
    return build_nlp(model_name)
