"""``entities``: one canonical row per real-world thing, shared by all articles that mention it."""

import pandera.polars as pa

from ._base import TableSpec

ENTITY_TYPES = ["ORG", "GPE", "PERSON", "NORP", "LOC", "FAC", "PRODUCT", "LAW", "EVENT", "WORK_OF_ART", "LANGUAGE",
                "CELESTIAL"]  # CELESTIAL: Earth, the Moon, Mars, the Sun (places, but neither countries nor regions)


class Entities(pa.DataFrameModel):
    entity_id: str = pa.Field(unique=True, description="'gz:<key>' for gazetteer entities, '<type>:<slug>-<hash>' otherwise.")
    canonical_name: str = pa.Field(str_length={"min_value": 1}, description="Preferred name.")
    entity_type: str = pa.Field(isin=ENTITY_TYPES, description="spaCy-style type the entity carries.")
    category: str = pa.Field(nullable=True, description="Domain category from the gazetteer (space_agency, company, ...).")
    qid: str = pa.Field(nullable=True, str_matches=r"^Q[0-9]+$", description="Wikidata QID where known.")
    country: str = pa.Field(nullable=True, description="ISO 3166-1 alpha-2 of the actor's home country.")
    in_gazetteer: bool = pa.Field(description="True if the entity comes from the reviewed gazetteer.")
    run_id: str = pa.Field(description="Run that first created the entity.")


SPEC = TableSpec(
    name="entities",
    contract=Entities,
    primary_key=("entity_id",),
    shared=True,
    description="Canonical entities: one per real-world organisation, place, person, programme or satellite.",
)
