"""The reference rules (``reference_rules.yaml``): pronouns, descriptions, person roles, titles and first names,
groups. Their own module so that the claim rules read them without importing the resolver."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data import cached_per_data_dir, read_yaml


@dataclass(frozen=True)
class ReferenceRules:
    pronouns: dict[str, tuple[frozenset[str], str | None]]
    descriptions: dict[str, tuple[frozenset[str], frozenset[str]]]
    person_roles: frozenset[str]
    titles: dict[str, str]
    first_names: dict[str, str]
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    group_without_count: frozenset[str] = frozenset()
    group_agreement_nouns: frozenset[str] = frozenset()
    role_subject_verbs: frozenset[str] = frozenset()
    not_named: dict[str, frozenset[str]] = field(default_factory=dict)  # description -> words of names it is not


@cached_per_data_dir
def reference_rules() -> ReferenceRules:
    data = read_yaml("reference_rules.yaml")
    return ReferenceRules(
        pronouns={p: (frozenset(v["types"]), v.get("gender")) for p, v in data["pronouns"].items()},
        descriptions={d: (frozenset(v["types"]), frozenset(v.get("categories") or ())) for d, v in data["descriptions"].items()},
        person_roles=frozenset(data["person_roles"]),
        titles={t: g for g, ts in data["titles"].items() for t in ts},
        first_names={n: g for g, ns in data["first_names"].items() for n in ns},
        groups={g: frozenset(ts) for g, ts in (data.get("groups") or {}).items()},
        group_without_count=frozenset(data.get("group_without_count") or ()),
        group_agreement_nouns=frozenset(data.get("group_agreement_nouns") or ()),
        role_subject_verbs=frozenset(data.get("role_subject_verbs") or ()),
        not_named={d: frozenset(str(w).lower() for w in v["not_named"])
                   for d, v in data["descriptions"].items() if v.get("not_named")},
    )
