"""What every chapter does: resolve its parameters, set the display style, say what produced it, record results.

A chapter's first cells are its imports (ending with ``_before = set(globals())``),
a papermill ``parameters`` cell with the run parameters, then::

    run = chapter.setup(globals(), "cohort", "pose", before=_before)

Headline numbers go through :func:`record`: they are stored in the executed
notebook as an output of mimetype :data:`RESULTS_MIME` (invisible in the book),
so ``python -m humaps results DIR`` can read a folder of executed notebooks.
"""
from __future__ import annotations

import math

import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps.book.provenance import Provenance
from humaps.config import Run, collect

RESULTS_MIME = "application/vnd.humaps.book.results+json"


def setup(namespace: dict, *sections: str, before: set[str]) -> Run:
    """Resolve the chapter's parameters (see :func:`humaps.config.collect`) and show their provenance."""
    pd.set_option("display.precision", 2)
    pd.set_option("display.width", 160)
    sns.set_theme(context="notebook", style="whitegrid")
    run = collect(namespace, *sections, before=before)
    display(Provenance(run))
    return run


def record(**results: float | int | str) -> None:
    """Store headline results (name → number or text) in the executed notebook, for ``humaps results``.

    Names are dotted paths, e.g. ``record(**{"pose.mpjpe_cm.heading": 4.1})``; NaN becomes None (JSON).
    """
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in results.items()}
    display({RESULTS_MIME: clean}, raw=True)
