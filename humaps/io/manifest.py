"""The cohort manifest: two CSV tables beside the recordings, made to be edited in a spreadsheet.

``subjects.csv``, one row per subject (further columns are kept as they are)::

    subject,height_m,mass_kg,sex,insole_size
    S01,1.72,68.5,F,5

``trials.csv``, one row per trial::

    subject,trial,insole_file,skeleton_file,annotations_file,mocap_offset_s
    S01,T01,S01_T01_insoles.txt,S01_T01_skeleton.tsv,S01_T01_annotations.csv,0.0213

- file columns are paths relative to the folder holding the two tables ('/' separated; no
  absolute path, no '..'); ``insole_file`` (a Moticon OpenGo text export) is required,
  ``skeleton_file`` (QTM skeleton TSV) and ``annotations_file`` (action segments) may be blank;
- ``mocap_offset_s``: t_insole = t_mocap + mocap_offset_s, seconds; blank = unknown, estimated
  from the data when the folder is loaded (:mod:`humaps.data.clock_offset`);
- anthropometric cells may be blank (unknown), but every column of :data:`SUBJECT_COLUMNS` must
  be there: what a chapter needs and finds blank stops it with a message naming the subjects
  (:func:`require_values`). Units: metres, kilograms; ``insole_size`` is the OpenGo size number.

``python -m humaps manifest DIR`` drafts both tables from a folder of exports
(:mod:`humaps.data.manifest_draft`); the simulator writes them too. Blank lines, a UTF-8 BOM,
CRLF endings and a missing final newline (spreadsheets produce all four) are accepted.
"""
from __future__ import annotations

import math
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd

from humaps.io.annotations import _rows
from humaps.io.errors import FormatError
from humaps.io.textfile import decode, read_bytes

SUBJECT_COLUMNS = ("subject", "height_m", "mass_kg", "sex", "insole_size")
TRIAL_COLUMNS = ("subject", "trial", "insole_file", "skeleton_file", "annotations_file", "mocap_offset_s")
FILE_COLUMNS = ("insole_file", "skeleton_file", "annotations_file")
#: columns that may be blank (unknown / not recorded); every other cell of the two tables must be filled
OPTIONAL = frozenset({"height_m", "mass_kg", "sex", "insole_size", "skeleton_file", "annotations_file",
                      "mocap_offset_s"})
#: numeric columns: positive where :data:`POSITIVE`, any finite number otherwise
NUMERIC = ("height_m", "mass_kg", "insole_size", "mocap_offset_s")
POSITIVE = frozenset({"height_m", "mass_kg", "insole_size"})
SUBJECTS_CSV, TRIALS_CSV = "subjects.csv", "trials.csv"
MANIFEST_FILES = (SUBJECTS_CSV, TRIALS_CSV)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _number(text):
    """A CSV cell → int (integer spelling), float, or None when it is no number (float() is exact)."""
    text = text.strip() if isinstance(text, str) else text
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return text
    try:
        return int(text)
    except (TypeError, ValueError):
        pass
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if text.lower() not in {"nan", "inf", "+inf", "-inf", "infinity", "-infinity"} else None


def _typed(df: pd.DataFrame, path: Path, lines: list[int], columns: tuple[str, ...]) -> pd.DataFrame:
    """Cells → Python values: ids and file names stripped strings, numbers (NUMERIC and extra columns
    that are numbers throughout) as numbers, blanks as NaN. Raises on a missing column, a blank
    required cell or a non-number in a numeric column (naming file, line and column)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise FormatError(path, 1, f"the columns {','.join(columns)} (blank cells are allowed in "
                          f"{', '.join(c for c in columns if c in OPTIONAL) or 'none'})",
                          f"{','.join(map(str, df.columns))} (missing {missing[0]!r}: add the column)")
    out = {}
    for c in df.columns:
        values = list(df[c])
        blank = [_blank(v) for v in values]
        if c in columns and c not in OPTIONAL and any(blank):
            raise FormatError(path, lines[blank.index(True)], f"a value in column {c!r}", "a blank cell")
        nums = [None if b else _number(v) for v, b in zip(values, blank)]
        if c in NUMERIC:
            bad = [i for i, (n, b) in enumerate(zip(nums, blank)) if not b and n is None]
            if bad:
                raise FormatError(path, lines[bad[0]], f"a finite number (or a blank cell) in column {c!r}",
                                  repr(values[bad[0]]))
            bad = [i for i, n in enumerate(nums) if n is not None and c in POSITIVE and not n > 0]
            if bad:
                raise FormatError(path, lines[bad[0]], f"a positive number in column {c!r}", repr(values[bad[0]]))
        numeric = c in NUMERIC or (c not in columns and all(n is not None for n, b in zip(nums, blank) if not b)
                                   and not all(blank))
        flags = {str(v).strip() for v, b in zip(values, blank) if not b}
        if c not in columns and not any(blank) and flags and flags <= {"True", "False"}:
            out[c] = pd.Series([str(v).strip() == "True" for v in values], dtype=bool)  # e.g. right_handed
        elif numeric:
            kind = int if all(isinstance(n, (int, np.integer)) for n in nums) else float
            out[c] = pd.Series([n for n in nums], dtype=kind if kind is int else float)
        else:
            out[c] = pd.Series([np.nan if b else str(v).strip() for v, b in zip(values, blank)], dtype=object)
    frame = pd.DataFrame(out, columns=list(df.columns))
    frame.attrs["lines"] = list(lines)
    return frame


def validate_manifest(subjects: pd.DataFrame, trials: pd.DataFrame, directory="<manifest>"):
    """Check and type both tables → (subjects, trials), see the module doc for the rules.

    Errors name ``<directory>/subjects.csv`` or ``trials.csv`` and the offending line (from
    ``attrs["lines"]`` when the frames were read from disk, else row + 2).
    """
    directory = Path(directory)
    sp, tp = directory / SUBJECTS_CSV, directory / TRIALS_CSV
    subjects = _typed(subjects, sp, subjects.attrs.get("lines") or list(range(2, len(subjects) + 2)),
                      SUBJECT_COLUMNS)
    trials = _typed(trials, tp, trials.attrs.get("lines") or list(range(2, len(trials) + 2)), TRIAL_COLUMNS)
    sl, tl = subjects.attrs["lines"], trials.attrs["lines"]
    for df, path, lines, cols in ((subjects, sp, sl, ["subject"]), (trials, tp, tl, ["subject", "trial"])):
        for c in cols:
            df[c] = df[c].map(lambda v: str(int(v)) if isinstance(v, (int, float, np.number)) else str(v))
    dup = subjects["subject"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise FormatError(sp, sl[i], "one row per subject", f"{subjects.subject.iloc[i]!r} a second time")
    dup = trials.duplicated(["subject", "trial"])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise FormatError(tp, tl[i], "one row per (subject, trial)",
                          f"{trials.subject.iloc[i]!r}, {trials.trial.iloc[i]!r} a second time")
    unknown = ~trials["subject"].isin(subjects["subject"])
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise FormatError(tp, tl[i], f"a subject listed in {SUBJECTS_CSV}", repr(trials.subject.iloc[i]))
    seen: dict[str, int] = {}
    for c in FILE_COLUMNS:
        for i, name in enumerate(trials[c]):
            if _blank(name):
                continue
            problem = file_name_problem(name)
            if problem:
                raise FormatError(tp, tl[i], f"{c}: a relative path inside the folder", f"{name!r} ({problem})")
            if name in seen:
                raise FormatError(tp, tl[i], "every file listed once", f"{name!r}, already on line {seen[name]}")
            seen[name] = tl[i]
    return subjects, trials


def file_name_problem(name) -> str | None:
    """Why ``name`` cannot be a manifest file entry, or None: it must be a relative path that stays
    inside the cohort folder (no absolute path, drive, '..', backslash or control character)."""
    if not isinstance(name, str) or not name.strip():
        return "not a file name"
    if any(ord(ch) < 32 for ch in name) or "\\" in name:
        return "a control character or a backslash"
    p = PurePosixPath(name)
    if p.is_absolute() or PureWindowsPath(name).drive:
        return "an absolute path"
    if ".." in p.parts:
        return "a path climbing out of the folder"
    return None


def _cell(v) -> str:
    if _blank(v):
        return ""
    if isinstance(v, (float, np.floating)):
        return repr(float(v))  # the shortest text that reads back to the same float
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def _write_csv(df: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    import csv

    order = list(columns) + [c for c in df.columns if c not in columns]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(order)
        for row in df[order].itertuples(index=False):
            w.writerow([_cell(v) for v in row])


def write_manifest(subjects: pd.DataFrame, trials: pd.DataFrame, out_dir) -> Path:
    """Validate, then write ``subjects.csv`` and ``trials.csv`` into ``out_dir``; returns the trials path.

    Floats are written with ``repr`` (read back bit for bit), NaN/None as blank cells.
    """
    out_dir = Path(out_dir)
    subjects, trials = validate_manifest(subjects.reset_index(drop=True), trials.reset_index(drop=True), out_dir)
    _write_csv(subjects, SUBJECT_COLUMNS, out_dir / SUBJECTS_CSV)
    _write_csv(trials, TRIAL_COLUMNS, out_dir / TRIALS_CSV)
    return out_dir / TRIALS_CSV


def _read_table(path: Path) -> pd.DataFrame:
    """A CSV as strings, blank lines skipped, ``attrs["lines"]`` = each row's line in the file."""
    text = decode(path, read_bytes(path, "a CSV table with a header line"))
    rows = _rows(path, text if text.endswith("\n") else text + "\n")
    header = [h.strip() for h in rows[0]] if rows and rows[0] else []
    if not header:
        raise FormatError(path, 1, "a header line of column names", "a blank line")
    body = [(i + 1, r) for i, r in enumerate(rows) if i > 0 and r and any(f.strip() for f in r)]
    for line, r in body:
        if len(r) != len(header):
            raise FormatError(path, line, f"{len(header)} comma-separated fields (as the header)", f"{len(r)}")
    df = pd.DataFrame([r for _, r in body], columns=header, dtype=object)
    df.attrs["lines"] = [line for line, _ in body]
    return df


def read_manifest(directory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``subjects.csv`` and ``trials.csv`` of ``directory`` → (subjects, trials), validated and typed.

    Ids and file names are strings, numeric columns numbers (NaN where blank); ``attrs["lines"]``
    maps rows to file lines. A folder without the tables is told how to draft them.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such folder")
    for name in MANIFEST_FILES:
        if not (directory / name).is_file():
            raise FileNotFoundError(
                f"{directory / name}: missing; a recordings folder needs {SUBJECTS_CSV} and {TRIALS_CSV} "
                f"(draft both with `python -m humaps manifest {directory}`)")
    return validate_manifest(_read_table(directory / SUBJECTS_CSV), _read_table(directory / TRIALS_CSV), directory)


def require_values(subjects: pd.DataFrame, column: str, *, needed_for: str, directory="") -> pd.Series:
    """``subjects[column]`` by subject id, or a ValueError naming the subjects whose cell is blank."""
    values = subjects.set_index("subject")[column]
    blank = [str(s) for s, v in values.items() if _blank(v)]
    if blank:
        where = f"{Path(directory) / SUBJECTS_CSV}" if directory else SUBJECTS_CSV
        raise ValueError(f"{where}: {column} is blank for {len(blank)} of {len(values)} subjects "
                         f"({', '.join(blank[:8])}{' ...' if len(blank) > 8 else ''}); {needed_for} needs it: fill it in")
    return values
