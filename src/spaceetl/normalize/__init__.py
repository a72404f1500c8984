"""Normalisation: gazetteer lookups, money, dates. Pure functions over reviewable data files in ``spaceetl/data``."""
