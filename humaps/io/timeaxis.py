"""Checks of a recording's time axis, shared by the Moticon and QTM readers.

A median step within tolerance says nothing about single rows: a deleted row,
a +0.5 s jump or a locally stretched axis leave the median alone. These checks
look at every step. ``first_line`` is the file line of sample 0, so a problem
between samples ``i`` and ``i + 1`` is reported on the line of sample ``i + 1``.
"""
from __future__ import annotations

import numpy as np

from humaps.io.errors import FormatError


def check_present(path, values: np.ndarray, first_line: int, what: str) -> None:
    """Every sample has a value (no blank cell): ``values`` (N,)."""
    blank = np.isnan(values)
    if blank.any():
        raise FormatError(path, first_line + int(np.argmax(blank)), f"a {what} value", "a blank cell")


def check_increasing(path, t: np.ndarray, first_line: int, what: str = "time", unit: str = "s") -> None:
    """Strictly increasing ``t`` (N,)."""
    bad = np.flatnonzero(np.diff(t) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise FormatError(path, first_line + i, f"{what} increasing past {t[i - 1]:g} {unit}", f"{t[i]:g} {unit}")


def check_steps(path, t: np.ndarray, first_line: int, step: float, *, tolerance: float, expected: str,
                allow_double: np.ndarray | None = None) -> int:
    """Every step of ``t`` (N,) is ``step`` within ``tolerance`` × ``step``.

    ``allow_double`` (N-1,) bool marks the steps that may instead be two steps
    (one missing sample, tolerated where the format explains it). Returns the
    number of such double steps.
    """
    dt = np.diff(t)
    k = dt / step
    r = np.rint(k)
    near = np.abs(k - r) <= tolerance
    double = near & (r == 2) & (allow_double if allow_double is not None else False)
    ok = (near & (r == 1)) | double
    if not ok.all():
        i = int(np.argmin(ok))
        raise FormatError(path, first_line + i + 1, expected,
                          f"a step of {dt[i]:.6g} s from {t[i]:g} s to {t[i + 1]:g} s")
    return int(double.sum())


def parse_duration(text: str | None) -> float | None:
    """``'MM:SS.mmm'`` or ``'HH:MM:SS.mmm'`` → seconds; None when absent or not in that form."""
    if not text:
        return None
    parts = text.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(p.replace(".", "", 1).isdigit() and p.isascii() for p in parts):
        return None
    if any("." in p for p in parts[:-1]):
        return None
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60.0 + float(p)
    return seconds
