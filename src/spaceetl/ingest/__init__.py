"""Ingestion: raw files -> :class:`RawArticle` records (or :class:`Rejected` inputs with a reason)."""

from .models import FileEntry, RawArticle, Rejected

__all__ = ["FileEntry", "RawArticle", "Rejected"]
