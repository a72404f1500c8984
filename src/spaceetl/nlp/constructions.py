"""Claim constructions that the verb-clause rules do not read, found with spaCy's ``DependencyMatcher`` on lemmas.

The patterns and word maps live in ``data/claim_rules.yaml`` (``constructions``) so that a reviewer can add an
event noun or a light verb without touching code; the matcher is compiled once per pipeline vocabulary and data
folder. Matching only reports *where* a construction is; ``nlp.claims`` turns the matches into claim drafts:

* ``nominal_possessor`` / ``nominal_between`` / ``nominal_agent``: an event noun with its parties ("Germany's
  pledge of €5.1 billion", "the deal between Italy and SpaceX", "the acquisition of Apollo Fusion by Astra") -> a
  claim per party with the noun's verb as predicate;
* ``participial_agent``: a participle with a by-agent ("a contract awarded by ESA") -> the agent is the subject,
  the noun the participle modifies is the object;
* ``relative_object``: "the satellite, which Airbus built" -> the object is the noun, not "which";
* ``coordinated_object``: "built and launched the satellite" -> "built" shares the object;
* ``light_verb``: "take a decision" -> decide, "hold talks" -> talk;
* ``phrasal_synonym``: "called off" -> cancel, so wordings of one event meet in one predicate;
* ``idiom``: "took place" -> take place, the noun no object ("took part in the exercise" -> the exercise);
* ``threshold_amount``: "any loan larger than $10 million" -> a bound, never a claim's amount.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token

from ..data import cached_per_data_dir, current_data_dir, read_yaml

log = logging.getLogger(__name__)

# Relations that may sit between a first verb and its conjunct when both share the object ("built and launched").
_BETWEEN_CONJUNCTS = {"cc", "punct", "advmod"}


class ConstructionRulesError(ValueError):
    """The ``constructions`` section of claim_rules.yaml is missing a key or holds a malformed pattern."""


@dataclass(frozen=True)
class ConstructionRules:
    event_nouns: dict[str, str]
    light_verbs: dict[tuple[str, str], str]
    synonyms: dict[str, str]
    object_preps: frozenset[str]
    idioms: dict[tuple[str, str], frozenset[str]]
    patterns: dict[str, list[dict]]


def _substitute(node, lists: dict[str, list[str]]):
    """Replace the "$name" placeholders of a pattern by the word lists they stand for."""
    if isinstance(node, str) and node.startswith("$"):
        if node not in lists:
            raise ConstructionRulesError(f"unknown placeholder {node!r} in claim_rules.yaml constructions")
        return list(lists[node])
    if isinstance(node, dict):
        return {k: _substitute(v, lists) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, lists) for v in node]
    return node


@cached_per_data_dir
def construction_rules() -> ConstructionRules:
    data = read_yaml("claim_rules.yaml").get("constructions")
    if not data:
        raise ConstructionRulesError("claim_rules.yaml has no 'constructions' section")
    try:
        event_nouns = {str(k).lower(): str(v) for k, v in data["event_nouns"].items()}
        light: dict[tuple[str, str], str] = {}
        for pair, pred in data["light_verbs"].items():
            verb, noun = str(pair).split()
            light[(verb, noun)] = str(pred)
        idioms: dict[tuple[str, str], frozenset[str]] = {}
        for pair, preps in (data.get("idioms") or {}).items():
            verb, noun = str(pair).split()
            idioms[(verb, noun)] = frozenset(str(p) for p in preps or ())
        lists = {"$event_nouns": sorted(event_nouns), "$light_nouns": sorted({n for _v, n in light}),
                 "$idiom_nouns": sorted({n for _v, n in idioms}) or ["-"]}
        patterns = {name: _substitute(copy.deepcopy(p), lists) for name, p in data["patterns"].items()}
        return ConstructionRules(event_nouns=event_nouns, light_verbs=light,
                                 synonyms={str(k): str(v) for k, v in data["phrasal_synonyms"].items()},
                                 object_preps=frozenset(data["nominal_object_preps"]), idioms=idioms,
                                 patterns=patterns)
    except (KeyError, AttributeError, ValueError) as exc:
        raise ConstructionRulesError(f"claim_rules.yaml constructions: {exc!r}") from exc


_MATCHERS: dict[tuple[int, str | None], DependencyMatcher] = {}


def matcher_for(doc: Doc) -> DependencyMatcher:
    """One compiled matcher per pipeline vocabulary and data folder (compiling costs more than matching)."""
    key = (id(doc.vocab), current_data_dir())
    matcher = _MATCHERS.get(key)
    if matcher is None:
        matcher = DependencyMatcher(doc.vocab)
        for name, pattern in construction_rules().patterns.items():
            try:
                matcher.add(name, [pattern])
            except ValueError as exc:
                raise ConstructionRulesError(f"pattern {name!r} in claim_rules.yaml: {exc}") from exc
        _MATCHERS[key] = matcher
    return matcher


@dataclass
class Constructions:
    """What the matches say, by token index: predicate and object overrides for verbs the clause rules read,
    and the anchors of nominal and participial events they do not."""

    predicate: dict[int, str] = field(default_factory=dict)
    light_noun: dict[int, Token] = field(default_factory=dict)
    idiom: dict[int, tuple[Token, frozenset[str]]] = field(default_factory=dict)  # verb -> (noun, object preps)
    thresholds: list[tuple[int, int]] = field(default_factory=list)  # character spans of amounts that are bounds
    obj: dict[int, Token] = field(default_factory=dict)
    nominal: dict[int, list[Token]] = field(default_factory=dict)  # event noun -> its parties
    participial: dict[int, list[Token]] = field(default_factory=dict)  # participle -> its agents


def _ensure_lemmas(doc: Doc) -> None:
    """The pipeline lemmatizes on demand; the matcher reads LEMMA, so nouns and verbs get theirs first."""
    from .pipeline import lemma_of

    for tok in doc:
        if tok.pos_ in {"NOUN", "VERB"} and not tok.lemma_:
            lemma_of(tok)


def _shares_object(verb: Token, conj: Token) -> bool:
    """"built and launched the satellite": only a conjunction (or a comma, an adverb) lies between the two verbs
    and the first has no object of its own."""
    if conj.i <= verb.i or any(c.dep_ in {"dobj", "attr", "oprd", "dative", "ccomp", "xcomp"} for c in verb.children):
        return False
    return all(t.dep_ in _BETWEEN_CONJUNCTS for t in verb.doc[verb.i + 1:conj.i])


def find_constructions(doc: Doc) -> Constructions:
    rules = construction_rules()
    found = Constructions()
    if not len(doc):
        return found
    _ensure_lemmas(doc)
    strings = doc.vocab.strings
    for match_id, ids in matcher_for(doc)(doc):
        name = strings[match_id]
        nodes = dict(zip((n["RIGHT_ID"] for n in rules.patterns[name]), (doc[i] for i in ids)))
        event = nodes["event"]
        if name in {"nominal_possessor", "nominal_between", "nominal_agent"}:
            found.nominal.setdefault(event.i, []).append(nodes["party"])
        elif name == "participial_agent":
            found.participial.setdefault(event.i, []).append(nodes["party"])
        elif name == "relative_object" and event.head.i != event.i:
            found.obj[event.i] = event.head
        elif name == "coordinated_object" and _shares_object(event, nodes["conj"]):
            found.obj.setdefault(event.i, nodes["object"])
        elif name == "light_verb":
            pred = rules.light_verbs.get((event.lemma_.lower(), nodes["noun"].lemma_.lower()))
            if pred is not None:
                found.predicate[event.i] = pred
                found.light_noun[event.i] = nodes["noun"]
        elif name == "threshold_amount":
            amount = nodes["amount"]
            found.thresholds.append((amount.left_edge.idx, amount.idx + len(amount)))
        elif name == "idiom":
            _read_idiom(event, nodes["noun"], rules, found)
        elif name == "phrasal_synonym":
            pred = rules.synonyms.get(f"{event.lemma_.lower()} {nodes['particle'].lower_}")
            if pred is not None:
                found.predicate.setdefault(event.i, pred)
    return found


def _read_idiom(verb: Token, noun: Token, rules: ConstructionRules, found: Constructions) -> None:
    """"took place" -> take place with no object; "took part in the exercise" -> take part / the exercise. The
    noun must be bare: "took the place of the old satellite" is a replacement, not the idiom."""
    key = (verb.lemma_.lower(), noun.lemma_.lower())
    preps = rules.idioms.get(key)
    if preps is None or any(c.dep_ in {"det", "poss"} for c in noun.children):
        return
    found.predicate[verb.i] = " ".join(key)
    found.idiom[verb.i] = (noun, preps)
