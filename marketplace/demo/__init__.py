"""Deterministic demo data: real councils, fictional providers, PAs and offers (``flask demo-data``)."""
