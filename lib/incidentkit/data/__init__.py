"""Data access: the data dictionary (``datapackage.json``), the curated tables and reference tables, validation,
loading with the selection filters, and the GTD / ACLED / UCDP GED readers.

The layer imports only the foundation (:mod:`incidentkit.errors`, :mod:`incidentkit.paths`); the analysis, charts,
reports and devtools layers build on it.
"""
