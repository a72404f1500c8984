"""The domain gazetteer: canonical entities and their aliases, read from ``data/gazetteer_*.csv``.

Adding an alias is a one-line CSV change. Each alias maps to exactly one entity (tests enforce it); acronyms
that collide with ordinary words ("US", "ASI") match case-sensitively only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data import cached_per_data_dir, read_csv
from ..ids import gazetteer_entity_id
from .names import fold, lookup_key


@dataclass(frozen=True)
class GazEntity:
    key: str
    canonical_name: str
    entity_type: str
    category: str | None
    qid: str | None
    country: str | None

    @property
    def entity_id(self) -> str:
        return gazetteer_entity_id(self.key)


@dataclass(frozen=True)
class GazAlias:
    entity: GazEntity
    alias: str
    kind: str  # canonical, name, acronym, short, native, demonym, capital, former
    case_sensitive: bool


class Gazetteer:
    def __init__(self, entities: list[GazEntity], aliases: list[GazAlias]):
        self.entities = {e.key: e for e in entities}
        self.aliases = aliases
        self._exact: dict[str, GazAlias] = {}
        self._folded: dict[str, GazAlias] = {}
        for a in aliases:
            if a.case_sensitive:
                self._exact.setdefault(fold(a.alias), a)
            else:
                self._folded.setdefault(lookup_key(a.alias), a)

    def lookup(self, text: str) -> GazAlias | None:
        """The alias entry a surface form matches: case-sensitive aliases first, then case-insensitive."""
        from .names import strip_determiners_possessives

        exact = self._exact.get(strip_determiners_possessives(text))
        return exact or self._folded.get(lookup_key(text))


@cached_per_data_dir
def load_gazetteer() -> Gazetteer:
    entities = [
        GazEntity(key=r["entity_key"], canonical_name=r["canonical_name"], entity_type=r["entity_type"],
                  category=r.get("category") or None, qid=r.get("qid") or None, country=r.get("country") or None)
        for r in read_csv("gazetteer_entities.csv")
    ]
    by_key = {e.key: e for e in entities}
    aliases = [GazAlias(e, e.canonical_name, "canonical", False) for e in entities]
    for r in read_csv("gazetteer_aliases.csv"):
        entity = by_key.get(r["entity_key"])
        if entity is None:
            raise ValueError(f"gazetteer_aliases.csv: alias {r['alias']!r} names unknown entity_key {r['entity_key']!r}")
        aliases.append(GazAlias(entity, r["alias"], r.get("kind") or "name", r.get("case_sensitive", "").lower() == "true"))
    return Gazetteer(entities, aliases)


@cached_per_data_dir
def common_word_aliases() -> dict[str, str]:
    """Gazetteer names that are also ordinary words or personal names (``data/gazetteer_common_words.csv``):
    lookup key -> ``word``, ``given_name`` or ``surname``. Such a name is taken in its gazetteer sense only where
    it is used as a proper noun: capitalised, not a modifier of a common noun ("Guinea pig", "low Earth orbit"),
    and, for personal names, not used the way a person is ("Jordan said he ...", "Mr. Jordan")."""
    return {lookup_key(r["alias"]): r["also"] for r in read_csv("gazetteer_common_words.csv")}
