"""The cohort manifest: subjects' anthropometrics and the trials (files, mocap clock offset).

On disk: ``manifest.json`` ({"subjects": [...], "trials": [...]}, the full
record) plus ``subjects.csv`` (the anthropometrics table, for a spreadsheet).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from humaps.io.errors import FormatError

SUBJECT_COLUMNS = ("subject", "height_m", "mass_kg", "sex", "insole_size")
TRIAL_COLUMNS = ("subject", "trial", "insole_file", "skeleton_file", "annotations_file", "mocap_offset_s")


def validate_manifest(subjects: pd.DataFrame, trials: pd.DataFrame, path="<manifest>") -> None:
    for name, df, cols in (("subjects", subjects, SUBJECT_COLUMNS), ("trials", trials, TRIAL_COLUMNS)):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise FormatError(path, None, f"{name} fields {cols}", f"{list(df.columns)} (missing {missing[0]!r})")
    if subjects["subject"].duplicated().any():
        raise FormatError(path, None, "unique subject ids", f"duplicate {subjects.subject[subjects.subject.duplicated()].iloc[0]!r}")
    if trials.duplicated(["subject", "trial"]).any():
        raise FormatError(path, None, "unique (subject, trial) pairs", "a duplicate")
    unknown = ~trials["subject"].isin(subjects["subject"])
    if unknown.any():
        raise FormatError(path, None, "every trial's subject in the subjects table", repr(trials.subject[unknown].iloc[0]))
    for c in ("height_m", "mass_kg"):
        v = pd.to_numeric(subjects[c], errors="coerce")
        if not (v[subjects[c].notna()] > 0).all():  # unknown (NaN) is allowed, nonsense is not
            raise FormatError(path, None, f"positive numbers in subjects.{c}", "a non-positive or missing value")
    if pd.to_numeric(trials["mocap_offset_s"], errors="coerce").isna().any():
        raise FormatError(path, None, "a number in every trials.mocap_offset_s", "a missing value")


def write_manifest(subjects: pd.DataFrame, trials: pd.DataFrame, out_dir, *, extra: dict | None = None) -> Path:
    """Write ``manifest.json`` and ``subjects.csv`` into ``out_dir``; returns the JSON path."""
    out_dir = Path(out_dir)
    validate_manifest(subjects, trials, out_dir / "manifest.json")
    doc = {"subjects": subjects.to_dict(orient="records"), "trials": trials.to_dict(orient="records")}
    if extra:
        doc["extra"] = extra
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(doc, indent=1, default=float), encoding="utf-8")
    subjects.to_csv(out_dir / "subjects.csv", index=False, float_format="%.4f")
    return path


def read_manifest(path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read ``manifest.json`` (a file or its directory) → (subjects, trials, extra), validated."""
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise FormatError(path, err.lineno, "valid JSON", err.msg) from None
    if not isinstance(doc, dict) or "subjects" not in doc or "trials" not in doc:
        raise FormatError(path, None, "a JSON object with 'subjects' and 'trials' lists", type(doc).__name__)
    subjects, trials = pd.DataFrame(doc["subjects"]), pd.DataFrame(doc["trials"])
    validate_manifest(subjects, trials, path)
    trials["trial"] = trials["trial"].astype(str)
    return subjects, trials, doc.get("extra", {})
