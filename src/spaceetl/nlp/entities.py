"""Entity spans -> canonical entities and mention rows.

Linking order: the gazetteer (aliases, acronyms, demonyms, capitals) first; otherwise a stable id from the
entity type and the normalised name, so unlinked names still merge across articles. Inside one article a
surname alone ("Rossi") joins the full name seen before it ("Alessandro Rossi").
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from ..ids import unlinked_entity_id
from ..normalize.gazetteer import Gazetteer
from ..normalize.names import lookup_key, strip_determiners_possessives
from . import span_rules  # noqa: F401  (registers the Span extension ``linkable``)

NON_ENTITY_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
PLACE_TYPES = {"GPE", "LOC", "FAC", "CELESTIAL"}


@dataclass(frozen=True)
class Link:
    entity_id: str
    canonical_name: str
    entity_type: str
    category: str | None
    qid: str | None
    country: str | None
    in_gazetteer: bool
    role: str | None
    label: str


def acts_as_government(span: Span) -> bool:
    """'Rome and Washington are negotiating': a capital that is the subject (or conjoined with one) of a verb."""
    root = span.root
    if root.dep_ in SUBJECT_DEPS:
        return True
    head = root
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
        if head.dep_ in SUBJECT_DEPS:
            return True
    return root.dep_ == "poss"  # "Washington's position"


class ArticleLinker:
    """Links the entity spans of one article. Holds the per-article person-name memory."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self._people: dict[str, Link] = {}  # surname/first-name key -> full-name link

    def link(self, span: Span) -> Link | None:
        label = span.label_
        if label in NON_ENTITY_LABELS:
            return None
        # An ambiguous acronym the article gives no context for ("CSG" in a naval release) stays unlinked.
        alias = self.gaz.lookup(span.text) if span._.linkable else None
        if alias is not None and label == "PERSON" and alias.entity.entity_type in PLACE_TYPES:
            alias = None  # "Jordan said he ...": a person who shares a country's name
        if alias is not None:
            e = alias.entity
            if alias.kind == "capital" and not acts_as_government(span):
                alias = None  # the city itself, not its government
            else:
                role = "government" if alias.kind == "capital" else ("demonym" if alias.kind == "demonym" else None)
                return Link(e.entity_id, e.canonical_name, e.entity_type, e.category, e.qid, e.country, True, role,
                            "NORP" if role == "demonym" else e.entity_type)
        name = strip_determiners_possessives(span.text)
        if not name or not any(ch.isalpha() for ch in name):
            return None
        if label == "PERSON":
            return self._link_person(name)
        return Link(unlinked_entity_id(label, lookup_key(name)), name, label, None, None, None, False, None, label)

    def _link_person(self, name: str) -> Link:
        parts = name.split()
        if len(parts) == 1 and parts[0].casefold() in self._people:
            return self._people[parts[0].casefold()]
        link = Link(unlinked_entity_id("PERSON", lookup_key(name)), name, "PERSON", "person", None, None, False, None,
                    "PERSON")
        if len(parts) >= 2:
            self._people.setdefault(parts[-1].casefold(), link)
        return link
