"""Entity spans -> canonical entities and mention rows.

Linking order: the gazetteer (aliases, acronyms, demonyms, capitals) first; otherwise a stable id from the
entity type and the normalised name, so unlinked names still merge across articles.

Inside one article a person is one entity however it is named (``join_people``): a surname alone ("Rossi"), or the
last words of a longer name ("Caldwell Dyson"), joins the full name ("Alessandro Rossi", "Tracy Caldwell Dyson"),
whether the full name is a gazetteer person or not and whether it comes before (the nearest such) or after (when
only one full name fits); a first name alone joins the one full name of the article that starts with it. Job
titles and ranks are not part of a name (``data/entity_rules.yaml`` ``leading_titles``, cut from the span by the
span rules); the title written before a person's mention is kept as an attribute (``person_title``, the
``mentions.title`` column).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from ..ids import unlinked_entity_id
from ..normalize.gazetteer import Gazetteer
from ..normalize.names import lookup_key, strip_determiners_possessives
from . import span_rules  # noqa: F401  (registers the Span extension ``linkable``)
from .span_rules import entity_rules

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
                link = Link(e.entity_id, e.canonical_name, e.entity_type, e.category, e.qid, e.country, True, role,
                            "NORP" if role == "demonym" else e.entity_type)
                if link.entity_type == "PERSON":
                    self._remember_person(link)  # "Bill Nelson" from the gazetteer: a later "Nelson" is him
                return link
        name = strip_determiners_possessives(span.text)
        if not name or not any(ch.isalpha() for ch in name) or (label in {"PERSON", "ORG"} and only_titles(name)):
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
        self._remember_person(link)
        return link

    def _remember_person(self, link: Link) -> None:
        parts = link.canonical_name.split()
        if len(parts) >= 2:
            self._people[parts[-1].casefold()] = link  # two Kesslers: a surname is the one named last

    def link_all(self, ents: list[Span]) -> list[Link | None]:
        """Every span of the article linked, then each person joined to the one full name it stands for."""
        return join_people([self.link(ent) for ent in ents])


def _words(link: Link) -> list[str]:
    return link.canonical_name.casefold().split()


def _full_names(links: list[Link | None]) -> list[tuple[int, Link, list[str]]]:
    """(position, link, words) of the article's people named with two words or more, leaving out a name that is
    itself the end of a longer one ("Caldwell Dyson" beside "Tracy Caldwell Dyson")."""
    people = {}
    for k, link in enumerate(links):
        if link is not None and link.entity_type == "PERSON" and len(link.canonical_name.split()) >= 2:
            people.setdefault(link.entity_id, []).append(k)
    names = {eid: _words(links[ks[0]]) for eid, ks in people.items()}
    longest = {eid for eid, w in names.items()
               if not any(len(o) > len(w) and o[-len(w):] == w for o in names.values())}
    return sorted((k, links[k], names[eid]) for eid in longest for k in people[eid])


def _person_target(k: int, words: list[str], full: list[tuple[int, Link, list[str]]], eid: str) -> Link | None:
    """The full name a short one at position ``k`` stands for: the nearest before it whose last words are
    ``words``, else the only one after it; a lone first name needs exactly one full name starting with it and
    none ending with it."""
    fits = [(j, f) for j, f, w in full if f.entity_id != eid and len(w) > len(words) and w[-len(words):] == words]
    if not fits and len(words) == 1:
        firsts = [(j, f) for j, f, w in full if w[0] == words[0]]
        if len({f.entity_id for _, f in firsts}) == 1 and not any(w[-1] == words[0] for _, _, w in full):
            fits = firsts
    before = [f for j, f in fits if j < k]
    if before:
        return before[-1]
    after = {f.entity_id: f for j, f in fits}
    return next(iter(after.values())) if len(after) == 1 else None


def join_people(links: list[Link | None]) -> list[Link | None]:
    """One article's person links with every short name ("Nelson", "Caldwell Dyson", "Gwynne") replaced by the
    full name it stands for, before or after it ("The Biden administration ... President Joe Biden")."""
    full = _full_names(links)
    if not full:
        return links
    out = list(links)
    for k, link in enumerate(links):
        if link is None or link.entity_type != "PERSON" or link.in_gazetteer:
            continue
        words = _words(link)
        target = _person_target(k, words, full, link.entity_id) if words else None
        if target is not None:
            out[k] = target
    return out


def only_titles(name: str) -> bool:
    """"Col", "President & CEO", "COO": a title or rank alone is an attribute of a person, never an entity."""
    titles = entity_rules().leading_titles
    words = [w for w in name.replace("&", " ").replace("/", " ").split() if w.lower() != "and"]
    return bool(words) and all(w.lower() in titles or w.lower() + "." in titles for w in words)


def person_title(ent: Span) -> str | None:
    """The job title or rank written just before a person's name ("NASA Administrator", "Staff Sgt.", "President
    and COO"), kept as an attribute of the mention: it is never part of the name."""
    titles = entity_rules().leading_titles
    doc = ent.doc

    def is_title(i: int) -> bool:
        return i >= 0 and (doc[i].lower_ in titles or doc[i].lower_ + "." in titles)

    start = k = ent.start
    while k > 0:
        if is_title(k - 1) and not doc[k].is_sent_start:
            k -= 1
        elif doc[k - 1].text == "." and k >= 2 and not doc[k - 2].whitespace_ and doc[k - 2].lower_ + "." in titles:
            k -= 2  # "Sgt" "." as the tokenizer splits it (not "... deputy administrator. Jones said")
        elif doc[k - 1].lower_ == "and" and k < start and is_title(k - 2):  # "President and COO"
            k -= 1
        else:
            break
    return doc[k:start].text if k < start else None
