"""Analyst views (``*.sql``). Installed as the data package ``spaceetl.sql`` so every run creates them."""
