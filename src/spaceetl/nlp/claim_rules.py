"""Claim rule data (``data/claim_rules.yaml``) loaded once per process: verb types, reporting verbs, modality
cues. Kept apart from the extraction code so the clause and quote modules share one reviewed source."""

from __future__ import annotations

from dataclasses import dataclass

from ..data import cached_per_data_dir, read_yaml


@dataclass(frozen=True)
class ClaimRules:
    type_of: dict[str, str]
    transaction_nouns: frozenset[str]
    reporting_lemmas: frozenset[str]
    negated: tuple[str, ...]
    hedged: tuple[str, ...]
    reported: tuple[str, ...]
    non_claim: frozenset[str]
    hedging_control: frozenset[str]
    negating_control: frozenset[str]
    denying: frozenset[str]
    clause_appositions: frozenset[str] = frozenset()


def _forms(lemma: str) -> set[str]:
    irregular = {"say": {"said", "says"}, "tell": {"told", "tells"}, "write": {"wrote", "writes"},
                 "point": {"pointed out", "points out"}}
    if lemma in irregular:
        return irregular[lemma] | {lemma}
    past = lemma + "d" if lemma.endswith("e") else (lemma[:-1] + "ied" if lemma.endswith("y") and lemma[-2] not in "aeiou" else lemma + "ed")
    third = lemma + "es" if lemma.endswith(("s", "sh", "ch", "x")) else (lemma[:-1] + "ies" if lemma.endswith("y") and lemma[-2] not in "aeiou" else lemma + "s")
    return {lemma, past, third}


@cached_per_data_dir
def claim_rules_data() -> dict:
    """``claim_rules.yaml`` parsed once per data folder: every rule list of claims and references reads it here."""
    return read_yaml("claim_rules.yaml")


def rule_words(key: str) -> frozenset[str]:
    """One word list of ``claim_rules.yaml`` (empty when the data folder's copy lacks it)."""
    return frozenset(claim_rules_data().get(key) or ())


@cached_per_data_dir
def expletive_it_verbs() -> frozenset[str]:
    """"it would cost $5 million to buy", "it took ten years to build": the "it" of an infinitive's cost."""
    return rule_words("expletive_it_verbs")


@cached_per_data_dir
def _adverbial_marks() -> frozenset[str]:
    return rule_words("adverbial_marks")


def adverbial_clause(verb) -> bool:
    """A verb introduced by a subordinating word ("once", "if", "when"): an adverbial clause even where the parser
    made it the root, so it reports nothing ("Once NOAA confirms X, it will ..." is no report by NOAA)."""
    children = list(verb.children)
    subj = next((c for c in children if c.dep_ in {"nsubj", "nsubjpass"}), verb)
    # The parser tags the word as "mark" or "advmod"; it opens the clause, before the subject ("NASA once said"
    # is a report made formerly, not an adverbial clause).
    return any(c.dep_ in {"mark", "advmod"} and c.lower_ in _adverbial_marks() and c.i < min(subj.i, verb.i)
               for c in children)


@cached_per_data_dir
def claim_rules() -> ClaimRules:
    data = claim_rules_data()
    type_of: dict[str, str] = {}
    for ctype, verbs in data["claim_types"].items():
        for v in verbs:
            type_of.setdefault(v, ctype)
    reporting = frozenset(data["reporting_verbs"])
    mod = data["modality"]
    return ClaimRules(
        type_of=type_of,
        transaction_nouns=frozenset(data["transaction_nouns"]),
        reporting_lemmas=reporting,
        negated=tuple(str(c) for c in mod["negated"]), hedged=tuple(str(c) for c in mod["hedged"]),
        reported=tuple(str(c) for c in mod["reported"]), non_claim=frozenset(data["non_claim_verbs"]),
        hedging_control=frozenset(data["hedging_control_verbs"]),
        negating_control=frozenset(data["negating_control_verbs"]), denying=frozenset(data["denying_verbs"]),
        clause_appositions=frozenset(data.get("clause_appositions") or ()),
    )


