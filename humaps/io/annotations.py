"""Annotation CSVs: one row per action segment, ``trial,start_s,end_s,label`` (seconds on the insole clock)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from humaps.actions import CLASS_INDEX
from humaps.io.errors import FormatError

COLUMNS = ("trial", "start_s", "end_s", "label")


def write_annotations(df: pd.DataFrame, path) -> Path:
    """Write segments (columns :data:`COLUMNS`) sorted by trial and start, times to the millisecond."""
    path = Path(path)
    out = df.loc[:, list(COLUMNS)].sort_values(["trial", "start_s"], kind="stable")
    out.to_csv(path, index=False, float_format="%.3f")
    return path


def validate_annotations(df: pd.DataFrame, path="<annotations>", *, line_offset: int = 2) -> pd.DataFrame:
    """Check columns, numbers, start < end, known labels and no overlap within a trial.

    ``line_offset`` maps row ``i`` to file line ``i + line_offset`` (header on line 1).
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise FormatError(path, 1, f"header columns {','.join(COLUMNS)}", ",".join(map(str, df.columns)))
    for c in ("start_s", "end_s"):
        num = pd.to_numeric(df[c], errors="coerce")
        bad = np.flatnonzero(num.isna().to_numpy())
        if bad.size:
            raise FormatError(path, int(bad[0]) + line_offset, f"a number in column {c!r}", repr(df[c].iloc[bad[0]]))
        df[c] = num.astype(np.float64)
    bad = np.flatnonzero(~df["label"].isin(list(CLASS_INDEX)).to_numpy())
    if bad.size:
        raise FormatError(path, int(bad[0]) + line_offset, "one of the 30 class names of humaps.actions.ACTIONS",
                          repr(df["label"].iloc[bad[0]]))
    bad = np.flatnonzero((df["end_s"] <= df["start_s"]).to_numpy())
    if bad.size:
        i = int(bad[0])
        raise FormatError(path, i + line_offset, "start_s < end_s", f"{df.start_s.iloc[i]} ≥ {df.end_s.iloc[i]}")
    df["trial"] = df["trial"].astype(str)
    order = np.lexsort((df["start_s"].to_numpy(), df["trial"].to_numpy()))
    s = df.iloc[order]
    same = s["trial"].to_numpy()[1:] == s["trial"].to_numpy()[:-1]
    overlap = same & (s["start_s"].to_numpy()[1:] < s["end_s"].to_numpy()[:-1] - 1e-9)
    if overlap.any():
        i = int(order[np.flatnonzero(overlap)[0] + 1])
        raise FormatError(path, i + line_offset, "segments of one trial not to overlap",
                          f"{df.label.iloc[i]!r} starting at {df.start_s.iloc[i]} s inside the previous segment")
    return df.reset_index(drop=True)


def read_annotations(path) -> pd.DataFrame:
    """Read and validate an annotation CSV (see :func:`validate_annotations`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.read_bytes().strip():
        raise FormatError(path, 1, "a CSV header 'trial,start_s,end_s,label'", "an empty file")
    try:
        df = pd.read_csv(path, dtype={"trial": str, "label": str})
    except pd.errors.ParserError as err:
        raise FormatError(path, None, "4 comma-separated columns per row", str(err)) from None
    return validate_annotations(df, path)
