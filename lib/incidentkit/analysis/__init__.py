"""Analysis: casualty arithmetic that keeps low/best/high and unknowns (measures), per-period series (trends),
theatres side by side (regions), data coverage, the theatre brief's tables, and text for a reader (Markdown and
sentences from those tables).

Builds on :mod:`incidentkit.data`; the charts layer builds on it.
"""
