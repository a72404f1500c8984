"""Claims from the dependency parse: who did or said what, to whom, for how much, when - and how sure the
wording is.

Decisions (documented for analysts):
* A clause with conjoined subjects ("the US and Italy signed ...") gives **one claim per subject**, so every
  party can be queried directly; the claims share the sentence span.
* Passive clauses are turned around: in "a deal was signed by Italy" Italy is the subject and the deal the object.
* Direct quotes (straight or curly, one or several sentences, split around the attribution) become ``quote``
  claims with the speaker found after or before the quote; "X said (that) ..." without quote marks is a
  ``quote`` claim too (indirect speech) with the reported clause as ``quote_text``.
* Modality: ``negated`` beats ``hedged`` beats ``reported`` beats ``asserted``; the cue words live in
  ``data/claim_rules.yaml``.
* What a named thing is, said without a verb of its own, is an ``attribute`` claim: an apposition ("Hispasat, a
  unit of Redeia") or a copula with a predicate noun ("Avanti is the largest operator"); a valuation ("the
  contract is worth €300 million") is a ``be worth`` claim with its amount. Adjective-only copulas make none.
* Spans are whole noun phrases: an object keeps the "of" complement of a partitive head ("this quarter of a
  million square foot hall"), its quote marks balanced, and never runs into a coordinated verb phrase; the object
  of an infinitive complement belongs to that infinitive's claim ("trained to test the capsule": test / capsule),
  the direct object comes before the recipient ("provide startups funds": funds).
* No claim for what nobody is said to do: a direct question, an aim's infinitive ("its plan was to operate
  it"), the placeholder "it" of "it would cost ... to buy", an infinitive whose "for" subject is a common thing;
  a verb of object control passes its object, not its subject, to its complement ("forced Apple to lower").
* An event only asked for, allowed, required or needed ("asked the FCC to stay", "was authorized to present",
  "the capital we need to start") or provided for by a draft ("Under the draft bill, ... will be supervised") is
  ``hedged``; the asking itself stays a claim. A bare conjoined verb shares its first conjunct's auxiliaries and
  negation ("couldn't send and receive"). The verb lists are ``directive_control_verbs`` and ``provision_frames``.
* Constructions without a claim verb of their own - nominal events, participles and relative clauses, shared
  objects of coordinated verbs, light verbs, phrasal synonyms - are found by ``nlp.constructions`` (patterns in
  the rule data) and read through the same verb frame, so their type, modality and spans follow the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from ..data import cached_per_data_dir
from .claim_rules import (ClaimRules, adverbial_clause, claim_rules, claim_rules_data, expletive_it_verbs,
                          rule_words)
from .constructions import Constructions, construction_rules, find_constructions

if TYPE_CHECKING:
    from .entities import Link

SUBJ = {"nsubj", "nsubjpass", "csubj"}
OBJ = {"dobj", "attr", "oprd", "dative"}
OBJ_PREPS = {"with", "to", "for", "on", "from", "into", "of"}
MAX_TEXT = 160


@dataclass
class ClaimDraft:
    claim_type: str
    predicate: str
    start_char: int
    end_char: int
    subject: Span | None = None
    subject_text: str | None = None
    object: Span | None = None
    object_text: str | None = None
    speaker: Span | None = None
    speaker_text: str | None = None
    quote_text: str | None = None
    quote_style: str | None = None
    reporting_verb: str | None = None
    attribution: str | None = None
    modality: str = "asserted"
    modality_cue: str | None = None
    clause_start: int = 0
    clause_end: int = 0
    place_text: str | None = None
    confidence: float = 0.5
    key: str = ""
    extra: dict = field(default_factory=dict)
    # Character span of the word(s) that carry the predicate (a verb, an event noun, a light verb and its noun).
    predicate_start: int | None = None
    predicate_end: int | None = None


def _text(span_or_tokens, body: str | None = None) -> str:
    if body is not None and isinstance(span_or_tokens, Span):
        text = body[span_or_tokens.start_char:span_or_tokens.end_char]  # no token-by-token rebuild
    else:
        text = span_or_tokens.text if isinstance(span_or_tokens, Span) else " ".join(t.text for t in span_or_tokens)
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"


def _subtree_span(token: Token, exclude: set[int] | None = None, whole: bool = False) -> Span:
    """The token's phrase. ``whole`` (a claim's subject): quote marks kept and balanced ('a “conduit financing”'),
    no dangling conjunction, determiner or preposition at its end, as for objects."""
    doc = token.doc
    start, end = token.left_edge.i, token.right_edge.i + 1
    # "conclude that older estimates overstate": the parser may hang the clause's "that" on the subject noun.
    while start < token.i and doc[start].dep_ == "mark" and doc[start].head.i == token.i:
        start += 1
    # A phrase is contiguous: an apposition the parser hung on the head across the clause ("the company has
    # performed three missions: the Soyuz launch ...") does not stretch it over the verb.
    end = next((k for k in range(token.i + 1, end) if not token.is_ancestor(doc[k])), end)
    # Do not run a subject into a relative clause or a trailing comma, nor into an apposition set off by one
    # ("Eutelsat, a network operator"); a close apposition is the name itself ("network operator Eutelsat of France").
    for t in token.rights:
        if t.dep_ == "appos" and _close_apposition(token, t):
            continue
        if whole and t.dep_ == "punct" and t.text in QUOTE_MARKS:
            continue
        if t.dep_ in {"relcl", "acl", "punct", "appos"} and t.i > token.i:
            end = min(end, t.left_edge.i if t.dep_ != "punct" else t.i)
            break
    if whole:
        return _trim_edges(doc, start, end)
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:max(end, start + 1)]


OPEN_QUOTES, CLOSE_QUOTES = {"“", "‘"}, {"”", "’"}
QUOTE_MARKS = OPEN_QUOTES | CLOSE_QUOTES | {'"', "'"}


def object_span(token: Token) -> Span:
    """The whole noun phrase of an object: cut before a relative clause, an apposition or a comma as subjects are,
    but never at a quote mark (a “limited batch” of terminals), never running into a coordinated verb phrase the
    parser hung on the noun ("cut off access ... and halt exports"), keeping the "of" complement of a partitive
    head the parser gave to the verb ("this quarter of a million square foot hangar"), and without a dangling
    conjunction or an unbalanced quote mark at its edges."""
    doc = token.doc
    start, end = token.left_edge.i, token.right_edge.i + 1
    # "deployed the 860-kilogram Iridium Next satellites" parsed with two objects: a name the head's phrase starts
    # inside of takes in the whole name and what leads up to it.
    if doc[start].ent_iob_ == "I":
        first = start
        while first > 0 and doc[first].ent_iob_ == "I":
            first -= 1
        start = min(start, doc[first].left_edge.i) if doc[first].head.i in {token.i, token.head.i} else start
    for t in token.rights:
        if t.dep_ in {"relcl", "acl", "appos"} or (t.dep_ == "punct" and t.text not in QUOTE_MARKS):
            end = min(end, t.left_edge.i if t.dep_ != "punct" else t.i)
            break
    for t in doc[token.i + 1:end]:
        if t.dep_ == "conj" and _verb_like(t):
            cc = next((c for c in t.head.children if c.dep_ == "cc" and c.i < t.i), None)
            end = min(end, cc.i if cc is not None else t.left_edge.i)
            break
    # "lifted off from Launch Complex 39A": a name the parser split (its number hung on the verb) is one object.
    if end == token.right_edge.i + 1 and doc[end - 1].ent_iob_ in {"B", "I"}:
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        # "deployed the Iridium Next satellites": the name's last word modifies the noun after it, which the
        # parser hung elsewhere; that noun is the object's head.
        if end < len(doc) and end > token.i + 1 and doc[end].pos_ == "NOUN" and doc[end - 1].head.i == end:
            end += 1
    nxt = doc[end] if end < len(doc) else None
    if (end == token.right_edge.i + 1 and nxt is not None and nxt.lower_ == "of" and nxt.head.i == token.head.i
            and lemma_lc(token) in _partitives()):
        pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
        end = object_span(pobj).end if pobj is not None else end
    return _trim_edges(doc, start, end)


def _verb_like(tok: Token) -> bool:
    """A conjunct that is a verb phrase, even when tagged as a noun: a verb, or a word with an object of its own."""
    return tok.pos_ in {"VERB", "AUX"} or any(c.dep_ in {"dobj", "ccomp", "xcomp"} for c in tok.children)


def _trim_edges(doc: Doc, start: int, end: int) -> Span:
    """Without edge punctuation, spaces or a dangling conjunction, and with its quote marks balanced."""
    def loose(t: Token) -> bool:
        return (t.is_punct and t.text not in QUOTE_MARKS) or t.is_space or t.dep_ == "cc"

    while start < end and (loose(doc[start]) or doc[start].text in CLOSE_QUOTES):
        start += 1
    while end > start + 1 and (loose(doc[end - 1]) or doc[end - 1].text in OPEN_QUOTES
                               or doc[end - 1].lower_ in {"the", "a", "an"} or doc[end - 1].pos_ == "ADP"
                               or (doc[end - 1].dep_ == "case" and doc[end - 1].lower_ in {"'s", "’s"})):
        end -= 1  # "about 2,000 satellites on top of the" -> "... on top"; "India's (joining)" -> "India"
    inside = [t.text for t in doc[start:end]]
    opened = sum(q in OPEN_QUOTES for q in inside) - sum(q in CLOSE_QUOTES for q in inside)
    if opened > 0 and end < len(doc) and doc[end].text in CLOSE_QUOTES:
        end += 1  # 'a “limited batch' -> 'a “limited batch”'
    elif opened > 0 and doc[start].text in OPEN_QUOTES:
        start += 1
    elif opened < 0 and doc[end - 1].text in CLOSE_QUOTES:
        end -= 1
    return doc[start:max(end, start + 1)]


@cached_per_data_dir
def _vehicle_verbs() -> frozenset[str]:
    return rule_words("vehicle_on_verbs")


@cached_per_data_dir
def _object_control_verbs() -> frozenset[str]:
    return rule_words("object_control_verbs")


@cached_per_data_dir
def _directive_verbs() -> frozenset[str]:
    return rule_words("directive_control_verbs")


@cached_per_data_dir
def _provision_frames() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(prepositions, draft nouns, draft modifiers) of ``provision_frames`` in claim_rules.yaml."""
    from .claim_rules import claim_rules_data

    data = claim_rules_data().get("provision_frames") or {}
    return tuple(frozenset(str(w) for w in data.get(k) or ()) for k in ("preps", "nouns", "modifiers"))


@cached_per_data_dir
def _phrasal_verbs() -> frozenset[str]:
    return rule_words("phrasal_verbs")


@cached_per_data_dir
def _purpose_nouns() -> frozenset[str]:
    return rule_words("purpose_nouns")


@cached_per_data_dir
def _partitives() -> frozenset[str]:
    return rule_words("partitive_nouns")


def _close_apposition(head: Token, appos: Token) -> bool:
    """A name right after a common noun, with nothing between ("network operator Eutelsat", "the company Eutelsat")."""
    return (head.pos_ == "NOUN" and appos.pos_ == "PROPN" and appos.left_edge.i == head.i + 1
            and bool(appos.ent_type_) and appos.ent_type_ not in NOT_DESCRIPTIONS)


def lemma_lc(token: Token) -> str:
    """Lower-case lemma. The pipeline runs the lemmatizer only on demand (see ``nlp.pipeline.lemma_of``)."""
    from .pipeline import lemma_of

    return lemma_of(token)


def predicate_of(verb: Token) -> str:
    """The verb's lemma with its particle ("cut back"). The parser often tags a particle as an adverb ("pushed
    back the launch": back/advmod); a bare adverb right after the verb that forms a phrasal verb listed in
    ``phrasal_verbs`` (claim_rules.yaml) is read as the particle it is."""
    lemma = lemma_lc(verb)
    particles = [c.text.lower() for c in verb.children
                 if c.dep_ == "prt" or (c.dep_ == "advmod" and c.i > verb.i and not any(True for _ in c.children)
                                        and f"{lemma} {c.lower_}" in _phrasal_verbs())]
    return " ".join([lemma, *particles])


NESTED = {"ccomp", "advcl", "relcl", "acl", "parataxis", "xcomp", "csubj"}
RELATIVE_TAGS = {"WDT", "WP", "WP$"}


_CLAUSE_MEMO: dict[tuple[int, int], list[Token]] = {}


def _finite_pcomp(tok: Token) -> bool:
    """A clause with its own subject after a preposition ("speculation about how she might reorganize it"): its
    "might" hedges the reorganizing, not the verb the prepositional phrase belongs to."""
    return tok.dep_ == "pcomp" and any(c.dep_ in SUBJ for c in tok.children)


def _clause_tokens(verb: Token) -> list[Token]:
    """The verb's own clause: its subtree without nested clauses (reported, adverbial, relative, conjoined verbs),
    so a hedge inside "said that X could ..." does not hedge the saying. Memoised per document run."""
    key = (id(verb.doc), verb.i)
    hit = _CLAUSE_MEMO.get(key)
    if hit is not None:
        return hit
    # Depth-first, not descending into nested clauses at any depth ("announced plans that would ...": the
    # relative clause's "would" is not the announcing verb's).
    doc = verb.doc
    keep: list[int] = []
    stack = [verb]
    while stack:
        tok = stack.pop()
        keep.append(tok.i)
        stack.extend(c for c in tok.children
                     if not (c.dep_ in NESTED or (c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}) or _finite_pcomp(c)))
    keep.sort()
    out = [doc[i] for i in keep]
    _CLAUSE_MEMO[key] = out
    return out


@lru_cache(maxsize=16)
def _first_words(cues: tuple[str, ...]) -> frozenset[str]:
    """Words that can start a cue: only these need the (costlier) cue-sense check."""
    return frozenset(c.split()[0] for c in cues) | {"no."}


MODALS = {"may", "might", "could", "would", "should", "can", "must", "will", "shall"}


def cue_sense(tok: Token) -> bool:
    """Whether a cue word is used in its cue sense: the month in "signed May 27" is not the modal, "No. 2" and
    "the now-cancelled programme" do not negate the clause they sit in."""
    low = tok.lower_
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if low in MODALS:
        return tok.tag_ == "MD"
    if low in {"no", "no."}:
        if nxt is not None and nxt.text in {"-", "‑"} and nxt.idx == tok.idx + len(tok.text):
            return False  # "a no-fail mission", "a no-fly zone": a compound modifier, not a negation
        return not (nxt is not None and (nxt.text == "." or nxt.like_num)) and not tok.text.endswith(".")
    if tok.dep_ in {"amod", "compound"} or (tok.i > 0 and doc[tok.i - 1].text == "-"):
        return tok.tag_ not in {"VBN", "VBD", "JJ"}  # "now-cancelled", "rejected bids": a modifier, not the clause
    return True


def _cue_in(tokens: list[Token], cues: tuple[str, ...]) -> str | None:
    first_words = _first_words(cues)
    tokens = [t for t in tokens if t.lower_ not in first_words or cue_sense(t)]
    # A curly apostrophe is the same cue as a straight one: "couldn’t" is "could" + "n’t", the cue "n't".
    lowered = [t.lower_.replace("’", "'") for t in tokens]
    words = set(lowered)
    low = " " + " ".join(lowered) + " "
    for cue in cues:
        if (" " in cue and f" {cue} " in low) or (" " not in cue and cue in words):
            return cue
    return None


def _governors(verb: Token):
    """The verbs this clause hangs from, nearest first, with the relation: (head, dep)."""
    tok = verb
    seen = 0
    while tok.dep_ in {"xcomp", "ccomp", "conj", "advcl", "pcomp"} and tok.head.i != tok.i and seen < 6:
        yield tok.head, tok.dep_
        tok = tok.head
        seen += 1


def modality_of(tokens: list[Token], sentence_text: str, rules: ClaimRules, verb: Token) -> tuple[str, str | None]:
    """negated > hedged > reported > asserted. Cues come from the clause itself first, then from the verbs that
    govern it ("plans to", "declined to", "denied that", "said that"), then from the sentence ("according to").
    The predicate is not its own cue: "Russia rejected the proposal" and "they are negotiating" are asserted."""
    if lemma_lc(verb) in rules.denying:
        return "negated", verb.lower_  # a denial is the negation of what it denies
    tokens = [t for t in tokens if t.i != verb.i] + _shared_auxiliaries(verb)
    governors = list(_governors(verb))
    for modality, find in (("negated", _negation_cue), ("hedged", _hedge_cue), ("reported", _report_cue)):
        cue = find(tokens, governors, rules, verb)
        if cue is not None:
            return modality, cue
    if in_source_phrase(verb):
        return "asserted", None  # "according to slides obtained by X": the obtaining is the writer's fact
    sent_low = " " + sentence_text.lower() + " "
    for cue in rules.reported:
        if " " in cue and f" {cue} " in sent_low:
            return "reported", cue
    return "asserted", None


SHARING_CC = {"and", "or", "nor", "&"}


def in_source_phrase(verb: Token) -> bool:
    """Whether the verb sits inside the source phrase of "according to" ("according to slides obtained by the
    paper"): it describes the source, so the source does not vouch for it."""
    tok, hops = verb, 0
    while tok.head.i != tok.i and hops < 8:
        tok, hops = tok.head, hops + 1
        if tok.lower_ == "according":
            return True
    return False


def _shared_auxiliaries(verb: Token) -> list[Token]:
    """The auxiliaries and negation a conjoined verb shares with its first conjunct: in "couldn't send and receive
    data" the "n't" and "could" govern "receive" too. Only a bare conjunct shares them - no subject or auxiliary of
    its own, not a finite verb, joined by "and"/"or" ("did not sign but announced a plan" does not deny the
    announcement)."""
    out: list[Token] = []
    tok = verb
    while tok.dep_ == "conj" and tok.head.i != tok.i and tok.head.pos_ in {"VERB", "AUX"}:
        own = list(tok.children)
        if tok.tag_ in {"VBD", "VBZ", "VBP"} or any(c.dep_ in SUBJ | {"aux", "auxpass", "neg"} for c in own):
            break
        head = tok.head
        ccs = [c for c in head.children if c.dep_ == "cc" and head.i < c.i < tok.i]
        if not ccs or ccs[-1].lower_ not in SHARING_CC:
            break
        out.extend(c for c in head.children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < head.i)
        tok = head
    return out


def _directive_cue(verb: Token, governors: list) -> str | None:
    """A verb that only asks for, allows or requires its complement ("asked the regulator to suspend", "was
    authorized to present", "requires operators to deorbit"): the complement has not happened."""
    for head, dep in governors:
        if dep == "conj":
            continue  # "asked the FCC to stay and review": both are only asked for
        if lemma_lc(head) in _directive_verbs() and (
                dep == "xcomp" or (dep == "advcl" and any(c.tag_ == "TO" for c in verb.children))):
            return f"{head.lower_} to"
        return None
    return None


def _provision_cue(verb: Token) -> str | None:
    """A clause inside what a draft provides ("Under the draft bill, the agency will be supervised by ..."): a
    provision phrase (``provision_frames``) on the verb or on any clause above it."""
    preps, nouns, modifiers = _provision_frames()
    if not preps:
        return None
    tok, hops = verb, 0
    while hops < 12:
        for c in tok.children:
            if c.dep_ != "prep" or c.lower_ not in preps:
                continue
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None and (lemma_lc(pobj) in nouns or any(
                    m.dep_ in {"amod", "compound", "nmod"} and m.lower_ in modifiers for m in pobj.children)):
                return " ".join(t.lower_ for t in verb.doc[c.i:pobj.i + 1])
        if tok.head.i == tok.i:
            break
        tok, hops = tok.head, hops + 1
    return None


QUESTION_TAGS = {"WRB", "WP", "WDT", "WP$"}
NEGATION_WORDS = {"not", "n't", "n’t", "never"}  # the parser sometimes labels a curly "n’t" as punctuation


def _question_word(verb: Token) -> Token | None:
    """The word opening a clause that is an embedded question ("whether the agency will ...", "how the delay
    would ..."): "whether"/"if" as its conjunction, or a wh-word before its verb."""
    for c in verb.children:
        if c.i > verb.i:
            break
        if (c.dep_ == "mark" and c.lower_ in {"whether", "if"}) or (c.tag_ in QUESTION_TAGS and c.dep_ != "nsubj"):
            return c
        # "what role SES will play", "how many antennas they would buy": the wh-word opens the object phrase.
        if (c.dep_ in {"dobj", "attr", "npadvmod", "nsubj", "nsubjpass"} and c.left_edge.i != c.i
                and c.left_edge.tag_ in QUESTION_TAGS and c.left_edge.lower_ != "that"):
            return c.left_edge  # "which products can benefit": a wh-word opening the subject phrase
    return None


def _open_question_cue(verb: Token, governors: list) -> str | None:
    """The cue of an event left open by an embedded question: "whether"/"if", or the negated or uncertain clause
    the question hangs from ("not clear", "unclear")."""
    if not governors or governors[0][1] != "ccomp" or (q := _question_word(verb)) is None:
        return None
    if q.lower_ in {"whether", "if"}:
        return q.lower_
    head = governors[0][0]
    words = [head] + [c for c in head.children if c.dep_ in {"acomp", "oprd"}]
    neg = next((c for c in head.children if c.dep_ == "neg" or c.lower_ in NEGATION_WORDS), None)
    if neg is not None:
        return f"{neg.lower_} {words[-1].lower_}"
    uncertain = next((w for w in words if lemma_lc(w) in rule_words("open_question_words")), None)
    if uncertain is not None:
        return uncertain.lower_
    # "declined to say how many ...", "too soon to say what role ...": a question the speaker leaves unanswered.
    if _reports(head, claim_rules()) and head.dep_ in {"xcomp", "advcl", "ccomp"}:
        return f"{head.lower_} {q.lower_}"
    return None


def _negation_cue(tokens: list[Token], governors: list, rules: ClaimRules, verb: Token) -> str | None:
    """A negation in the clause, or a governing verb that negates it ("declined to", "denied that", "did not
    say that"). A negation above an embedded question ("It wasn't clear how X would affect Y") does not reach
    the question's event (it is hedged)."""
    cue = _cue_in(tokens, rules.negated)
    if cue:
        return cue
    if _open_question_cue(verb, governors) is not None:
        return None
    for head, dep in governors:
        lemma = lemma_lc(head)
        if dep in {"xcomp", "pcomp"} and lemma in rules.negating_control:
            return f"{head.lower_} to"
        if dep in {"ccomp", "xcomp", "pcomp"} and lemma in rules.denying:
            return head.lower_
        if dep == "conj":
            continue
        if dep in {"ccomp", "xcomp"} and _cue_in(_clause_tokens(head), ("not", "n't", "never")):
            return "not"
    return None


def _hedge_cue(tokens: list[Token], governors: list, rules: ClaimRules, verb: Token) -> str | None:
    """A hedge in the clause, a hedging control verb ("plans to", "appears to"), or a hedge in the clause that
    governs it. A hedge word that only qualifies a noun or sits in a prepositional phrase ("scrubbed the launch
    because of a potential issue") does not hedge the verb. A "would" under a past reporting verb ("said the
    agency would start") is reported speech's "will", not a hedge (``_backshifted_would``)."""
    tokens = [t for t in tokens if not _modifier_hedge(t, verb) and not _backshifted_would(t, governors, rules, verb)]
    if _for_to(verb):
        return "for"  # "looking for Congress to provide billions": wanted, not done
    cue = (_cue_in(tokens, rules.hedged) or _open_question_cue(verb, governors) or _directive_cue(verb, governors)
           or _provision_cue(verb) or _conditional_cue(verb, governors) or _relative_hedge(verb, rules))
    if cue:
        return cue
    if governors and governors[0][1] == "ccomp" and lemma_lc(governors[0][0]) in rules.hedging_control and any(
            c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children):
        return governors[0][0].lower_  # "expects the Air Force to award": an infinitive with its own subject
    if governors and governors[0][1] == "ccomp" and lemma_lc(governors[0][0]) in rule_words("hoping_clause_verbs"):
        return governors[0][0].lower_  # "hopes that the rocket can fix that": only wished for
    for head, dep in governors:
        if dep == "xcomp" and lemma_lc(head) in rules.hedging_control:
            # "anticipate ordering": a gerund complement has no "to"
            return head.lower_ if verb.tag_ == "VBG" else f"{head.lower_} to"
        if dep == "conj":
            continue
        if dep in {"ccomp", "xcomp"}:
            cue = _cue_in(_clause_tokens(head), rules.hedged)
            if cue:
                return cue
    return None


HEDGE_MODIFIERS = {"potential", "potentially", "possible", "possibly", "likely", "expected", "proposed", "rumored",
                   "rumoured", "alleged"}


def _modifier_hedge(tok: Token, verb: Token) -> bool:
    """A hedge word that qualifies a noun ("a potential issue") or lies inside a prepositional phrase of the
    clause ("because of a possible fault"), not the clause's verb."""
    if tok.lower_ not in HEDGE_MODIFIERS:
        return False
    if tok.dep_ in {"amod", "compound", "nmod"} and tok.head.pos_ in {"NOUN", "PROPN"}:
        return True
    node, hops = tok, 0
    while node.i != verb.i and node.head.i != node.i and hops < 12:
        if node.dep_ in {"pobj", "pcomp"}:
            return True
        node, hops = node.head, hops + 1
    return False


CONDITION_MARKS = {"if", "unless"}


def _backshifted_would(tok: Token, governors: list, rules: ClaimRules, verb: Token | None = None) -> bool:
    """A "would" right under a past reporting verb ("The plan noted savings would come from cuts"), or under one
    set in the clause as a parenthetical ("Those flights, the agency added, would include ..."): reported
    speech's version of "will", so the clause is reported, not hedged. Other modals ("said it could") hedge."""
    if tok.lower_ != "would" or tok.tag_ != "MD" or not claim_rules_data().get("backshifted_would_reported", True):
        return False
    if verb is not None and any(c.dep_ == "parataxis" and c.tag_ in {"VBD", "VBN"} and _reports(c, rules)
                                and any(g.dep_ in SUBJ for g in c.children) for c in verb.children):
        return True
    if not governors:
        return False
    head, dep = governors[0]
    return dep == "ccomp" and head.tag_ in {"VBD", "VBN"} and _reports(head, rules)


def _conditional_cue(verb: Token, governors: list) -> str | None:
    """An event that holds only under a condition: the "if"/"unless" clause itself, or a clause governed by one
    ("If the regulator does not act, the firm will appeal")."""
    for tok in [verb] + [h for h, dep in governors if dep in {"xcomp", "conj"}]:
        if tok.i != verb.i and _reports(tok, claim_rules()):
            break  # "If the bill passes, analysts predict ...": the prediction is made, whatever happens
        if tok.i == verb.i and lemma_lc(tok) in claim_rules().reporting_lemmas:
            continue
        for c in tok.children:
            if c.dep_ == "mark" and c.lower_ in CONDITION_MARKS and tok.i == verb.i and c.i < verb.i:
                return c.lower_
            if c.dep_ == "advcl" and c.i < tok.i and any(
                    m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in c.children):
                return "if"
    return None


def _relative_hedge(verb: Token, rules: ClaimRules) -> str | None:
    """A future relative clause hanging on a noun of a hedged event ("intends to go to court, where it will
    seek a stay"): it happens only if that event does."""
    if verb.dep_ != "relcl" or not any(c.dep_ == "aux" and c.lower_ in {"will", "'ll", "’ll"} for c in verb.children):
        return None
    gov, hops = verb.head, 0
    while gov.pos_ not in {"VERB", "AUX"} and gov.head.i != gov.i and hops < 4:
        gov, hops = gov.head, hops + 1
    if gov.pos_ not in {"VERB", "AUX"}:
        return None
    return _hedge_cue(_clause_tokens(gov), list(_governors(gov)), rules, gov)


def _reports(head: Token, rules: ClaimRules) -> bool:
    """A verb whose complement clause it reports: a reporting verb, or a verb of finding ("the studies conclude
    that ...") whose own use ("concluded a deal") is no report (``finding_verbs``)."""
    lemma = lemma_lc(head)
    return lemma in rules.reporting_lemmas or lemma in rule_words("finding_verbs")


def _main_clause_misread(head: Token, verb: Token) -> bool:
    """A reporting verb in an adverbial clause whose "complement" is really the main clause ("Once NOAA confirms
    its readiness, it will replace ...": a comma or an object between them). "although he said it will carry"
    still reports what follows."""
    if not adverbial_clause(head):
        return False
    set_off = any(c.dep_ == "punct" and c.text in {",", ";", "—", "–"} and head.i < c.i < verb.i
                  for c in verb.children)
    return set_off or any(c.dep_ == "dobj" for c in head.children)


def _report_cue(tokens: list[Token], governors: list, rules: ClaimRules, verb: Token) -> str | None:
    """A reporting verb the clause is the complement of ("said that ..."), or the verb itself reporting."""
    child = verb
    for head, dep in governors:
        if dep == "ccomp" and _reports(head, rules) and not _main_clause_misread(head, child):
            return head.lower_
        child = head
    if lemma_lc(verb) in rules.reporting_lemmas and not _transitive_use(verb):
        return verb.lower_
    # "Servicing, he added, can extend ...": a reporting verb set in the clause as a parenthetical reports it.
    # It reports the clauses under that one as well ("..., Madden said, the service trains operators only to see
    # them move"), but not a clause of their own subject set off as a relative or a reported one.
    for tok in [verb] + [h for h, dep in governors if dep in {"xcomp", "advcl", "conj"}]:
        aside = next((c for c in tok.children if c.dep_ == "parataxis" and lemma_lc(c) in rules.reporting_lemmas
                      and any(g.dep_ in SUBJ for g in c.children)), None)
        if aside is not None:
            return aside.lower_
    return _trailing_attribution(verb, rules)


def _transitive_use(verb: Token) -> bool:
    """A reporting verb in its plain transitive sense ("SES maintains a presence", "claimed the prize"): a noun
    object and no clause, so it reports nothing (``transitive_reporting_verbs``)."""
    if lemma_lc(verb) not in rule_words("transitive_reporting_verbs"):
        return False
    kids = list(verb.children)
    return (any(c.dep_ == "dobj" for c in kids)
            and not any(c.dep_ in {"ccomp", "xcomp", "parataxis"} or c.is_quote for c in kids))


def _trailing_attribution(verb: Token, rules: ClaimRules) -> str | None:
    """"Attendance rose, with 410 firms renting stands, a nine percent rise, Maria Lopez said by email": a
    sentence-final reporting verb with a subject but no complement of its own, set off by a comma, that the parser
    made a conjunct of the main verb, reports the main clause and everything under it (an absolute "with" clause
    carrying the reported figure included)."""
    root, hops = verb, 0
    while root.head.i != root.i and hops < 12:
        root, hops = root.head, hops + 1
    for c in root.children:
        if c.dep_ != "conj" or c.i <= verb.i or lemma_lc(c) not in rules.reporting_lemmas:
            continue
        kids = list(c.children)
        if (any(g.dep_ in {"ccomp", "dobj", "xcomp", "cc"} for g in kids) or not any(g.dep_ in SUBJ for g in kids)
                or any(t.dep_ == "cc" and t.head.i == root.i and t.i < c.i for t in root.children)):
            continue
        before = c.doc[c.left_edge.i - 1] if c.left_edge.i > 0 else None
        if before is not None and before.text == ",":
            return c.lower_
    return None


def _subjects(verb: Token) -> tuple[list[Token], bool]:
    """Subject heads of a verb (conjoined ones expanded) and whether the clause is passive."""
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
    subj, head = _subject_token(verb)
    clause_start = len(verb.doc)
    if subj is not None and is_relative(subj):
        # "Hispasat, which is controlled by Redeia": the relative pronoun stands for the noun the clause hangs from.
        if head.dep_ != "relcl" or (not passive and not (head.head.pos_ == "PROPN" or head.head.ent_type_)):
            return [], passive  # (a passive relative takes its subject from the by-agent: "which ESA funded")  # only about a named thing: "a law that sets ..." stays a description
        if not passive:
            subj = head.head
            # "partners Hughes, who will build X; and operator Intelsat, which ...": a conjunct after the relative
            # clause is not what "who" stands for.
            clause_start = head.left_edge.i
    if passive:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        heads = [pobj] if pobj is not None else []
    else:
        heads = [subj] if subj is not None else []
    out: list[Token] = []
    for h in heads:
        out.append(h)
        # "Airbus Defence and Space" is one name, not two subjects: a conjunct inside the same entity is skipped.
        span = _entity_around(h)
        out.extend(c for c in h.conjuncts if c.pos_ in {"PROPN", "NOUN", "PRON"} and c.i < clause_start
                   and not (span is not None and span[0] <= c.i < span[1]) and not _in_brackets_after(h, c))
    return out, passive


def _in_brackets_after(head: Token, tok: Token) -> bool:
    """A word in a parenthesis opened after the head ("Ana (now partner of Orbitex) discusses") describes the
    head; the parser's conjunct there is no second subject. A parenthesis opened by a conjunction ("NASA (and
    later JAXA) signed") adds one."""
    opened: list[Token] = []
    for t in head.doc[head.i + 1:tok.i]:
        if t.text == "(":
            opened.append(t)
        elif t.text == ")" and opened:
            opened.pop()
    return bool(opened) and not (opened[-1].i + 1 < len(head.doc) and head.doc[opened[-1].i + 1].dep_ == "cc")


def _subject_token(verb: Token) -> tuple[Token | None, Token]:
    """(subject, the verb it was found on): the verb's own, else a governing verb's ("Italy signed X and launched
    Y", "SDA plans to launch Y"), never a dateline ("RESTON, Va. — General Dynamics reported": not RESTON)."""
    subj = next((c for c in verb.children if c.dep_ in SUBJ), None)
    head = verb
    while subj is None and (head.dep_ in {"conj", "xcomp"} or _controlled_advcl(head)) and head.head.i != head.i:
        if _reduced_relative(head):
            return None, head  # "including one announced May 5 to assist ...": the one announced, not the subject
        via = "xcomp" if head.dep_ == "advcl" else head.dep_
        head = head.head
        # "Italy is expected to sign": a raising verb's passive subject is the subject of its complement.
        deps = {"nsubj", "csubj", "nsubjpass"} if via == "xcomp" else {"nsubj", "csubj"}
        subj = next((c for c in head.children if c.dep_ in deps), None)
        if via == "xcomp" and subj is not None and subj.lower_ == "it" and lemma_lc(head) in expletive_it_verbs():
            return None, head  # "it would cost ... to buy data": nobody buys yet
        if (via == "xcomp" and subj is not None and subj.dep_ == "nsubjpass"
                and lemma_lc(head) in rule_words("instrument_passive_verbs")):
            return None, head  # "the data should not be used to minimize the risk": the data minimize nothing
        if via == "xcomp" and subj is not None and lemma_lc(head) in _object_control_verbs():
            # "forced Apple to lower prices": Apple lowers; "Boeing (was) allowed to bid": Boeing bids; "a
            # guideline requires deorbiting satellites": the guideline deorbits nothing.
            doer = _controlled_doer(head, verb)
            if subj.dep_ == "nsubjpass" or (doer is None and any(c.tag_ == "TO" for c in verb.children)):
                return subj, head  # "Boeing (was) allowed to bid": without an object, only the passive reads
            return doer, head
        if via == "xcomp" and subj is not None and lemma_lc(head) == "be" and lemma_lc(subj) in _purpose_nouns():
            return None, head  # "its plan was to operate it": the plan operates nothing
    if subj is not None and (dl := _dateline_end(verb.sent)) and subj.idx < dl:
        subj = _after_dateline(verb.sent, dl)
    if subj is not None and head is verb:
        subj = _subject_after_conjunction(verb, subj)
    return subj, head


def _reduced_relative(verb: Token) -> bool:
    """A participle right after a noun that the parser made a conjunct of the main verb ("has agreements,
    including one announced May 5 to assist its work"): it modifies the noun, and the main subject does not do
    it. A true conjunct has a conjunction or a comma before it ("signed X and launched Y")."""
    if verb.dep_ != "conj" or verb.tag_ not in {"VBD", "VBN"} or verb.i == 0:
        return False
    prev = verb.doc[verb.i - 1]
    return (prev.pos_ in {"NOUN", "PROPN", "NUM"} and prev.dep_ in {"pobj", "dobj", "appos"}
            and not any(c.dep_ in SUBJ | {"aux", "auxpass", "cc"} for c in verb.children))


def _subject_after_conjunction(verb: Token, subj: Token) -> Token:
    """A subordinate verb whose subject was taken from the main clause, with the clause's conjunction hung on it
    as a preposition ("important for the operator as shortages cause delays"): its subject is the noun right
    after the conjunction. A clause opened by its own conjunction ("because NASA's role as a customer
    changed") keeps the subject the parser gave it."""
    conjunctions = rule_words("clause_conjunctions")
    if verb.dep_ != "advcl" or subj.dep_ != "nsubj" or any(
            c.dep_ in {"mark", "advmod"} and c.lower_ in rule_words("adverbial_marks") and c.i < subj.i for c in verb.children):
        return subj
    conj = next((c for c in subj.rights if c.dep_ in {"prep", "mark"} and c.lower_ in conjunctions), None)
    noun = next((c for c in conj.children if c.dep_ == "pobj"), None) if conj is not None else None
    if noun is None or noun.pos_ not in {"NOUN", "PROPN", "PRON"}:
        return subj
    between = verb.doc[noun.right_edge.i + 1:verb.i]
    return noun if all(t.dep_ in {"aux", "neg", "advmod"} for t in between) else subj


def _controlled_advcl(verb: Token) -> bool:
    """"the Navy selected Northrop Grumman to build satellites" parsed with "to build" as an adverbial clause: an
    infinitive under a verb of object control that has an object is that verb's complement all the same."""
    head = verb.head
    return (verb.dep_ == "advcl" and head.i != verb.i and any(c.tag_ == "TO" for c in verb.children)
            and lemma_lc(head) in _object_control_verbs() and _controlled_doer(head, verb) is not None)


def _controlled_doer(head: Token, verb: Token) -> Token | None:
    """The object of a control verb that does its complement: a recipient before a thing ("awarded Boeing $4
    billion to build": Boeing; "awarded the contract to Airbus to build": Airbus), never an amount or a deal."""
    to = next((c for c in head.children if c.dep_ in {"prep", "dative"} and c.lower_ == "to" and c.i < verb.i), None)
    recipient = next((g for g in to.children if g.dep_ == "pobj"), None) if to is not None else None
    if recipient is not None:
        return recipient
    return next((c for c in head.children if c.dep_ in {"dobj", "dative"} and c.i < verb.i and c.pos_ != "ADP"
                 and c.ent_type_ not in {"MONEY", "CARDINAL", "PERCENT", "QUANTITY"}
                 and lemma_lc(c) not in claim_rules().transaction_nouns), None)


def _entity_around(tok: Token) -> tuple[int, int] | None:
    """Token range of the entity containing ``tok`` (via the IOB tags, without scanning doc.ents)."""
    if tok.ent_iob_ not in {"B", "I"}:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end


_DATELINE = re.compile(r"^[A-Z][A-Z.'\- ]{2,}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*(?:\([^)\n]{1,30}\))?\s*(?:\s*[—–]\s*|\s+-{1,2}\s+|--\s*)")


def _dateline_end(sent: Span) -> int | None:
    """End offset of a dateline at the start of a sentence ("RESTON, Va. — ", "PARIS (Reuters) - ")."""
    first = sent[0]
    if not (first.is_upper and len(first) >= 2):
        return None  # a dateline opens with a place name in capitals
    m = _DATELINE.match(sent.text)
    return sent.start_char + m.end() if m else None


def _after_dateline(sent: Span, end: int) -> Token | None:
    """The head of the noun phrase that starts right after the dateline."""
    tok = next((t for t in sent if t.idx >= end), None)
    while tok is not None and tok.dep_ in {"compound", "amod", "det", "nmod"} and tok.head.i > tok.i:
        tok = tok.head
    return tok if tok is not None and tok.pos_ in {"PROPN", "NOUN", "PRON"} else None


def is_relative(tok: Token) -> bool:
    return tok.tag_ in RELATIVE_TAGS or tok.lower_ in {"that", "which", "who", "whom"}


def _range_span(verb: Token) -> Span | None:
    """"range from a mapping startup to a telecom operator": the object of a verb of range (``range_verbs``) is
    the whole "from ... to ..." phrase, not its first end."""
    if lemma_lc(verb) not in rule_words("range_verbs"):
        return None
    start = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ == "from"), None)
    if start is None:
        return None
    to = next((t for t in verb.doc[start.i + 1:verb.sent.end] if t.lower_ == "to" and t.dep_ == "prep"
               and (t.head.i == verb.i or start.i <= t.head.i <= start.right_edge.i)), None)
    if to is None:
        return None
    return _trim_edges(verb.doc, start.i, max(to.right_edge.i, start.right_edge.i) + 1)


def _adverb_object(tok: Token) -> bool:
    """"work long-term": a hyphenated word of time or manner (``adverb_objects``) the parser made an object."""
    if tok.left_edge.i == tok.right_edge.i:
        return tok.lower_ in rule_words("adverb_objects")
    words = "".join(t.lower_ for t in tok.doc[tok.left_edge.i:tok.right_edge.i + 1])
    return words in rule_words("adverb_objects")


def _gerund_of_possessor(tok: Token) -> Token:
    """"celebrated Japan's coming on board": the parser takes the gerund's possessor for the object and hangs
    the gerund on the verb; what is celebrated is the coming, so the gerund is the object (its owner is no
    object entity)."""
    doc = tok.doc
    after = tok.right_edge.i + 1
    if after + 1 < len(doc) and doc[after].lower_ in {"'s", "’s"} and doc[after + 1].tag_ == "VBG" \
            and doc[after + 1].head.i == tok.head.i:
        return doc[after + 1]
    return tok


def _object(verb: Token, passive: bool) -> Token | None:
    if passive:
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if patient is not None and is_relative(patient) and verb.dep_ == "relcl":
            return verb.head  # "Hispasat, which is controlled by Redeia": Redeia controls Hispasat
        return patient
    # The direct object before an indirect one: "provide startups much needed funds" provides funds (the parser
    # gives the recipient as a dative, or as a first of two direct objects).
    found = [_gerund_of_possessor(c) for c in verb.children if c.dep_ in OBJ and not _adverb_object(c)]
    direct = [c for c in found if c.dep_ != "dative"]
    dobjs = [c for c in direct if c.dep_ == "dobj"]
    if len(dobjs) >= 2 and dobjs[1].left_edge.i == dobjs[0].right_edge.i + 1:
        return dobjs[1]  # right after the first: "gave NASA a contract", not "launch X on Y, the same vehicle"
    if direct or found:
        return (direct or found)[0]
    # "holds NASA records for ...": a noun phrase the parser made a complement clause is the object.
    noun_clause = next((c for c in verb.children if c.dep_ == "ccomp" and (
        c.pos_ == "NOUN" or _noun_read_as_verb(c, claim_rules()))), None)
    if noun_clause is not None:
        return noun_clause
    # An object of an infinitive complement is never the governing verb's: in "trained to test the capsule" the
    # capsule is what is tested (the "test" claim), not what is trained.
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in OBJ_PREPS and c.i > verb.i:  # a fronted "For other markets, X said"
            if c.lower_ in {"on", "for"} and lemma_lc(verb) in _vehicle_verbs():  # sets a scene, it is no object
                continue  # "will launch on a Falcon 9", "fly on them for training": a vehicle, a purpose
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ not in {"DATE", "TIME"}:
                return pobj  # "announced on Tuesday that ...": a date is when, not what
    return None


@dataclass
class _ClauseScan:
    """What every verb of one article is checked against: the quote ranges, the money offsets, the sentences and,
    per sentence, its text and its "according to" / "reported by" sources (computed once)."""

    doc: Doc
    text: str
    rules: ClaimRules
    quote_ranges: list[tuple[int, int]]
    money: list[int] | None
    sents: list[Span]
    sent_ends: list[int]
    sent_info: dict[int, tuple[str, str | None, str | None]] = field(default_factory=dict)
    cons: Constructions = field(default_factory=Constructions)

    def in_quote(self, tok: Token) -> bool:
        return any(a <= tok.idx < b for a, b in self.quote_ranges)

    def has_money(self, start: int, end: int) -> bool:
        import bisect

        if self.money is None:
            return _has_money(self.text, start, end)
        i = bisect.bisect_left(self.money, start)
        return i < len(self.money) and self.money[i] < end

    def sentence(self, tok: Token) -> Span:
        import bisect

        return self.sents[bisect.bisect_right(self.sent_ends, tok.i)]

    def info(self, sent: Span) -> tuple[str, str | None, str | None]:
        """(sentence text, "according to" source, "reported by" source)."""
        if sent.start not in self.sent_info:
            s_text = self.text[sent.start_char:sent.end_char]
            self.sent_info[sent.start] = (s_text, _according_to(s_text), _reported_by(s_text))
        return self.sent_info[sent.start]


@dataclass
class _VerbFrame:
    """One verb read as a claim: its predicate, subjects, object and type before modality."""

    verb: Token
    lemma: str
    predicate: str
    subjects: list[Token | None]
    copula: tuple[Token, str, str] | None
    ctype: str | None
    ccomp: Token | None
    indirect: bool
    obj: Token | None


def clause_claims(doc: Doc, quote_ranges: list[tuple[int, int]], sents: list[Span] | None = None,
                  money_starts: list[int] | None = None, body: str | None = None) -> list[ClaimDraft]:
    """``sents`` and ``money_starts`` (character offsets of the money amounts) may be passed in when the caller
    already has them: this runs on every article and is the costliest step after the model itself."""
    import numpy as np
    from spacy.attrs import POS
    from spacy.parts_of_speech import AUX, VERB

    sent_list = sents if sents is not None else list(doc.sents)
    scan = _ClauseScan(doc=doc, text=doc.text if body is None else body, rules=claim_rules(),
                       quote_ranges=quote_ranges, money=sorted(money_starts) if money_starts is not None else None,
                       sents=sent_list, sent_ends=[s.end for s in sent_list])
    _CLAUSE_MEMO.clear()
    scan.cons = find_constructions(doc)
    verb_positions = np.flatnonzero(np.isin(doc.to_array([POS]).reshape(-1), [VERB, AUX])) if len(doc) else []
    drafts: list[ClaimDraft] = []
    for i in verb_positions:
        verb = doc[int(i)]
        if scan.in_quote(verb):
            continue
        frame = _verb_frame(verb, scan)
        if frame is not None:
            drafts.extend(_frame_claims(frame, scan))
    drafts.extend(_construction_claims(scan))
    drafts.extend(apposition_claims(doc, scan.in_quote, scan.text, sent_list, scan.sent_ends))
    others = _amounts_of_other_nouns(doc, scan.money)
    for d in drafts:  # "any loan larger than $10 million": a bound in the clause is not its amount (nlp.rows)
        bounds = [b for b in scan.cons.thresholds + others if d.clause_start <= b[0] < d.clause_end]
        if bounds:
            d.extra["amount_bounds"] = bounds
    _CLAUSE_MEMO.clear()  # do not keep the document alive
    return drafts


MEASURE_DEPS = {"quantmod", "compound", "nummod", "nmod", "amod"}


def _amounts_of_other_nouns(doc: Doc, money_starts: list[int] | None) -> list[tuple[int, int]]:
    """Character ranges of amounts that measure another noun's possession: "pledges for about two-thirds of
    Orbitex's projected $3 billion cost" - the $3 billion is the cost, owned by Orbitex, in the "of" phrase of a
    fraction; the pledges are a different quantity, so the amount is no claim's (nlp.rows skips it like a
    threshold)."""
    out: list[tuple[int, int]] = []
    for start in money_starts or ():
        span = doc.char_span(start, start + 1, alignment_mode="expand") if start < len(doc.text) else None
        tok = span[0] if span is not None and len(span) else None
        hops = 0
        while tok is not None and tok.dep_ in MEASURE_DEPS and tok.head.i != tok.i and hops < 4:
            tok, hops = tok.head, hops + 1
        if tok is not None and tok.pos_ == "NOUN" and _owned_in_of_phrase(tok):
            out.append((start, tok.idx + len(tok)))
    return out


def _in_of_phrase(tok: Token) -> bool:
    """The object of an "of" after another noun or a number ("two-thirds of ...", "part of ...")."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in {"NOUN", "NUM", "PROPN"}


def _owned_in_of_phrase(noun: Token) -> bool:
    """A noun with a possessor, in the "of" phrase of another noun; also when the parser made a participle after
    the possessive a verb of its own ("of Orbitex's projected $3 billion cost": "projected" a conjunct verb, "cost"
    its object, "Orbitex" the object of "of")."""
    if any(c.dep_ == "poss" for c in noun.children):
        return _in_of_phrase(noun)
    verb = noun.head
    if noun.dep_ != "dobj" or verb.tag_ not in {"VBD", "VBN"} or verb.i == 0:
        return False
    mark = noun.doc[verb.i - 1]
    return mark.tag_ == "POS" and _in_of_phrase(mark.head)


def _verb_frame(verb: Token, scan: _ClauseScan) -> _VerbFrame | None:
    """The verb's claim frame, or None when the verb makes no claim of its own (an auxiliary, a non-claim verb, a
    control verb whose complement carries the claim, a subjectless clause, the attribution of a direct quote)."""
    rules = scan.rules
    verb_lemma = lemma_lc(verb)
    copula = copula_parts(verb, rules) if verb_lemma in COPULAS else None
    if copula is None and (verb.pos_ == "AUX" or verb_lemma in rules.non_claim):
        return None
    if _for_to_clause(verb):
        return None  # "her request for a permit to visit": an infinitive's "for" subject does nothing yet
    if _question(verb, scan):
        return None  # "Do you still plan to meet him?": an interviewer's question asserts nothing
    if _noun_read_as_verb(verb, rules):
        return None  # "He holds NASA records for ...": "records" is the object's noun, not a verb
    if _gerund_not_progressive(verb):
        return None
    if verb.i > 0 and verb.doc[verb.i - 1].tag_ == "POS" and verb.tag_ in {"VBD", "VBN"}:
        return None  # "Orbitex's projected $3 billion cost": a participle after a possessive describes the noun
    if (verb_lemma in rules.hedging_control or verb_lemma in rules.negating_control) and any(
            c.dep_ == "xcomp" and c.pos_ == "VERB" for c in verb.children):
        return None  # "plans to launch": the claim is the launch, hedged
    predicate = predicate_of(verb) if copula is None else copula[1]
    if copula is None:  # "take a decision" -> decide, "called off" -> cancel (data/claim_rules.yaml constructions)
        predicate = scan.cons.predicate.get(verb.i) or construction_rules().synonyms.get(predicate, predicate)
    found = _frame_subjects(verb, copula, rules)
    if found is None:
        return None
    subjects, passive = found
    ctype = rules.type_of.get(predicate) or rules.type_of.get(verb_lemma) if copula is None else copula[2]
    ccomp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    reporting = verb_lemma in rules.reporting_lemmas and ccomp is not None
    if reporting and scan.in_quote(ccomp):
        return None  # the attribution of a direct quote: handled by quote_claims
    obj = _object(verb, passive) if copula is None else copula[0]
    if copula is None:
        obj = _relative_object(verb, obj, _construction_object(verb, obj, scan.cons), passive)
    return _VerbFrame(verb=verb, lemma=verb_lemma, predicate=predicate, subjects=subjects, copula=copula,
                      ctype=ctype, ccomp=ccomp, indirect=reporting, obj=obj)


def _noun_read_as_verb(verb: Token, rules: ClaimRules) -> bool:
    """A plural noun tagged as a present-tense verb, made the complement clause of a verb that takes no clause
    ("holds NASA records for the most spacewalks": NASA would "record" them): the clause starts right after the
    governing verb with a bare name or noun, has no conjunction, auxiliary or object, and the governing verb has
    no object of its own - it is that noun phrase."""
    if verb.dep_ != "ccomp" or verb.tag_ != "VBZ" or verb.head.i == verb.i:
        return False
    head = verb.head
    children = list(verb.children)
    subj = next((c for c in children if c.dep_ == "nsubj"), None)
    if (subj is None or subj.pos_ not in {"PROPN", "NOUN"} or subj.left_edge.i != head.i + 1
            or subj.i != verb.i - 1):
        return False
    if any(c.dep_ in {"mark", "aux", "auxpass", "neg", "dobj", "ccomp", "xcomp"} for c in children):
        return False
    if any(c.dep_ in {"dobj", "attr", "acomp"} for c in head.children):
        return False
    lemma = lemma_lc(head)
    return not (lemma in rules.reporting_lemmas or lemma in rules.hedging_control
                or lemma in rule_words("finding_verbs") or lemma in rule_words("clause_taking_verbs"))


def _gerund_not_progressive(verb: Token) -> bool:
    """A gerund the parser read as a progressive verb: "one key deadline is testing the engines" (a predicative
    gerund: the deadline is the testing, it tests nothing; its subject a noun of ``predicative_gerund_subjects``),
    or "the experience that Maria had going back to ..." ("had" is the verb, the participle describes its object:
    nothing "goes")."""
    if verb.tag_ != "VBG":
        return False
    auxes = [c for c in verb.children if c.dep_ == "aux"]
    if auxes and all(lemma_lc(a) == "have" for a in auxes):
        return True
    if not any(lemma_lc(a) == "be" for a in auxes):
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj is not None and lemma_lc(subj) in rule_words("predicative_gerund_subjects")


def _question(verb: Token, scan: _ClauseScan) -> bool:
    """A clause of a direct question: its sentence ends with a question mark and opens with an auxiliary or a
    wh-word ("Do you plan ...?", "Why did NASA ...?"), not a statement that quotes one."""
    sent = scan.sentence(verb)
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    if not words or not scan.info(sent)[0].rstrip().rstrip("”\"’'").endswith("?"):
        return False
    first = words[0]
    return first.tag_ in {"MD", "WRB", "WP", "WDT"} or (first.pos_ == "AUX" and first.dep_ in {"aux", "ROOT"})


def _for_to(verb: Token) -> bool:
    """An infinitive with its subject brought in by "for" ("for Congress to provide ...")."""
    children = list(verb.children)
    return (any(c.dep_ == "mark" and c.lower_ == "for" for c in children)
            and any(c.dep_ == "aux" and c.tag_ == "TO" for c in children))


def _for_to_clause(verb: Token) -> bool:
    """An infinitive whose "for" subject is a common thing ("a request for a permit to visit"): mostly a parse
    that made the object of "for" the doer. A name or a pronoun there is the doer ("a reason for Cisco to
    file a lawsuit"), and its claim is hedged: a wanted or needed event."""
    if not _for_to(verb):
        return False
    subj = next((c for c in verb.children if c.dep_ in SUBJ), None)
    return subj is None or not (is_named(subj) or subj.pos_ == "PRON")


QUANTIFIERS = {"every", "each", "any", "no", "all"}


def _participle_as_clause(verb: Token) -> bool:
    """"mandating that every nation putting something into space register it": a participle the parser made the
    verb of a that-clause, or of a quantified noun, with no auxiliary, restricts that noun (every nation that puts
    something ...); it is no event, and the clause's real verb follows."""
    if verb.tag_ != "VBG" or any(c.dep_ in {"aux", "auxpass"} for c in verb.children):
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.i > verb.i:
        return False
    that = any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children)
    quantified = any(c.dep_ == "det" and c.lower_ in QUANTIFIERS for c in subj.children)
    return that or quantified


def _frame_subjects(verb: Token, copula: tuple[Token, str, str] | None,
                    rules: ClaimRules) -> tuple[list[Token | None], bool] | None:
    """(subjects, passive), or None when the clause has no subject a claim can be about. A copula needs a named
    subject in the active voice; an agentless passive is kept with subject ``None`` only when it is about a deal or
    a named thing."""
    if _participle_as_clause(verb):
        return None
    subjects, passive = _subjects(verb)
    if copula is not None:
        subjects = [s for s in subjects if _copula_subject_ok(s, copula[2], rules)]
        if not subjects or passive:
            return None
    if not subjects:
        # "No deal has been reached": an agentless passive about a deal is kept (subject unknown), because a
        # denial like this is what the cross-source view must show next to the outlets that report a signing.
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if not (passive and patient is not None and (_agentless_kept(verb, patient, rules))):
            return None
        subjects = [None]
    return subjects, passive


def _clause_type(frame: _VerbFrame, money_here: bool, rules: ClaimRules) -> str | None:
    """A transaction verb without money or a deal noun is a statement ("critics raised concerns"); money and a
    deal noun make a statement or an agreement a transaction."""
    ctype, obj = frame.ctype, frame.obj
    deal_object = obj is not None and lemma_lc(obj) in rules.transaction_nouns
    if ctype == "transaction" and not money_here and not deal_object:
        return "statement" if frame.copula is None else "attribute"
    if money_here and deal_object and ctype in {"statement", "agreement", None}:
        return "transaction"
    return ctype


def _frame_claims(frame: _VerbFrame, scan: _ClauseScan) -> list[ClaimDraft]:
    """One draft per subject of the frame ("the US and Italy signed": two claims sharing the sentence)."""
    verb, text = frame.verb, scan.text
    sent = scan.sentence(verb)
    clause = _clause_tokens(verb)
    cstart = clause[0].idx
    cend = clause[-1].idx + len(clause[-1])
    s_text, attribution, reported_by = scan.info(sent)
    modality, cue = modality_of(clause, s_text, scan.rules, verb)
    ctype = _clause_type(frame, scan.has_money(cstart, cend), scan.rules)
    drafts = []
    for k, subj in enumerate(frame.subjects):
        d = ClaimDraft(
            claim_type="quote" if frame.indirect else (ctype or "statement"), predicate=frame.predicate,
            start_char=sent.start_char, end_char=sent.end_char, clause_start=cstart, clause_end=cend,
            subject=None if subj is None else (_subtree_span(subj, whole=True) if subj.pos_ != "PRON"
                                               else scan.doc[subj.i:subj.i + 1]),
            modality=modality, modality_cue=cue, key=f"{verb.i}-{k}",
        )
        d.subject_text = _text(d.subject, text) if d.subject is not None else None
        if frame.obj is not None:
            d.object = object_span(frame.obj) if frame.copula is None else _description_span(frame.obj)
            if frame.copula is None and (whole := _range_span(verb)) is not None:
                d.object = whole
            d.object_text = _text(d.object, text)
        if frame.indirect:
            d.speaker, d.speaker_text = d.subject, d.subject_text
            d.reporting_verb = frame.lemma
            d.quote_text = _text(_subtree_span(frame.ccomp), text)
            d.quote_style = "indirect"
        if attribution and not in_source_phrase(verb):
            d.attribution = attribution
            if d.speaker is None and (source := _according_source(sent)) is not None:
                d.speaker, d.speaker_text = source, _text(source, text)  # "according to X": X vouches for it
        if reported_by:
            d.attribution = d.attribution or reported_by
        d.predicate_start, d.predicate_end = _predicate_span(verb, scan.cons)
        drafts.append(d)
    return drafts


# --- constructions the clause rules do not read (nlp/constructions.py finds them) ----------------------------


def _predicate_span(anchor: Token, cons: Constructions) -> tuple[int, int]:
    """The predicate's words: the verb, or a light verb with its noun ("took a decision")."""
    noun = cons.light_noun.get(anchor.i) or (cons.idiom[anchor.i][0] if anchor.i in cons.idiom else None)
    last = noun if noun is not None and noun.i > anchor.i else anchor
    return anchor.idx, last.idx + len(last)


REFLEXIVES = {"itself", "themselves", "himself", "herself", "ourselves", "yourselves"}
ADVERB_RELATIVES = {"where", "when", "why", "how", "whereby"}


def _relative_word(tok: Token) -> bool:
    """A relative or interrogative pronoun; "that" only when tagged as one ("we are building that" is a
    demonstrative, a real object; a "that" fronted in a relative clause or tagged as a conjunction is checked where
    the object is read)."""
    return tok.tag_ in RELATIVE_TAGS or tok.lower_ in {"which", "who", "whom", "whose"}


def _relative_host(verb: Token) -> Token | None:
    """The noun a relative clause hangs from, reached from the clause's verb or from an infinitive under it
    ("the programs that the Navy has been trying to fund": "fund" -> "trying" -> "programs")."""
    t = verb
    while t.dep_ == "xcomp" and t.head.i != t.i:
        t = t.head
    if t.dep_ == "relcl" and t.head.pos_ in {"NOUN", "PROPN"}:
        return t.head
    return None


def _relative_object(verb: Token, raw: Token | None, obj: Token | None, passive: bool) -> Token | None:
    """A bare relative or interrogative pronoun is never an object: a relative "that"/"which" stands for the noun
    its clause modifies; a free relative "what" ("what it called the low cost") has no noun, so the clause's own
    complement is the object, or nothing. "which themselves serve as ...": with an intensifying reflexive as the
    subject the parser's object "which" is really the subject, so the verb has no object here. A zero relative
    clause ("the suits the crew would wear on their walks") has its gap in the object: the modified noun is what
    the verb acts on, not a prepositional adjunct - unless the noun is one of time, place, manner or reason."""
    if raw is not None and raw.dep_ in OBJ and is_relative(raw) and any(
            c.dep_ == "nsubj" and c.lower_ in REFLEXIVES for c in verb.children):
        return None
    if obj is not None and obj.dep_ in OBJ and (_relative_word(obj) or (
            obj.lower_ == "that" and (obj.tag_ == "IN" or obj.i < verb.i and _relative_host(verb) is not None))):
        if obj.lower_ == "what":
            return next((c for c in verb.children if c.dep_ in {"oprd", "attr"} and c.i != obj.i), None)
        return _relative_host(verb)
    if passive or verb.dep_ != "relcl" or verb.head.i > verb.i or verb.head.pos_ not in {"NOUN", "PROPN"}:
        return obj
    children = list(verb.children)
    if any(c.dep_ in {"dobj", "ccomp", "xcomp", "attr", "oprd", "dative", "mark"} for c in children):
        return obj
    if any(_relative_word(t) or t.lower_ in ADVERB_RELATIVES for t in verb.doc[verb.left_edge.i:verb.i]):
        return obj  # "an orbit from which they can maneuver", "a manager, whose satellite is working"
    lemma = lemma_lc(verb)
    if not any(c.dep_ == "nsubj" for c in children) or lemma in COPULAS or _reports(verb, claim_rules()) \
            or lemma in rule_words("clause_taking_verbs"):
        return obj  # "a mission they claim does not support ...": the gap is in the claimed clause
    host = verb.head
    if host.lower_ in rule_words("zero_relative_adjunct_nouns") or host.ent_type_ in {"DATE", "TIME"}:
        return obj
    return host


def _construction_object(verb: Token, obj: Token | None, cons: Constructions) -> Token | None:
    """The object a construction gives a verb: the noun a relative clause hangs from ("which Airbus built"), the
    object a coordinated verb shares ("built and launched the satellite"), or the complement of a light verb's
    noun ("held talks with SpaceX" -> SpaceX; "took a decision" has none)."""
    if verb.i in cons.idiom:  # "took place": no object; "took part in the exercise": the exercise
        noun, preps = cons.idiom[verb.i]
        return (_prep_object(noun, preps) or _prep_object(verb, preps)) if preps else None
    if verb.i in cons.light_noun:
        noun = cons.light_noun[verb.i]
        return _prep_object(noun, construction_rules().object_preps | {"about", "over", "in", "into"}) or _prep_object(
            verb, frozenset({"with", "on", "about", "over", "in", "into"}))
    if verb.i in cons.obj and (obj is None or is_relative(obj)) and cons.obj[verb.i].ent_type_ not in NOT_DESCRIPTIONS:
        return cons.obj[verb.i]  # not "42 launches through 2021, which the company valued": 2021 is no object
    return obj


def _prep_object(head: Token, preps: frozenset[str]) -> Token | None:
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    return None


def _parties(tokens: list[Token]) -> list[Token]:
    """The matched parties with their conjuncts ("between Italy and SpaceX"), each once, no pronoun."""
    out: dict[int, Token] = {}
    for tok in tokens:
        for t in (tok, *tok.conjuncts):
            if t.pos_ in {"PROPN", "NOUN"} and t.ent_type_ not in NOT_DESCRIPTIONS:  # "expected by the end of June"
                out.setdefault(t.i, t)
    return [out[i] for i in sorted(out)]


def _governing_modality(anchor: Token, drafts: list[ClaimDraft], scan: _ClauseScan) -> None:
    """A nominal event takes the modality of the clause it sits in when that is stronger: "the deal between
    Italy and SpaceX could collapse" is hedged, "the deal ... fell through" negated."""
    gov = anchor.head
    while gov.pos_ not in {"VERB", "AUX"} and gov.head.i != gov.i:
        gov = gov.head
    if gov.pos_ not in {"VERB", "AUX"}:
        return
    s_text = scan.info(scan.sentence(anchor))[0]
    modality, cue = modality_of(_clause_tokens(gov), s_text, scan.rules, gov)
    for d in drafts:
        if d.modality == "asserted" and modality != "asserted":
            d.modality, d.modality_cue = modality, cue


def _depiction(participle: Token) -> Token:
    """What a participle with a by-agent is about: the noun it hangs from, except a depicted thing inside a
    picture's "of" phrase when the verb makes pictures ("an image of a spiral taken by a pilot": the image)."""
    noun = participle.head
    prep = noun.head
    if (noun.dep_ == "pobj" and prep.lower_ == "of" and lemma_lc(participle) in rule_words("depiction_verbs")
            and lemma_lc(prep.head) in rule_words("depiction_nouns")):
        return prep.head
    return noun


def _construction_claims(scan: _ClauseScan) -> list[ClaimDraft]:
    """Claims of nominal events ("Germany's pledge of €5.1 billion", "the deal between Italy and SpaceX") and of
    participles with a by-agent ("a contract awarded by ESA to OHB"), built through the verb frame so that type,
    modality and spans follow the same rules as a verb's claims."""
    doc, rules, cons = scan.doc, scan.rules, scan.cons
    event_nouns = construction_rules().event_nouns
    drafts: list[ClaimDraft] = []
    for i, parties in sorted(cons.nominal.items()):
        noun = doc[i]
        if scan.in_quote(noun):
            continue
        predicate = event_nouns[noun.lemma_.lower()]
        between = any(p.head.lower_ == "between" for p in parties)
        obj = None if between else _prep_object(noun, construction_rules().object_preps)
        ctype = rules.type_of.get(predicate)
        if noun.lemma_.lower() in rules.transaction_nouns and scan.has_money(noun.left_edge.idx,
                                                                              noun.right_edge.idx + 1):
            ctype = "transaction"
        frame = _VerbFrame(verb=noun, lemma=predicate, predicate=predicate, subjects=list(_parties(parties)),
                           copula=None, ctype=ctype, ccomp=None, indirect=False, obj=obj)
        made = _frame_claims(frame, scan)
        for d in made:  # "Germany's pledge": the party without its possessive ending
            if d.subject is not None and d.subject[-1].dep_ == "case" and len(d.subject) > 1:
                d.subject = d.subject[:-1]
                d.subject_text = _text(d.subject, scan.text)
        _governing_modality(noun, made, scan)
        drafts.extend(made)
    for i, agents in sorted(cons.participial.items()):
        verb = doc[i]
        if scan.in_quote(verb) or verb.head.pos_ not in {"NOUN", "PROPN"}:
            continue
        ways = construction_rules()
        predicate = ways.light_verbs.get((lemma_lc(verb), lemma_lc(verb.head))) or ways.synonyms.get(
            predicate_of(verb), predicate_of(verb))  # "a proposal made by X" -> propose
        frame = _VerbFrame(verb=verb, lemma=lemma_lc(verb), predicate=predicate, subjects=list(_parties(agents)),
                           copula=None, ctype=rules.type_of.get(predicate), ccomp=None, indirect=False,
                           obj=_depiction(verb))
        made = _frame_claims(frame, scan)
        if frame.obj is not verb.head:  # the picture, up to the participle that tells who took it
            for d in made:
                d.object = _trim_edges(doc, frame.obj.left_edge.i, verb.i)
                d.object_text = _text(d.object, scan.text)
        drafts.extend(made)
    for d in drafts:
        d.key = f"c{d.key}"
    return drafts


# --- non-verbal claims: copulas and appositions --------------------------------------------------------------

COPULAS = {"be", "become", "remain"}
# Entity labels of a named thing (the subject of a copula or the head of an apposition) ...
NAMED_TYPES = {"ORG", "GPE", "PERSON", "PRODUCT", "FAC", "NORP", "LOC", "LAW", "EVENT", "WORK_OF_ART"}
# ... and of what never describes one: "Costa, 54,", "the launch, on Monday,", "Avio, $1.2 billion".
NOT_DESCRIPTIONS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}


def is_named(tok: Token) -> bool:
    """A token that names something: inside a named entity of a naming type, or a proper noun the model left
    untagged."""
    return tok.ent_type_ in NAMED_TYPES or (tok.pos_ == "PROPN" and not tok.ent_type_)


def _describes(tok: Token) -> bool:
    """A common-noun phrase that can say what something is (a role, an owner, a category): not a date, a number,
    an amount, a pronoun or a name."""
    return tok.pos_ == "NOUN" and tok.ent_type_ not in NOT_DESCRIPTIONS and not tok.like_num


def copula_parts(verb: Token, rules: ClaimRules) -> tuple[Token, str, str] | None:
    """(object head, predicate, claim type) when a copula says what a thing is or is worth, else None.

    * a predicate noun: "Avanti is the largest operator in Britain", "Rocket Lab became the first company to ..."
      -> ``attribute`` with the copula's lemma (be, become, remain) as predicate;
    * a valuation: "The contract is worth €300 million" -> ``be worth`` with the amount as object, a
      ``transaction`` when the subject is a deal noun, else an ``attribute``.
    A copula with an adjective only ("the launch was successful"), a clause ("the aim is to ...") or an
    existential ("there is") makes no claim: it would flood the table with opinions about unnamed things."""
    lemma = lemma_lc(verb)
    if lemma not in COPULAS or any(c.dep_ in {"expl", "ccomp", "xcomp", "csubj"} for c in verb.children):
        return None
    attr = next((c for c in verb.children if c.dep_ == "attr"), None)
    if attr is not None:
        return (attr, lemma, "attribute") if _describes(attr) else None
    worth = next((c for c in verb.children if c.dep_ == "acomp" and c.lower_ == "worth"), None)
    if worth is None:
        return None
    amount = next((c for c in worth.subtree if c.ent_type_ == "MONEY" and c.head.ent_type_ != "MONEY"), None)
    if amount is None:
        amount = next((c for c in worth.children if c.dep_ in {"npadvmod", "pobj", "dobj", "attr"}), None)
    if amount is None:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    deal = subj is not None and lemma_lc(subj) in rules.transaction_nouns
    return amount, f"{lemma} worth", "transaction" if deal else "attribute"


def _copula_subject_ok(subj: Token | None, ctype: str, rules: ClaimRules) -> bool:
    """A copula claim is about a named thing ("Avanti is ..."), or, for a valuation, about a deal ("the
    contract is worth ..."); "the market is a mess" is not a claim about anyone."""
    if subj is None:
        return False
    if is_named(subj):
        return True
    return ctype == "transaction" and lemma_lc(subj) in rules.transaction_nouns


def _description_span(tok: Token) -> Span:
    """The whole describing phrase, complements included ("the first company to launch from New Zealand", "a
    unit of Redeia"), without its edge punctuation."""
    doc = tok.doc
    if tok.ent_type_ == "MONEY":  # the amount as tagged: "€300 million"
        start, end = tok.i, tok.i + 1
        while start > 0 and doc[start - 1].ent_iob_ in {"B", "I"} and doc[start - 1].ent_type_ == "MONEY" \
                and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return doc[start:end]
    start, end = tok.left_edge.i, tok.right_edge.i + 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:max(end, start + 1)]


def apposition_of(tok: Token) -> Token | None:
    """The named head an apposition describes ("Hispasat, a unit of Redeia," -> Hispasat), or None.

    Only a common-noun phrase after a named thing and set off by a comma, a dash or a bracket counts: a second
    name ("the European Space Agency (ESA)"), a list ("Italy, France and Spain"), a date, an age or an amount
    are not descriptions, and a head with conjuncts ("Avio and Airbus, the two bidders") is left alone."""
    if tok.dep_ != "appos" or not _describes(tok):
        return None
    head = tok.head
    if head.i >= tok.i or not is_named(head) or any(c.dep_ == "conj" for c in head.children):
        return None
    if any(c.dep_ == "conj" for c in tok.children):
        return None  # "a unit, a rival and a partner": a list
    if not any(c.dep_ in {"det", "poss", "amod", "compound", "prep", "nmod", "acl", "relcl"} for c in tok.children):
        return None  # a bare noun ("Redeia, bid.") is a misparse far more often than a description
    if tok.tag_ == "NNS" and head.tag_ in {"NNP", "NN"}:
        return None  # "Byrne, automatic selections": a plural does not describe one name
    if lemma_lc(tok) in claim_rules().clause_appositions:
        return None  # "... with SpaceX, a discussion that ...", "..., a move that ...": about the clause, not the name
    between = tok.doc[head.i + 1:tok.left_edge.i]
    if not any(t.text in {",", "—", "–", "-", "("} for t in between):
        return None  # "defence contractor Leonardo" parses as apposition sometimes: no separator, no claim
    if _misplaced_apposition(head, tok, between):
        return None
    return head


def _misplaced_apposition(head: Token, tok: Token, between: Span) -> bool:
    """An apposition the parser may have hung on the wrong noun. It must follow its head's own phrase (only
    punctuation or the rest of the head's name between them: "Crawford, whose career includes ... a stint at
    Google Books, the project" does not make Crawford the project); and a description with its own relative
    clause after the object of a gerund's clause ("by flying a drink to the station, a project that ...") sums up
    the clause, not the noun."""
    ent = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
    depth = 0
    for t in between:  # "Rep. Lamar Smith (R-Texas), chairman of ...": a bracket after the name is part of it
        depth += (t.text in {"(", "["}) - (t.text in {")", "]"})
        if not (t.is_punct or t.is_space or depth > 0 or (ent is not None and ent.start <= t.i < ent.end)):
            return True
    gov = head.head
    clause = gov.head if head.dep_ == "pobj" else gov
    return (head.dep_ in {"pobj", "dobj"} and clause.tag_ == "VBG" and clause.dep_ in {"pcomp", "advcl", "acl", "xcomp"}
            and any(c.dep_ == "relcl" for c in tok.children))


def apposition_claims(doc: Doc, in_quote, text: str, sents: list[Span], sent_ends: list[int]) -> list[ClaimDraft]:
    """"Hispasat, a unit of Redeia, ..." -> Hispasat / be / a unit of Redeia (``attribute``). The apposition is
    presupposed by the sentence, not asserted by its verb, so it is ``asserted`` unless it sits in reported
    speech: a clause that hangs from "said" lends it ``reported``."""
    import bisect

    import numpy as np
    from spacy.attrs import DEP

    appos = doc.vocab.strings.add("appos")
    out: list[ClaimDraft] = []
    positions = np.flatnonzero(doc.to_array([DEP]).reshape(-1) == appos) if len(doc) else []
    rules = claim_rules()
    for i in positions:
        tok = doc[int(i)]
        head = apposition_of(tok)
        if head is None or in_quote(tok) or in_quote(head):
            continue
        sent = sents[bisect.bisect_right(sent_ends, tok.i)]
        subject = _subtree_span(head)
        obj = _description_span(tok)
        d = ClaimDraft(claim_type="attribute", predicate="be", start_char=sent.start_char, end_char=sent.end_char,
                       clause_start=subject.start_char, clause_end=obj.end_char, subject=subject,
                       subject_text=_text(subject, text), object=obj, object_text=_text(obj, text), key=f"a{tok.i}")
        verb = head.head if head.dep_ in SUBJ | OBJ | {"pobj"} else None
        while verb is not None and verb.pos_ not in {"VERB", "AUX"}:
            # spaCy makes a new Token on every access, so the root is found by index ("is" never holds)
            verb = verb.head if verb.head.i != verb.i else None
        # "Analysts said Hispasat, a unit of Redeia, would bid": reported, like the clause it sits in.
        reporter = next((gov for gov, dep in _governors(verb) if dep == "ccomp"
                         and lemma_lc(gov) in rules.reporting_lemmas), None) if verb is not None else None
        if reporter is not None:
            d.modality, d.modality_cue = "reported", reporter.lower_
        out.append(d)
    return out


def _agentless_kept(verb: Token, patient: Token, rules: ClaimRules) -> bool:
    """An agentless passive is kept (subject unknown) when it is about a deal ("no deal has been reached": a
    denial the cross-source view must show), or when a typed verb happens to a named entity or a deal ("Thales
    was named preferred bidder", "the programme had been valued at $2 billion")."""
    ctype = rules.type_of.get(lemma_lc(verb))
    if ctype is None:
        return False
    if lemma_lc(patient) in rules.transaction_nouns and ctype in {"agreement", "transaction"}:
        return True
    return patient.ent_type_ in {"ORG", "GPE", "PRODUCT", "PERSON", "FAC"} or lemma_lc(patient) in {
        "programme", "program", "contract", "deal", "satellite", "constellation", "mission", "company"}


@cached_per_data_dir
def _object_name_rules() -> tuple[frozenset[str], frozenset[str]]:
    return rule_words("object_name_types"), rule_words("object_name_deps")


@cached_per_data_dir
def _person_head_nouns() -> frozenset[str]:
    from .reference_rules import reference_rules

    return rule_words("person_head_nouns") | reference_rules().person_roles


def _path_to(tok: Token, root: Token, span: Span) -> list[str] | None:
    """Dependency labels from ``tok`` up to ``root`` (nearest first), or None when the path leaves the span."""
    deps: list[str] = []
    while tok.i != root.i:
        if not (span.start <= tok.head.i < span.end) or tok.head.i == tok.i:
            return None
        deps.append(tok.dep_)
        tok = tok.head
    return deps


def _is_mention(tok: Token, links: Mapping[int, Link], span: Span) -> bool:
    """A token inside a linked named-entity mention that lies wholly inside ``span`` (a pronoun or a description
    resolved by the references is no mention: "its", "the agency"; nor is a name the parse cut in two, as in
    "deployed the final Iridium | NEXT satellites")."""
    around = _entity_around(tok)
    return around is not None and tok.i in links and span.start <= around[0] and around[1] <= span.end


def object_entities(obj: Span | None, links: Mapping[int, Link]) -> tuple[Link | None, Link | None]:
    """(object entity, possessor entity) of a claim's object phrase.

    The object entity is named by the phrase's head: a mention covering the head noun ("SpaceX"), or a name that
    modifies it and names the thing itself ("the Skynet 5A satellite"). So a mention of it always lies inside the
    object span, and "its lander" never points at the lander's owner. The owner - a possessive ("its", "NASA's",
    resolved by the references) or a company or country used as a modifier ("the SpaceX launch") - is kept apart
    as the possessor, as is a product name modifying a head that is no class of things it could be ("LauncherOne
    operations": ``object_class_nouns``). A name inside a prepositional phrase or a conjunct of the head is neither."""
    if obj is None:
        return None, None
    root = obj.root
    name_types, name_deps = _object_name_rules()
    if lemma_lc(root) in _person_head_nouns():
        name_types = frozenset()  # "the Apollo 11 astronaut" is a person: the mission is no name of it
    head = links[root.i] if _is_mention(root, links, obj) else None
    possessor = None
    for tok in obj:
        link = links.get(tok.i)
        if tok.i == root.i or link is None:
            continue
        path = _path_to(tok, root, obj)
        if not path or any(dep not in name_deps for dep in path[:-1]):
            continue
        if path[-1] == "poss" and possessor is None:
            possessor = link
        elif path[-1] in name_deps and _is_mention(tok, links, obj):
            if head is None and link.entity_type in name_types and _class_head(root):
                head = link
            elif possessor is None and (head is None or link.entity_id != head.entity_id):
                possessor = link
    return head, possessor


def _class_head(root: Token) -> bool:
    """Whether the object's head is a class of things a name modifying it names (``object_class_nouns``); a head
    the parser cut from a hyphenated coordination ("military X- and UHF-band ... satellite") counts with the
    noun coordinated to it."""
    classes = rule_words("object_class_nouns")
    return lemma_lc(root) in classes or any(c.dep_ == "conj" and lemma_lc(c) in classes for c in root.children)


def _according_source(sent: Span) -> Span | None:
    for tok in sent:
        if tok.lower_ == "according":
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if pobj is not None:
                return _subtree_span(pobj)
    return None


_MONEY_HINT = re.compile(r"[$€£¥₹]\s?\d|\d\s*(?:billion|million|bn|mln|m)\b|\b(?:USD|EUR|GBP|JPY)\s?\d|\d\s+(?:dollars|euros|pounds|yen)\b", re.I)


def _has_money(text: str, start: int, end: int) -> bool:
    return bool(_MONEY_HINT.search(text[start:end]))


_ACCORDING = re.compile(r"according to (?P<src>(?:the |a |an )?[^,.;“”\"]{2,80})", re.IGNORECASE)
_REPORTED_BY = re.compile(r"(?:first )?reported by (?P<src>[A-Z][\w&.\- ]{1,60}?)(?=[,.;]|$| and | on )")


def _according_to(sentence: str) -> str | None:
    m = _ACCORDING.search(sentence)
    return " ".join(m.group("src").split()).strip() if m else None


def _reported_by(sentence: str) -> str | None:
    m = _REPORTED_BY.search(sentence)
    return m.group("src").strip() if m else None
