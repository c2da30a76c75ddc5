"""A cohort on disk in the device formats, and back through the same loaders real files use.

A cohort folder holds the recordings and the manifest (:mod:`humaps.io.manifest`:
``subjects.csv`` and ``trials.csv``). The simulator's layout: per trial
``<subject>_<trial>_insoles.txt`` (Moticon export), ``<subject>_<trial>_skeleton.tsv``
(QTM skeleton TSV) and ``<subject>_<trial>_annotations.csv``; a folder of real exports
may name its files anyhow, leave out motion capture or annotations (``Trial.mocap`` /
``Trial.annotations`` are then None) and leave the clock offset blank (estimated here).

Loading checks that the manifest, the files and the annotations agree
(:func:`load_cohort_report`): paths stay inside the folder, no entry points at
another subject's or trial's file, annotation ids match the manifest and
segments lie inside the recording; files the manifest does not list are reported.
"""
from __future__ import annotations

import logging
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.cache import cached
from humaps.io.annotations import read_annotations, write_annotations
from humaps.io.errors import FormatError
from humaps.io.inspect import detect_kind
from humaps.io.manifest import (
    FILE_COLUMNS,
    MANIFEST_FILES,
    SUBJECT_COLUMNS,
    TRIALS_CSV,
    read_manifest,
    write_manifest,
)
from humaps.io.moticon import read_moticon, write_moticon
from humaps.io.qtm import read_qtm_skeleton, write_qtm_skeleton
from humaps.recordings import InsoleRecording, MocapRecording

log = logging.getLogger(__name__)


@dataclass
class Trial:
    """One continuous recording of one subject: both streams, its annotations and the clock offset.

    ``mocap``: None for an insole-only trial (no ``skeleton_file``);
    ``annotations``: DataFrame (trial, start_s, end_s, label), insole clock, or None (no file);
    ``mocap_offset_s``: t_insole = t_mocap + mocap_offset_s, s; when the manifest leaves it blank
    the loader estimates it (the estimate is in ``mocap.meta["offset_estimate"]``); NaN without mocap.
    """

    subject: str
    trial_id: str
    insole: InsoleRecording
    mocap: MocapRecording | None
    annotations: pd.DataFrame | None
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
    """Write one trial's files into ``out_dir`` (no skeleton / annotation file where ``tr.mocap`` /
    ``tr.annotations`` is None); returns its manifest row (blank cells for what was not written)."""
    names = _names(tr.subject, str(tr.trial_id))
    size = subjects.set_index("subject").get("insole_size", pd.Series(dtype=float)).get(tr.subject, np.nan)
    header = {"Name": f"{tr.subject}_{tr.trial_id}", "Size": "" if pd.isna(size) else str(int(size))}
    write_moticon(tr.insole, out_dir / names["insole_file"], header=header)
    if tr.mocap is not None:
        write_qtm_skeleton(tr.mocap, out_dir / names["skeleton_file"], skeleton=tr.subject)
    else:
        names["skeleton_file"] = ""
    if tr.annotations is not None:
        ann = tr.annotations.copy()
        ann["trial"] = str(tr.trial_id)
        write_annotations(ann, out_dir / names["annotations_file"])
    else:
        names["annotations_file"] = ""
    offset = tr.mocap_offset_s if tr.mocap is not None and tr.mocap_offset_s is not None else np.nan
    return {"subject": tr.subject, "trial": str(tr.trial_id), **names, "mocap_offset_s": float(offset)}


def write_trials(trials, out_dir: Path, subjects: pd.DataFrame) -> list[dict]:
    """Write each trial's files into ``out_dir`` (one trial in memory at a time when ``trials`` is lazy);
    returns their manifest rows. The one writer of recordings: :func:`write_cohort` and the simulator's
    :func:`humaps.data.cohort.write` both use it."""
    return [write_trial(tr, out_dir, subjects) for tr in trials]


def write_cohort(cohort, out_dir, *, subjects: pd.DataFrame | None = None) -> Path:
    """Write every trial of ``cohort`` (any iterable of Trial-like objects) and the manifest.

    ``subjects``: anthropometrics table with at least :data:`humaps.io.manifest.SUBJECT_COLUMNS`
    (defaults to ``cohort.subjects`` when the cohort has one, else ids with NaN fields).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trials = list(cohort)
    subjects = _subject_table(trials, subjects if subjects is not None else getattr(cohort, "subjects", None))
    return write_manifest(subjects, pd.DataFrame(write_trials(trials, out_dir, subjects)), out_dir)


def _given(value) -> bool:
    """A manifest cell that is filled in (file name or number), not blank/NaN."""
    return not (value is None or (isinstance(value, float) and np.isnan(value)) or value == "")


def read_trial(directory: Path, row: dict) -> Trial:
    """One manifest row's files, each through its reader (blank skeleton/annotations → None)."""
    mocap = read_qtm_skeleton(directory / row["skeleton_file"]) if _given(row["skeleton_file"]) else None
    ann = read_annotations(directory / row["annotations_file"]) if _given(row["annotations_file"]) else None
    offset = float(row["mocap_offset_s"]) if _given(row["mocap_offset_s"]) and mocap is not None else np.nan
    return Trial(subject=row["subject"], trial_id=str(row["trial"]), insole=read_moticon(directory / row["insole_file"]),
                 mocap=mocap, annotations=ann, mocap_offset_s=offset)


def _load_one(args) -> Trial:
    return read_trial(*args)


@dataclass
class CohortReport:
    """What :func:`load_cohort_report` found besides the trials.

    - ``subjects``: the manifest's subjects table (typed; blank anthropometrics are NaN);
    - ``unused_files``: paths (relative to the folder, sorted) of files ``trials.csv`` does not
      list — not read, so not part of the cohort; the bookkeeping files (:data:`BOOKKEEPING`)
      are left out. ``skipped`` gives each with the reason, in words;
    - ``estimated_offsets``: one row per trial whose ``mocap_offset_s`` was blank and estimated
      from the data (subject, trial, offset_s, confidence, trusted, halves_ms).
    """

    directory: Path
    n_trials: int
    unused_files: list[str]
    subjects: pd.DataFrame | None = None
    skipped: list[tuple[str, str]] | None = None
    estimated_offsets: pd.DataFrame | None = None


#: files of a cohort folder that are not recordings: the manifest's tables, the cache writer's marker
BOOKKEEPING = frozenset({*MANIFEST_FILES, ".complete"})
KIND_NAMES = {"moticon": "a Moticon export", "qtm": "a QTM skeleton TSV", "annotations": "an annotation CSV"}


def inside(directory: Path, manifest: Path, name: str) -> Path:
    """``directory / name``, refused unless it resolves inside ``directory`` (symbolic links included)."""
    path = directory / name
    if not path.resolve().is_relative_to(directory):
        raise FormatError(manifest, None, "files inside the cohort folder", f"{name!r}, which resolves to {path.resolve()}")
    return path


def _named_for(name: str, trials_of: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """(subject, trial) that ``name`` is named for by the writer's ``<subject>_<trial>_...`` convention.

    The longest manifest subject id that ``name`` starts with (then '_' or the end), then the longest of
    that subject's trial ids; None where none matches (real files named otherwise are not judged).
    """
    def longest(text, ids):
        hits = [i for i in ids if text == i or text.startswith(i + "_")]
        return max(hits, key=len) if hits else None

    subject = longest(name, trials_of)
    if subject is None:
        return None, None
    return subject, longest(name[len(subject) + 1:], trials_of[subject])


def check_names(manifest: Path, rows: list[dict], trials_of: dict[str, list[str]]) -> None:
    """A manifest row must not point at a file named for another subject or another trial."""
    for r in rows:
        for k in FILE_COLUMNS:
            if not _given(r[k]):
                continue
            s, t = _named_for(Path(r[k]).name, trials_of)
            if (s is not None and s != r["subject"]) or (t is not None and t != r["trial"]):
                raise FormatError(manifest, None, f"{k} of subject {r['subject']!r} trial {r['trial']!r}",
                                  f"{r[k]!r}, named for subject {s!r}" + (f" trial {t!r}" if t else ""))


def check_trial(directory: Path, row: dict, tr: Trial, trials_of: dict[str, list[str]]) -> None:
    """The files' contents agree with the manifest row: ids in headers and annotations, segments in range.

    ``trials_of``: every subject's trial ids in the manifest (to recognise another subject's files).
    """
    subject, trial = row["subject"], row["trial"]
    s, t = _named_for(str(tr.insole.meta.get("Name", "")), trials_of)
    if (s is not None and s != subject) or (t is not None and t != trial):
        raise FormatError(directory / row["insole_file"], None, f"a recording of subject {subject!r} trial {trial!r} "
                          f"(as {TRIALS_CSV} lists it)", f"the header '# Name: {tr.insole.meta['Name']}'")
    skeleton = str(tr.mocap.meta.get("skeleton", "")) if tr.mocap is not None else ""
    if skeleton in trials_of and skeleton != subject:
        raise FormatError(directory / row["skeleton_file"], None, f"the skeleton of subject {subject!r} "
                          f"(as {TRIALS_CSV} lists it)", f"segments named for {skeleton!r}")
    if tr.annotations is None:
        return
    ann, path = tr.annotations, directory / row["annotations_file"]
    lines = ann.attrs.get("lines") or list(range(2, len(ann) + 2))
    wrong = np.flatnonzero(ann["trial"].to_numpy(dtype=object) != trial)
    if wrong.size:
        i = int(wrong[0])
        raise FormatError(path, lines[i], f"trial {trial!r} (the manifest's trial for this file)",
                          repr(ann["trial"].iloc[i]))
    if len(ann) and tr.insole.n_frames:
        t0, t1 = float(tr.insole.time[0]), float(tr.insole.time[-1])
        step = 1.0 / tr.insole.rate_hz if tr.insole.n_frames > 1 else 0.01
        out = np.flatnonzero(((ann["start_s"] < t0 - step) | (ann["end_s"] > t1 + step)).to_numpy())
        if out.size:
            i = int(out[0])
            raise FormatError(path, lines[i], f"segments inside the insole recording ({t0:.2f}–{t1:.2f} s)",
                              f"{ann['label'].iloc[i]!r} {ann['start_s'].iloc[i]:g}–{ann['end_s'].iloc[i]:g} s")


def _unused(directory: Path, listed: set[Path]) -> list[str]:
    files = (p for p in directory.rglob("*") if p.is_file() or p.is_symlink())
    return sorted(p.relative_to(directory).as_posix() for p in files
                  if p not in listed and not (p.parent == directory and p.name in BOOKKEEPING))


def why_skipped(path: Path) -> str:
    """Why a file of the folder that ``trials.csv`` does not list is not part of the data, in words."""
    try:
        kind = detect_kind(path)
    except (FormatError, OSError):
        return "not a device export"
    return f"{KIND_NAMES[kind]} not listed in {TRIALS_CSV}"


def _fill_offsets(trials: list[Trial]) -> list[Trial]:
    """Estimate the blank offsets of trials with motion capture (:func:`fill_missing_offsets`)."""
    from humaps.data.clock_offset import fill_missing_offsets

    need = [i for i, tr in enumerate(trials) if tr.mocap is not None and not np.isfinite(tr.mocap_offset_s)]
    if not need:
        return trials
    out = list(trials)
    for i in need:
        with warnings.catch_warnings():  # an untrusted estimate is reported by the source summary, not warned twice
            warnings.simplefilter("ignore")
            try:
                out[i] = fill_missing_offsets([trials[i]])[0]
            except ValueError as err:  # nothing to correlate: the offset must come from the manifest
                raise ValueError(f"{trials[i].subject} {trials[i].trial_id}: mocap_offset_s is blank in {TRIALS_CSV} and "
                                 f"cannot be estimated from the data ({err}); fill it in") from None
    return out


def estimated_offsets(trials) -> pd.DataFrame:
    """One row per trial whose offset the loader estimated: subject, trial, offset_s, confidence, trusted, halves_ms."""
    rows = [{"subject": tr.subject, "trial": tr.trial_id, **{k: tr.mocap.meta["offset_estimate"][k]
            for k in ("offset_s", "confidence", "trusted", "halves_ms")}}
            for tr in trials if tr.mocap is not None and "offset_estimate" in tr.mocap.meta]
    return pd.DataFrame(rows, columns=["subject", "trial", "offset_s", "confidence", "trusted", "halves_ms"])


def load_cohort_report(directory, *, workers: int | None = None, cache: bool = True) -> tuple[list[Trial], CohortReport]:
    """:func:`load_cohort`, and a :class:`CohortReport`: the subjects table, the files the manifest
    does not list (and why they are skipped), the clock offsets estimated from the data.

    Before reading: every listed path must stay inside the folder (no absolute
    path, no '..', no symbolic link out), exist, and not be named for another
    subject or trial. After reading (also when served from the cache): the
    Moticon ``Name`` and the QTM skeleton name must not name another subject
    or trial, every annotation row must carry the manifest's trial id, and
    every segment must lie inside the insole recording (± one sample).
    Violations raise :class:`FormatError`. Blank ``mocap_offset_s`` of trials with motion
    capture are estimated (:mod:`humaps.data.clock_offset`) and cached with the parsed trials.
    """
    directory = Path(directory).resolve()
    manifest = directory / TRIALS_CSV
    subjects, trials = read_manifest(directory)
    rows = trials.to_dict(orient="records")
    trials_of: dict[str, list[str]] = {}
    for r in rows:
        trials_of.setdefault(r["subject"], []).append(r["trial"])
    files = sorted(inside(directory, manifest, r[k]) for r in rows for k in FILE_COLUMNS if _given(r[k]))
    for f in files:
        if not f.exists():
            raise FileNotFoundError(f"{f}: listed in {manifest} but missing")
    check_names(manifest, rows, trials_of)
    # the rows are part of the key: an offset edited in trials.csv must not be served from the cache
    key = (str(directory), tuple((f.relative_to(directory).as_posix(), f.stat().st_size, f.stat().st_mtime_ns)
                                 for f in files), repr([sorted(r.items()) for r in rows]))
    workers = min(4, os.cpu_count() or 1) if workers is None else workers

    def load() -> list[Trial]:
        jobs = [(directory, r) for r in rows]
        if workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(workers) as ex:
                return _fill_offsets(list(ex.map(_load_one, jobs)))
        return _fill_offsets([_load_one(j) for j in jobs])

    out = cached("cohort_files", key, load, enabled=cache)
    for r, tr in zip(rows, out):
        check_trial(directory, r, tr, trials_of)
    unused = _unused(directory, set(files))
    report = CohortReport(directory=directory, n_trials=len(out), unused_files=unused, subjects=subjects,
                          skipped=[(f, why_skipped(directory / f)) for f in unused],
                          estimated_offsets=estimated_offsets(out))
    return out, report


def load_cohort(directory, *, workers: int | None = None, cache: bool = True) -> list[Trial]:
    """Read a cohort folder (recordings + ``subjects.csv`` + ``trials.csv``) → list of Trial, in manifest order.

    Parsed arrays are cached with :mod:`humaps.cache` under a key made of every
    file's name, size and mtime and the manifest rows, so editing or replacing a file re-reads it.
    ``workers`` > 1 parses trials in a process pool (default: ``min(4, cpus)``).
    Checks as :func:`load_cohort_report`; files in the folder that the manifest
    does not list are logged as a warning (the report has them).
    """
    trials, report = load_cohort_report(directory, workers=workers, cache=cache)
    if report.unused_files:
        log.warning("%s: %d file(s) not listed in %s, not read: %s", report.directory, len(report.unused_files),
                    TRIALS_CSV, ", ".join(report.unused_files[:5]) + (" ..." if len(report.unused_files) > 5 else ""))
    return trials
