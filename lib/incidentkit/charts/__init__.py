"""Charts: the house style (palette, fixed theatre colours, captions), one function per figure of the notebooks
(trends, casualties, regions, coverage, brief, the incident map) and the figure and summary output.

Every chart function takes the table it draws first, then keyword-only options, then ``title`` and ``caption``, and
returns the :class:`~matplotlib.figure.Figure`. Builds on :mod:`incidentkit.analysis` and :mod:`incidentkit.data`.
"""
