"""Annotation CSVs: one row per action segment, ``trial,start_s,end_s,label`` (seconds on the insole clock).

Read by column name (any column order), with Python's C ``csv`` reader in strict
mode: every row is a list of strings, so no cell is ever turned into NaN or a
number behind our back. Tolerated: blank lines (skipped; line numbers in
errors still count them), a UTF-8 BOM, CRLF line endings, quoted fields.
Rejected with :class:`FormatError` naming the line: anything else.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.actions import CLASS_INDEX
from humaps.io.errors import FormatError
from humaps.io.textfile import check_final_newline, decode, read_bytes

COLUMNS = ("trial", "start_s", "end_s", "label")
#: a trial id: word characters, '.', '-', single inner spaces (no control bytes, no blank)
TRIAL_ID = re.compile(r"\w[\w.\-]*(?: [\w.\-]+)*")
#: spellings of "missing" that pandas and spreadsheets produce; never a trial id
MISSING = frozenset({"na", "n/a", "nan", "none", "null", "nat", "<na>"})
#: a decimal number of seconds (no inf / nan spellings; finiteness checked after parsing)
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def write_annotations(df: pd.DataFrame, path) -> Path:
    """Write segments (columns :data:`COLUMNS`) sorted by trial and start, times to the millisecond."""
    path = Path(path)
    out = df.loc[:, list(COLUMNS)].sort_values(["trial", "start_s"], kind="stable")
    out.to_csv(path, index=False, float_format="%.3f")
    return path


def validate_annotations(df: pd.DataFrame, path="<annotations>", *, line_offset: int = 2,
                         lines=None) -> pd.DataFrame:
    """Check columns, trial ids, finite numbers, start < end, known labels and no overlap within a trial.

    Row ``i`` is reported as file line ``lines[i]`` when given, else ``i + line_offset``
    (header on line 1). Returns the frame with ``start_s``/``end_s`` as float64,
    ``trial`` and ``label`` as strings; ``attrs["lines"]`` keeps the row → line map.
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise FormatError(path, 1, f"header columns {','.join(COLUMNS)}", ",".join(map(str, df.columns)))
    line = (lambda i: int(lines[i])) if lines is not None else (lambda i: int(i) + line_offset)

    def first_bad(mask, expected, column):
        bad = np.flatnonzero(np.asarray(mask, dtype=bool))
        if bad.size:
            raise FormatError(path, line(bad[0]), expected, repr(df[column].iloc[bad[0]]))

    # ids: strings (ints from a caller's frame are fine); NaN, None, blanks and NUL bytes are not
    trial = df["trial"].astype(object).map(lambda v: str(v) if isinstance(v, (int, np.integer)) else v)
    trial_str = pd.Series(trial, dtype=object).where(trial.map(type) == str, "")
    ok = trial_str.str.fullmatch(TRIAL_ID).to_numpy(dtype=bool) & ~trial_str.str.lower().isin(MISSING).to_numpy()
    first_bad(~ok, "a trial id (letters, digits, '_', '.', '-')", "trial")
    df["trial"] = trial_str.to_numpy(dtype=object)
    for c in ("start_s", "end_s"):
        col = df[c]
        if col.dtype.kind not in "fiu":
            text = pd.Series(col, dtype=object)
            is_str = text.map(type) == str
            ok = text.where(is_str, "").str.fullmatch(NUMBER).to_numpy(dtype=bool) & is_str.to_numpy()
            first_bad(~ok, f"a number in column {c!r}", c)
        num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
        first_bad(~np.isfinite(num), f"a finite number in column {c!r}", c)
        df[c] = num
    first_bad(~df["label"].isin(list(CLASS_INDEX)).to_numpy(), "one of the 30 class names of humaps.actions.ACTIONS",
              "label")
    bad = np.flatnonzero((df["end_s"] <= df["start_s"]).to_numpy())
    if bad.size:
        i = int(bad[0])
        raise FormatError(path, line(i), "start_s < end_s", f"{df.start_s.iloc[i]} ≥ {df.end_s.iloc[i]}")
    order = np.lexsort((df["start_s"].to_numpy(), df["trial"].to_numpy(dtype=object)))
    s = df.iloc[order]
    same = s["trial"].to_numpy()[1:] == s["trial"].to_numpy()[:-1]
    overlap = same & (s["start_s"].to_numpy()[1:] < s["end_s"].to_numpy()[:-1] - 1e-9)
    if overlap.any():
        i = int(order[np.flatnonzero(overlap)[0] + 1])
        raise FormatError(path, line(i), "segments of one trial not to overlap",
                          f"{df.label.iloc[i]!r} starting at {df.start_s.iloc[i]} s inside the previous segment")
    out = df.reset_index(drop=True)
    out.attrs["lines"] = [line(i) for i in range(len(out))]
    return out


def _rows(path: Path, text: str) -> list[list[str]]:
    """Every line's fields ([] for a blank line); row ``i`` is line ``i + 1``."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error:
        _locate_csv_error(path, text)
    if len(rows) != text.count("\n"):  # a quoted field ran over a line end: find the row it opened on
        at = next(i for i, r in enumerate(rows) if any("\n" in f for f in r))
        raise FormatError(path, at + 1, "one row per line (a closing quote on the line it opened)",
                          "a quoted field running past the end of the line")
    return rows


def _locate_csv_error(path: Path, text: str):
    """Error path only: re-read row by row to name the line a malformed row starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except csv.Error as err:
            raise FormatError(path, start, "comma-separated fields with balanced quotes", str(err)) from None
        except StopIteration:
            raise FormatError(path, None, "comma-separated fields with balanced quotes", "a malformed row") from None
        if any("\n" in f for f in row):
            raise FormatError(path, start, "one row per line (a closing quote on the line it opened)",
                              "a quoted field running past the end of the line")
        start = reader.line_num + 1


def read_annotations(path) -> pd.DataFrame:
    """Read and validate an annotation CSV (see :func:`validate_annotations` and the module doc).

    Returns columns :data:`COLUMNS` (whatever their order in the file), rows in
    file order; ``attrs["lines"]`` gives each row's line in the file.
    """
    path = Path(path)
    raw = read_bytes(path, "a CSV header 'trial,start_s,end_s,label'")
    check_final_newline(path, raw)
    rows = _rows(path, decode(path, raw))
    header = rows[0]
    if not header:
        raise FormatError(path, 1, "a CSV header 'trial,start_s,end_s,label'", "a blank line")
    if sorted(header) != sorted(COLUMNS):
        raise FormatError(path, 1, f"the header columns {','.join(COLUMNS)} (any order, each once)", ",".join(header))
    n_fields = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    bad = np.flatnonzero((n_fields != len(header)) & (n_fields != 0))
    if bad.size:
        i = int(bad[0])
        raise FormatError(path, i + 1, f"{len(header)} comma-separated fields", f"{int(n_fields[i])}")
    data = np.flatnonzero(n_fields[1:]) + 1                        # row index = line - 1; blank lines skipped
    kept = [rows[i] for i in data]
    df = pd.DataFrame(kept, columns=header).loc[:, list(COLUMNS)] if kept else pd.DataFrame(columns=list(COLUMNS))
    return validate_annotations(df, path, lines=data + 1)
