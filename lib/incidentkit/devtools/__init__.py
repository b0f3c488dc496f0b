"""Developer tools: the checks, stripping and refreshing of the analysis notebooks
(``python -m incidentkit.devtools.notebooks``). Nothing in the library imports this layer.
"""
