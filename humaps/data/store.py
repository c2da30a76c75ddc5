"""A cohort on disk in the device formats, and back through the same loaders real files use.

Layout of ``out_dir``: per trial ``<subject>_<trial>_insoles.txt`` (Moticon
export), ``<subject>_<trial>_skeleton.tsv`` (QTM skeleton TSV) and
``<subject>_<trial>_annotations.csv``; plus ``manifest.json`` and ``subjects.csv``.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.cache import cached
from humaps.io.annotations import read_annotations, write_annotations
from humaps.io.manifest import SUBJECT_COLUMNS, read_manifest, write_manifest
from humaps.io.moticon import read_moticon, write_moticon
from humaps.io.qtm import read_qtm_skeleton, write_qtm_skeleton
from humaps.recordings import InsoleRecording, MocapRecording


@dataclass
class Trial:
    """One continuous recording of one subject: both streams, its annotations and the clock offset.

    ``annotations``: DataFrame (trial, start_s, end_s, label), insole clock;
    ``mocap_offset_s``: t_insole = t_mocap + mocap_offset_s.
    """

    subject: str
    trial_id: str
    insole: InsoleRecording
    mocap: MocapRecording
    annotations: pd.DataFrame
    mocap_offset_s: float


def _names(subject: str, trial_id: str) -> dict[str, str]:
    stem = f"{subject}_{trial_id}"
    return {"insole_file": f"{stem}_insoles.txt", "skeleton_file": f"{stem}_skeleton.tsv",
            "annotations_file": f"{stem}_annotations.csv"}


def _subject_table(trials, subjects: pd.DataFrame | None) -> pd.DataFrame:
    if subjects is not None:
        return subjects
    ids = sorted({t.subject for t in trials})
    return pd.DataFrame({"subject": ids, **{c: np.nan for c in SUBJECT_COLUMNS[1:]}})


def write_trial(tr, out_dir: Path, subjects: pd.DataFrame) -> dict:
    """Write one trial's three files into ``out_dir``; returns its manifest row."""
    names = _names(tr.subject, str(tr.trial_id))
    size = subjects.set_index("subject").get("insole_size", pd.Series(dtype=float)).get(tr.subject, np.nan)
    header = {"Name": f"{tr.subject}_{tr.trial_id}", "Size": "" if pd.isna(size) else str(int(size))}
    write_moticon(tr.insole, out_dir / names["insole_file"], header=header)
    write_qtm_skeleton(tr.mocap, out_dir / names["skeleton_file"], skeleton=tr.subject)
    ann = tr.annotations.copy()
    ann["trial"] = str(tr.trial_id)
    write_annotations(ann, out_dir / names["annotations_file"])
    return {"subject": tr.subject, "trial": str(tr.trial_id), **names, "mocap_offset_s": float(tr.mocap_offset_s)}


def _write_one(args) -> dict:
    return write_trial(*args)


def write_cohort(cohort, out_dir, *, subjects: pd.DataFrame | None = None, workers: int = 1) -> Path:
    """Write every trial of ``cohort`` (any iterable of Trial-like objects) and the manifest.

    ``subjects``: anthropometrics table with at least :data:`humaps.io.manifest.SUBJECT_COLUMNS`
    (defaults to ``cohort.subjects`` when the cohort has one, else ids with NaN fields).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trials = list(cohort)
    subjects = _subject_table(trials, subjects if subjects is not None else getattr(cohort, "subjects", None))
    jobs = [(tr, out_dir, subjects) for tr in trials]
    if workers > 1:
        with ProcessPoolExecutor(workers) as ex:
            rows = list(ex.map(_write_one, jobs, chunksize=4))
    else:
        rows = [_write_one(j) for j in jobs]
    return write_manifest(subjects, pd.DataFrame(rows), out_dir)


def _load_one(args) -> Trial:
    out_dir, row = args
    ann = read_annotations(out_dir / row["annotations_file"])
    return Trial(subject=row["subject"], trial_id=str(row["trial"]),
                 insole=read_moticon(out_dir / row["insole_file"]),
                 mocap=read_qtm_skeleton(out_dir / row["skeleton_file"]),
                 annotations=ann, mocap_offset_s=float(row["mocap_offset_s"]))


def load_cohort(directory, *, workers: int | None = None, cache: bool = True) -> list[Trial]:
    """Read a cohort written by :func:`write_cohort` (or real files with a manifest) → list of Trial.

    Parsed arrays are cached with :mod:`humaps.cache` under a key made of every
    file's name, size and mtime, so editing or replacing a file re-reads it.
    ``workers`` > 1 parses trials in a process pool (default: ``min(4, cpus)``).
    """
    directory = Path(directory).resolve()
    _, trials, _ = read_manifest(directory)
    rows = trials.to_dict(orient="records")
    files = sorted(directory / r[k] for r in rows for k in ("insole_file", "skeleton_file", "annotations_file"))
    for f in files:
        if not f.exists():
            raise FileNotFoundError(f"{f}: listed in {directory / 'manifest.json'} but missing")
    key = (str(directory), tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files))
    workers = min(4, os.cpu_count() or 1) if workers is None else workers

    def load() -> list[Trial]:
        jobs = [(directory, r) for r in rows]
        if workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(workers) as ex:
                return list(ex.map(_load_one, jobs))
        return [_load_one(j) for j in jobs]

    return cached("cohort_files", key, load, enabled=cache)
