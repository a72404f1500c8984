"""The model's attribute ruler (tag → POS and morphology, lemma and POS exceptions), applied without spaCy's Matcher.

spaCy's ``attribute_ruler`` runs a Matcher with every rule over every token: about an eighth of the small English
model's time on news text, for rules that are, with a handful of exceptions, one-token lookups on the tag, the
lower-case form and the dependency label. Those rules give the same answer for every token with the same
(tag, lower, dep, is_space), so the answer is computed once per such signature and cached; the few two-token rules
("gon na", "let 's") are checked only where their first token matches. Rules apply in the ruler's order, a later
rule overriding an earlier one, exactly as ``AttributeRuler.set_annotations`` does. The output is the same token
by token (checked by a test against the model's own ruler); a ruler with a pattern this module does not know (an
operator, another attribute) is not compiled and the model's ruler runs instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

log = logging.getLogger(__name__)

_KEYS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}  # position in a token's signature
_ARRAY_ATTRS = (POS, TAG, MORPH, LEMMA)  # written back with Doc.from_array; any other attribute token by token


class NotCompilable(ValueError):
    """The ruler has a pattern this module does not evaluate; the model's own ruler is used."""


def _predicate(key: str, value):
    """One token attribute test, on the signature's string (or bool) form of that attribute."""
    pos = _KEYS.get(key)
    if pos is None:
        raise NotCompilable(f"attribute {key}")
    if isinstance(value, (str, bool)):
        return lambda sig: sig[pos] == value
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda sig: sig[pos] in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda sig: sig[pos] not in banned
        if op == "REGEX":
            rx = re.compile(arg)
            return lambda sig: isinstance(sig[pos], str) and rx.search(sig[pos]) is not None
    raise NotCompilable(f"{key}: {value!r}")


def _token_test(spec: dict):
    if not spec or "OP" in spec:
        raise NotCompilable(f"token pattern {spec!r}")
    tests = [_predicate(k, v) for k, v in spec.items()]
    return lambda sig: all(t(sig) for t in tests)


def _index_key(spec: dict) -> tuple[str, tuple]:
    """Where a one-token rule is filed, so that a new signature is tested only against the rules that can match
    it: under its exact lower-case word, else under its tag(s), else with the rules that test neither."""
    lower, tag = spec.get("LOWER"), spec.get("TAG")
    if isinstance(lower, str):
        return "lower", (lower,)
    if isinstance(lower, dict) and set(lower) == {"IN"}:
        return "lower", tuple(lower["IN"])
    if isinstance(tag, str):
        return "tag", (tag,)
    if isinstance(tag, dict) and set(tag) == {"IN"}:
        return "tag", tuple(tag["IN"])
    return "any", ()


@dataclass(frozen=True)
class _Rule:
    order: int  # the rule's position in the ruler: later rules win
    tests: tuple  # one test per token of the pattern
    index: int  # which token of the match gets the attributes
    attrs: dict  # attribute id -> value, normalised by the ruler (hashes, POS ids)


class CompiledAttributeRules:
    """A drop-in for the model's ``attribute_ruler`` (same rules, same order, same output)."""

    def __init__(self, ruler) -> None:
        self.vocab = ruler.vocab
        singles: list[tuple[_Rule, dict]] = []
        multis: list[_Rule] = []
        for order, (pattern, attrs) in enumerate(zip(ruler.patterns, ruler.attrs)):
            for alternative in pattern["patterns"]:
                rule = _Rule(order, tuple(_token_test(t) for t in alternative), pattern["index"], dict(attrs))
                if len(rule.tests) > 8 or not -len(rule.tests) <= rule.index < len(rule.tests):
                    raise NotCompilable(f"index {rule.index} outside pattern {alternative!r}")
                if len(rule.tests) == 1:
                    singles.append((rule, alternative[0]))
                else:
                    multis.append(rule)
        self.multis = multis
        self._by_lower: dict[str, list[_Rule]] = {}
        self._by_tag: dict[str, list[_Rule]] = {}
        self._any: list[_Rule] = []
        for rule, spec in singles:
            kind, values = _index_key(spec)
            if kind == "any":
                self._any.append(rule)
            for v in values:
                (self._by_lower if kind == "lower" else self._by_tag).setdefault(v, []).append(rule)
        self._cache: dict[tuple, tuple] = {}  # (tag, lower, dep, is_space) hashes -> (one-token rule results, multi-token bits)

    def _signature_info(self, key: tuple) -> tuple:
        info = self._cache.get(key)
        if info is None:
            strings = self.vocab.strings
            sig = (strings[key[0]], strings[key[1]], strings[key[2]], bool(key[3]))
            candidates = self._by_lower.get(sig[1], []) + self._by_tag.get(sig[0], []) + self._any
            matched = {r.order: r for r in candidates if r.tests[0](sig)}  # (a rule's alternatives count once)
            hits = tuple((order, matched[order].attrs) for order in sorted(matched))
            bits = 0
            for m, rule in enumerate(self.multis):
                for k, test in enumerate(rule.tests):
                    if test(sig):
                        bits |= 1 << (m * 8 + k)
            info = (hits, bits)
            if len(self._cache) < 500_000:  # bounded: signatures are few (tags x frequent words)
                self._cache[key] = info
        return info

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        cache, info_of = self._cache, self._signature_info
        keys = map(tuple, doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist())  # hashes: strings only on a miss
        infos = [cache.get(k) or info_of(k) for k in keys]
        # two-token (or longer) rules, where their first token matches
        extra: dict[int, list] = {}
        if self.multis:
            for i, (_, bits) in enumerate(infos):
                if not bits:
                    continue
                for m, rule in enumerate(self.multis):
                    size = len(rule.tests)
                    if i + size <= n and all(infos[i + k][1] >> (m * 8 + k) & 1 for k in range(size)):
                        target = i + (rule.index if rule.index >= 0 else size + rule.index)
                        extra.setdefault(target, []).append((rule.order, rule.attrs))
        values = doc.to_array(list(_ARRAY_ATTRS))
        column = {a: c for c, a in enumerate(_ARRAY_ATTRS)}
        changed = False
        for i, (hits, _) in enumerate(infos):
            if i in extra:
                hits = sorted(hits + tuple(extra[i]), key=lambda h: h[0])
            for _, attrs in hits:
                for attr, value in attrs.items():
                    c = column.get(attr)
                    if c is None:
                        set_token_attrs(doc[i], {attr: value})
                    else:
                        values[i, c] = value
                        changed = True
        if changed:
            doc.from_array(list(_ARRAY_ATTRS), values)
        return doc


@Language.factory("compiled_attribute_rules")
def make_compiled_attribute_rules(nlp: Language, name: str):
    """Built empty; ``compile_into`` gives it the model's rules (a factory cannot take a component as config)."""
    return _Placeholder()


class _Placeholder:
    rules: CompiledAttributeRules | None = None

    def __call__(self, doc: Doc) -> Doc:
        return self.rules(doc) if self.rules is not None else doc


def compile_into(nlp: Language) -> bool:
    """Put the compiled rules in place of the model's ``attribute_ruler`` (which stays in the pipeline, disabled).
    False, with the model's ruler left running, when a rule cannot be compiled."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    try:
        rules = CompiledAttributeRules(nlp.get_pipe("attribute_ruler"))
    except NotCompilable as exc:
        log.info("the model's attribute ruler runs as it is: %s", exc)
        return False
    nlp.add_pipe("compiled_attribute_rules", before="attribute_ruler").rules = rules
    nlp.disable_pipe("attribute_ruler")
    return True
