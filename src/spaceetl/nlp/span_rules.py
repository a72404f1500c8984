"""Span and type fixes for what the small statistical model gets wrong in defence and space news, driven by the
word lists in ``data/entity_rules.yaml``:

* descriptors are not part of a name ("defence contractor Leonardo" -> Leonardo);
* a coordination of two organisations is two entities when the second one is a known name ("Avio and Thales
  Alenia Space");
* a launch pad keeps its number ("Launch Complex 39A"), a unit its number ("Carrier Air Wing 11");
* a person's name does not stop before a surname with a letter outside ASCII ("Zoë Ålund");
* ships ("USS Nimitz") are PRODUCT and military units ("Carrier Air Wing 11") ORG, never PERSON;
* single capitalised common words are not names: a plural noun or a verb the model tagged (at the start of a
  sentence), technical acronyms ("SMS"), handles and hashtags ("@agency"), a time zone after a time ("15:40 GMT");
* an ambiguous acronym alias ("CSG") is linked only when the article names its context;
* a person's span does not start with a title ("President Lena Varga" -> Lena Varga) and a name does not end with
  a photo caption's credit word ("Harbour Bridge Image: ...");
* a name ending with an organisation word ("Sea Org", "Varga Foundation") is an ORG, one ending with a building's
  ("Harbour Street Station") a FAC, and a code of capitals and
  digits ("XR7", "IE9") is a PRODUCT, never a person or a place;
* a capitalised first word of a sentence that the article also uses as an ordinary lower-case word ("Iodine
  levels fell ... iodine in bread") is not a name;
* one name, one type per article: the same name typed two ways is given the type most of its mentions have, and
  its untagged mentions get that type too ("Vexio said ... Vexio engineers ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..data import cached_per_data_dir, read_csv, read_yaml

NAME_LABELS = {"ORG", "PERSON", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "CELESTIAL"}
NOT_A_NAME_TAGS = {"NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS", "RB", "MD", "PRP", "DT", "IN"}
PAD_NUMBER = re.compile(r"^-?\d+[A-Z]?$|^[A-Z]?\d+[A-Z]?$")
UNIT_NUMBER = re.compile(r"^\d+$|^[IVX]+$")
CODE_NAME = re.compile(r"^[A-Z]{1,5}-?\d{1,4}[A-Za-z]?$")
DESIGNATION = re.compile(r"^(?P<word>[A-Z][A-Za-z]{1,15})-\d{1,3}[A-Za-z]?$")

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
    leading_titles: frozenset[str]
    caption_words: frozenset[str]
    org_last_words: frozenset[str]
    fac_last_words: frozenset[str]
    zone_abbreviations: frozenset[str]
    leading_clitics: frozenset[str] = frozenset()
    equipment_heads: frozenset[tuple[str, ...]] = frozenset()
    designators: frozenset[str] = frozenset()
    equipment_acronyms: frozenset[str] = frozenset()
    event_heads: frozenset[str] = frozenset()
    designation_not_names: frozenset[str] = frozenset()


def _words(data: dict, *keys: str, lower: bool = False) -> frozenset[str]:
    """The words listed under ``keys`` (absent keys list nothing), lower-cased when ``lower``."""
    words = [str(w) for key in keys for w in data.get(key) or ()]
    return frozenset(w.lower() for w in words) if lower else frozenset(words)


@cached_per_data_dir
def entity_rules() -> EntityRules:
    data = read_yaml("entity_rules.yaml")
    return EntityRules(
        not_names=_words(data, "not_names", "military_abbreviations"),
        ship_prefixes=_words(data, "ship_prefixes"),
        unit_words=_words(data, "unit_words", lower=True),
        pad_heads=_words(data, "pad_heads", lower=True),
        acronym_cues={k: (tuple(v.get("cues") or []), v.get("label") or "ORG")
                      for k, v in (data.get("acronym_context") or {}).items()},
        person_titles=_words(data, "person_titles", lower=True),
        generic_before=_words(data, "generic_before", lower=True),
        state_nouns=_words(data, "state_nouns", lower=True),
        org_heads=_words(data, "org_heads", lower=True),
        leading_titles=_words(data, "leading_titles", "person_titles", lower=True),
        caption_words=_words(data, "caption_words"),
        org_last_words=_words(data, "org_last_words", lower=True),
        fac_last_words=_words(data, "fac_last_words", lower=True),
        zone_abbreviations=frozenset(r["abbreviation"] for r in read_csv("time_zones.csv") if len(r["abbreviation"]) > 1),
        leading_clitics=_words(data, "leading_clitics"),
        equipment_heads=frozenset(tuple(w.split()) for w in _words(data, "equipment_heads", lower=True)),
        designators=_words(data, "military_designators"),
        equipment_acronyms=_words(data, "equipment_acronyms"),
        event_heads=_words(data, "event_heads", lower=True),
        designation_not_names=_words(data, "designation_not_names", lower=True),
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


def _trim_shape(ent: Span, rules: EntityRules) -> Span | None:
    """A model span cut free of leading clitics and dashes ("’s Webb" -> Webb, "-U.S." -> U.S.), or None when
    nothing name-shaped is left: no capital letter at all ("fuel", "n’t", "ministry") is a common word."""
    doc = ent.doc
    start = ent.start
    while start < ent.end and doc[start].text in rules.leading_clitics:
        start += 1
    if start == ent.end or not any(ch.isupper() for ch in doc[start:ent.end].text):
        return None
    if start == ent.start:
        return ent
    out = Span(doc, start, ent.end, label=ent.label_)
    out._.source = ent._.source
    return out


def _is_equipment(tokens: Span, rules: EntityRules) -> bool:
    """The span ends with an equipment head ("... Ground Power Unit", "... Radar") and has a word before it."""
    words = tuple(t.lower_ for t in tokens)
    return any(len(words) > len(head) and words[-len(head):] == head for head in rules.equipment_heads)


def _not_a_name(ent: Span, rules: EntityRules) -> bool:
    """Shapes that are never a name: a listed common term or abbreviation, a capitalised verb or first word, a
    handle, a time zone after a time, a hull or squadron type code alone or restating the name before it."""
    doc = ent.doc
    first = ent[0]
    if first.text in rules.designators and (len(ent) == 1 or (first.i > 0 and doc[first.i - 1].text == "(")):
        return True  # "USS Nimitz (CVN 68)", "Carrier Air Wing (CVW) 17", a bare "DDG"
    if len(ent) != 1:
        return False
    tok = first
    if tok.text in rules.not_names:
        return True
    if tok.pos_ in {"VERB", "AUX"} or (tok.is_sent_start and tok.tag_ in NOT_A_NAME_TAGS):
        return True  # "Engineers said ...", "Deploy the antenna": a capitalised common word
    if tok.text[:1] in {"@", "#"}:
        return True  # a social-media handle or hashtag, not a name
    # "15:40 GMT": a time zone
    return tok.text in rules.zone_abbreviations and tok.i > 0 and any(ch.isdigit() for ch in doc[tok.i - 1].text)


def fix_model_span(ent: Span) -> Span | None:
    """Type and boundary fixes for one model span; None drops it. Each step reads and returns (start, end,
    label), in this order: the name's own edges and words first, then ships and units, then numbers after it."""
    rules = entity_rules()
    doc = ent.doc
    if ent.label_ not in NAME_LABELS:
        return ent
    ent = _trim_shape(ent, rules)
    if ent is None or _not_a_name(ent, rules):
        return None
    label = ent.label_
    if label in {"ORG", "PERSON", "GPE", "NORP", "LOC", "FAC"} and ent.text in rules.equipment_acronyms:
        label = "PRODUCT"  # "AGPU", "ARRW": equipment, not a body
    start, end = _trim_edges(doc, ent.start, ent.end, label, rules)
    label = _label_by_words(doc, start, end, label, rules)
    start, end, label = _ships_and_units(ent, start, end, label, rules)
    start, end, label = _numbers_and_surnames(doc, start, end, label, rules)
    if (start, end, label) == (ent.start, ent.end, ent.label_):
        return ent
    out = Span(doc, start, end, label=label)
    out._.source = ent._.source
    return out


def _trim_edges(doc: Doc, start: int, end: int, label: str, rules: EntityRules) -> tuple[int, int]:
    """A caption's credit word after the name, a person's title before it."""
    if end - start >= 2 and doc[end - 1].text in rules.caption_words and end < len(doc) and doc[end].text == ":":
        end -= 1  # "Harbour Bridge Image: J. Doe": the caption's credit, not the name
    if label == "PERSON":
        bare = start
        while end - bare >= 2 and doc[bare].lower_ in rules.leading_titles:
            bare += 1  # "President Lena Varga", "Ms Okoye": the title is not part of the name
        if doc[bare].text[:1].isupper():  # not "Secretary of State Ana Ruiz" -> "of State Ana Ruiz"
            start = bare
    return start, end


def _label_by_words(doc: Doc, start: int, end: int, label: str, rules: EntityRules) -> str:
    """The type a name's last word or its shape gives it, whatever the model said."""
    if label in {"PERSON", "GPE", "LOC", "NORP"} and end - start >= 2 and doc[end - 1].lower_ in rules.org_last_words:
        label = "ORG"  # "Sea Org", "Varga Foundation"
    elif label == "ORG" and end - start >= 2 and doc[end - 1].lower_ in rules.fac_last_words:
        label = "FAC"  # "Harbour Street Station": a place, not a body
    elif label in {"PERSON", "GPE", "NORP"} and end - start == 1 and CODE_NAME.match(doc[start].text):
        label = "PRODUCT"  # "XR7", "IE9": a model or version code
    if label in {"ORG", "PERSON", "GPE", "LOC", "FAC", "NORP"} and _is_equipment(doc[start:end], rules):
        label = "PRODUCT"  # "Aviation Ground Power Unit": equipment, not a body (and not a military unit)
    if label in {"ORG", "FAC", "GPE", "LOC"} and end - start >= 2 and _event_name(doc[start:end], rules):
        label = "EVENT"  # "ITU Symposium on Small Satellite Regulation": a meeting, not a body
    return label


def _event_name(tokens: Span, rules: EntityRules) -> bool:
    """A name headed by an event word: its last word, or one before "on", "of", "for" or "and"."""
    words = [t.lower_ for t in tokens]
    return words[-1] in rules.event_heads or any(
        w in rules.event_heads and nxt in {"on", "of", "for", "and"} for w, nxt in zip(words, words[1:]))


def _ships_and_units(ent: Span, start: int, end: int, label: str, rules: EntityRules) -> tuple[int, int, str]:
    """Ships are PRODUCT with their prefix ("USS Nimitz", "Arleigh Burke-class"); a military unit is an ORG
    and keeps its number ("Carrier Air Wing 11")."""
    doc = ent.doc
    if start > 0 and doc[start - 1].text in rules.ship_prefixes and label in {"PERSON", "ORG", "GPE", "PRODUCT"}:
        start, label = start - 1, "PRODUCT"
    elif doc[start].text in rules.ship_prefixes and end - start >= 2:
        label = "PRODUCT"
    elif ent.text.endswith("-class") and label == "PERSON":
        label = "PRODUCT"  # "Arleigh Burke-class"
    words = {t.lower_ for t in doc[start:end]}
    if label in {"PERSON", "GPE", "ORG"} and words & rules.unit_words and any(t.is_title for t in doc[start:end]):
        label = "ORG"
        if end < len(doc) and UNIT_NUMBER.match(doc[end].text):
            end += 1  # "Carrier Air Wing 11"
    return start, end, label


def _numbers_and_surnames(doc: Doc, start: int, end: int, label: str, rules: EntityRules) -> tuple[int, int, str]:
    """A launch pad keeps its number ("Launch Complex 39A"); a person's name runs on over a surname the model
    has not seen ("Zoë Ålund")."""
    if doc[end - 1].lower_ in rules.pad_heads and end < len(doc) and PAD_NUMBER.match(doc[end].text) \
            and label in {"FAC", "ORG", "LOC", "GPE", "PRODUCT", "LANGUAGE"}:
        end, label = end + 1, "FAC"  # "Launch Complex 39A"
    if label == "PERSON":
        while end < len(doc) and end - start < 4 and _surname_like(doc[end]) and doc[end].ent_iob_ != "B":
            end += 1  # "Zoë Ålund": the model stops before a surname it has not seen
    return start, end, label


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


TYPED_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "CELESTIAL"}
LEADING_DETERMINERS = {"the", "a", "an"}


def one_type_per_name(ents: list[Span]) -> list[Span]:
    """Inside one article a name is one thing. The small model types the same name differently from sentence to
    sentence (an ORG here, a GPE there) and misses some of its mentions, mostly where the name only modifies a
    noun ("Vexio engineers"). Names the model typed are given, everywhere in the article, the type a strict
    majority of their mentions has (no majority: left as they are), and the untagged mentions of such a name get
    it too. Names the gazetteer typed are left to the gazetteer, which already finds every mention."""
    if not ents:
        return ents
    doc = ents[0].doc
    decided = _majority_types(ents, doc)
    if not decided:
        return ents
    out: list[Span] = []
    for e in ents:
        want = decided.get(e.text) if e._.source == "model" else None
        if want is not None and want != e.label_ and e.label_ in TYPED_LABELS:
            e = _span(doc, e.start, e.end, want)
        out.append(e)
    added = _untagged_mentions(doc, out, decided)
    if not added:
        return out
    return sorted(out + added, key=lambda e: e.start)


def _majority_types(ents: list[Span], doc: Doc) -> dict[str, str]:
    """Name -> the type a strict majority of its model mentions has. Place readings of a name nothing in the
    article calls a place (never "in X", "at X") do not count when there is no majority."""
    rules = entity_rules()
    listed: set[str] = set()
    votes: dict[str, dict[str, int]] = {}
    for e in ents:
        if e.label_ not in TYPED_LABELS:
            continue
        if e._.source != "model":
            listed.add(e.text)
        else:
            count = votes.setdefault(e.text, {})
            count[e.label_] = count.get(e.label_, 0) + 1
    decided: dict[str, str] = {}
    cache: list[set[str]] = []
    for text, count in votes.items():
        if text in listed or text in rules.not_names or not text[:1].isupper():
            continue
        if not any(count.get(k, 0) * 2 > sum(count.values()) for k in count) and any(k in PLACE_LABELS for k in count):
            if not cache:
                cache.append(_place_texts(doc))
            if text not in cache[0]:
                count = {k: v for k, v in count.items() if k not in PLACE_LABELS} or count
        label, n = max(count.items(), key=lambda kv: kv[1])
        if 2 * n > sum(count.values()):
            decided[text] = label
    return decided


def _untagged_mentions(doc: Doc, out: list[Span], decided: dict[str, str]) -> list[Span]:
    """The untagged occurrences of the decided names, standalone (not part of a longer capitalised run), typed."""
    taken = {i for e in out for i in range(e.start, e.end)}
    # The token sequences of the decided names, taken from one of their spans.
    seqs: dict[tuple[str, ...], str] = {}
    for e in out:
        if e.text in decided and e._.source == "model" \
                and not any(t.is_punct and t.text not in {"-", ".", "&", "'", "’"} for t in e):
            seqs.setdefault(tuple(t.text for t in e), decided[e.text])  # not a list ("Ruiz, Okafor")
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for seq in seqs:
        by_first.setdefault(seq[0], []).append(seq)
    lower = lower_case_words(doc)
    added: list[Span] = []
    for tok in doc:
        for seq in by_first.get(tok.text, ()):
            i, n = tok.i, len(seq)
            if i + n > len(doc) or any(j in taken for j in range(i, i + n)):
                continue
            if tuple(t.text for t in doc[i:i + n]) != seq or not _standalone(doc, i, i + n):
                continue
            if n == 1 and tok.is_sent_start and tok.text.lower() in lower:
                continue  # a first word of a sentence the article also writes in lower case
            added.append(_span(doc, i, i + n, seqs[seq]))
            taken.update(range(i, i + n))
    return added


PLACE_LABELS = {"GPE", "LOC", "FAC"}
LOCATIVE = {"in", "at", "near", "across", "throughout", "outside", "inside", "around", "into", "towards", "toward"}


def _place_texts(doc: Doc) -> set[str]:
    """The texts (up to four words) ending with the object of a locative preposition ("in X", "near New X"),
    tagged or not: one pass over the article."""
    out: set[str] = set()
    for t in doc:
        if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE:
            out.update(doc[j:t.i + 1].text for j in range(max(t.head.i + 1, t.i - 3), t.i + 1))
    return out


def _standalone(doc: Doc, start: int, end: int) -> bool:
    """The words are the whole capitalised run there, not part of a longer name ("Vexio" in "Vexio Labs")."""
    prev = doc[start - 1] if start > 0 else None
    nxt = doc[end] if end < len(doc) else None
    if prev is not None and (prev.text in {"-", "&", "’", "'"} or prev.text[:1].isupper()
                             and not (prev.is_sent_start and prev.lower_ in LEADING_DETERMINERS)):
        return False
    if nxt is not None and (nxt.text[:1].isupper() or nxt.text in {"-", "&"}):
        return False
    if end - start == 1 and doc[start].is_sent_start and doc[start].pos_ != "PROPN":
        return False  # a capitalised first word of a sentence is a name only when tagged as one
    return True


def _span(doc: Doc, start: int, end: int, label: str) -> Span:
    out = Span(doc, start, end, label=label)
    out._.source = "model"
    return out


def lower_case_words(doc: Doc) -> set[str]:
    return {t.text for t in doc if t.is_lower and t.is_alpha}


def drop_common_words(ents: list[Span]) -> list[Span]:
    """A single capitalised word the model tagged at the start of a sentence, or that the tagger itself does not
    take for a proper noun ("Iodine levels fell", "if Iodine deficiency is ..."), is an ordinary word when the
    same article also writes it in lower case ("iodine in bread")."""
    if not ents:
        return ents
    doc = ents[0].doc
    single = [e for e in ents if len(e) == 1 and (e[0].is_sent_start or e[0].tag_ != "NNP")
              and e._.source == "model" and e.label_ in TYPED_LABELS]
    if not single:
        return ents
    lower = lower_case_words(doc)
    drop = {e.start for e in single if e.text.lower() in lower}
    return [e for e in ents if e.start not in drop] if drop else ents


# "Luxembourg- and Reston, Virginia-based Orbitalis", "a Denver-based startup": the places of a "-based" compound
# modifier (one or two coordinated places, each with an optional ", State").
_PLACE = r"(?!(?:The|A|An)\b)[A-Z][\w.'’]*(?:[ \t]+[A-Z][\w.'’]*)*(?:,[ \t]+[A-Z][\w.'’]*(?:[ \t]+[A-Z][\w.'’]*)*)?"
_BASED = re.compile(rf"(?:{_PLACE}-[ \t]+(?:and|or)[ \t]+)?{_PLACE}-based\b")


def based_modifiers(text: str) -> list[tuple[int, int]]:
    """Character ranges of "X-based" compound modifiers, up to the end of "based". Most bodies have none, and the
    pattern tries every run of capitalised words, so a body without "-based" is not scanned (it is asked for each
    body twice)."""
    if "-based" not in text:
        return []
    return [(m.start(), m.end()) for m in _BASED.finditer(text)]


def inside_based(span: Span, ranges: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The "-based" modifier that holds the whole span, if any."""
    return next(((a, b) for a, b in ranges if a <= span.start_char and span.end_char <= b), None)


def places_in_based_modifiers(ents: list[Span]) -> list[Span]:
    """A name inside "Boulder, Colorado-based" is where a company sits, never a person: typed as a place, without
    a trailing hyphen token."""
    if not ents:
        return ents
    doc = ents[0].doc
    ranges = based_modifiers(doc.text)
    if not ranges:
        return ents
    out = []
    for ent in ents:
        if ent.label_ == "PERSON" and inside_based(ent, ranges) is not None:
            end = ent.end - 1 if ent.end - ent.start > 1 and doc[ent.end - 1].text == "-" else ent.end
            fixed = Span(doc, ent.start, end, label="GPE")
            fixed._.source = ent._.source
            ent = fixed
        out.append(ent)
    return out


def based_head(span: Span, ranges: list[tuple[int, int]]) -> Span | None:
    """For a span inside a "-based" modifier, the noun phrase the modifier describes ("Orbitalis" in "Paris- and
    Reston, Virginia-based Orbitalis"), or None when no noun follows."""
    found = inside_based(span, ranges)
    if found is None:
        return None
    doc = span.doc
    k = next((t.i for t in doc[span.start:] if t.idx >= found[1]), None)
    if k is None or doc[k].pos_ not in {"PROPN", "NOUN", "ADJ"}:
        return None
    end = k
    while end + 1 < len(doc) and doc[end + 1].pos_ in {"PROPN", "NOUN"} and doc[end].dep_ in {"compound", "amod", "flat"}:
        end += 1
    return doc[k:end + 1]


def untagged_designations(doc: Doc) -> list[Span]:
    """"The Ax-1 mission", "replace Meteosat-7": a capitalised word joined to a number that the model left
    untagged is a product's name (a mission, satellite or vehicle), unless its word makes a category or a stage
    ("Phase-2", ``designation_not_names``)."""
    rules = entity_rules()
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    out: list[Span] = []
    for tok in doc:
        if tok.i in taken or tok.pos_ not in {"PROPN", "NOUN"}:
            continue
        m = DESIGNATION.match(tok.text)
        if m is not None and m.group("word").lower() not in rules.designation_not_names:
            out.append(Span(doc, tok.i, tok.i + 1, label="PRODUCT"))
    return out
