"""Headline results of executed chapters, read back from the notebooks: ``python -m humaps results DIR``.

A chapter records its headline numbers with :func:`humaps.book.chapter.record`: an output of
mimetype :data:`~humaps.book.chapter.RESULTS_MIME` (the mechanism scrapbook uses; scrapbook
itself is unmaintained since 2021). This module collects them from a folder of executed
notebooks, so a papermill sweep can be scripted.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from humaps.book.chapter import RESULTS_MIME


def notebook_results(path: str | Path) -> dict:
    """{name: value} recorded by one executed notebook (later records of a name win)."""
    nb = nbformat.read(str(path), as_version=4)
    out: dict = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIME in data:
                out.update(data[RESULTS_MIME])
    return out


def collect(directory: str | Path) -> dict:
    """{name: value} over every ``*.ipynb`` of ``directory`` (names are unique across chapters).

    Adds ``book.seconds``: the summed wall time papermill recorded for the notebooks' runs.
    """
    results: dict = {}
    seconds = 0.0
    for path in sorted(Path(directory).glob("*.ipynb")):
        for name, value in notebook_results(path).items():
            if name in results and results[name] != value:
                raise ValueError(f"{path}: result {name!r} was already recorded with another value")
            results[name] = value
        seconds += float(nbformat.read(str(path), as_version=4).metadata.get("papermill", {}).get("duration") or 0.0)
    if seconds:
        results["book.seconds"] = round(seconds, 1)
    return results


def flatten(results: dict) -> dict:
    """{name: value} with every dict value spread into ``name.key`` entries (``claims.C1.verdict``)."""
    out = {}
    for name, value in results.items():
        if isinstance(value, dict):
            out.update(flatten({f"{name}.{k}": v for k, v in value.items()}))
        else:
            out[name] = value
    return out


def main_results(directory: str, *, as_json: bool) -> int:
    """CLI: print the results of a folder of executed notebooks, as JSON (a claim is one object:
    ``claims.C1`` → {verdict, effect, ci_low, ci_high, threshold, n_units, paper_verdict, …}) or one
    ``name value`` per line (objects spread into dotted names)."""
    if not Path(directory).is_dir():
        print(f"error: {directory}: not a folder of executed notebooks")
        return 2
    results = collect(directory)
    if as_json:
        print(json.dumps(results, indent=1, sort_keys=True))
    else:
        flat = flatten(results)
        for name in sorted(flat):
            print(f"{name:<48} {flat[name]}")
    return 0
