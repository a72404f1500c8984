"""Stable identifiers. Articles are identified by their content, entities by their canonical form, and every
derived row by its article and character span, so re-running on the same input reproduces the same keys."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timezone


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_id_for(content_sha256: str) -> str:
    """An article is its cleaned body: the same body from two files is one article."""
    return "art_" + content_sha256[:20]


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", folded).strip("-") or "x"


def unlinked_entity_id(entity_type: str, normalised_name: str) -> str:
    """Entities not in the gazetteer still get an id that is the same in every article and every run."""
    slug = slugify(normalised_name)[:60]
    digest = hashlib.sha1(f"{entity_type}|{normalised_name}".encode()).hexdigest()[:8]
    return f"{entity_type.lower()}:{slug}-{digest}"


def gazetteer_entity_id(entity_key: str) -> str:
    return f"gz:{entity_key}"


def span_row_id(prefix: str, article_id: str, start: int, end: int, extra: str = "") -> str:
    tail = f"-{extra}" if extra else ""
    return f"{prefix}_{article_id[4:]}_{start}_{end}{tail}"


def new_run_id(now: datetime | None = None) -> str:
    """Sortable by start time, unique across machines."""
    now = now or datetime.now(timezone.utc)
    return f"run_{now:%Y%m%dT%H%M%SZ}_{secrets.token_hex(3)}"
