"""The simulated cohort, end to end: simulate → write device files → read them back.

The experiments never use the simulator's arrays directly: every trial is
written as a Moticon OpenGo text export, a QTM skeleton TSV, an annotations
CSV and a manifest, and read back by the loaders that read real recordings
(:func:`humaps.data.store.load_cohort`). The written directory is the cache:
it lives under ``<cache>/cohort/<key>`` where the key hashes the cohort
configuration and the ``humaps`` source, so a notebook regenerates the cohort
only when either changed.
"""
from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm  # text bars: the executed notebooks have no widget front end

from humaps.cache import cache_dir, key_digest
from humaps.config import resolve
from humaps.data.store import Trial, write_trials
from humaps.io.manifest import write_manifest
from humaps.sim.anthropometry import sample_subjects, subjects_table
from humaps.sim.cohort import trial_rng
from humaps.sim.config import CohortConfig
from humaps.sim.insoles import simulate_insoles
from humaps.sim.trials import build_trial, mocap_from_motion

COMPLETE = ".complete"


def subjects_frame(cfg: CohortConfig) -> pd.DataFrame:
    """The cohort's anthropometrics, one row per subject (manifest column names)."""
    return subjects_table(sample_subjects(cfg.n_subjects, cfg.cohort_seed)).rename(columns={"subject_id": "subject"})


def simulate_subject(args) -> list[Trial]:
    """Every trial of subject ``index`` (a pure function of the config and the index)."""
    cfg, index = args
    subject = sample_subjects(cfg.n_subjects, cfg.cohort_seed)[index]
    trials = []
    for rep in range(cfg.repetitions):
        rng = trial_rng(cfg, index, rep)
        motion, annotations = build_trial(subject, rng, cfg.sim_rate_hz, cfg.transition_s)
        mocap = mocap_from_motion(motion, cfg, rng)
        insole = simulate_insoles(
            motion, mass_kg=subject.mass_kg, insole_size=subject.insole_size,
            rng=np.random.default_rng([cfg.cohort_seed, 3, index, rep]),
            subject_rng=np.random.default_rng([cfg.cohort_seed, 4, index]),  # one device bias per subject
        )
        trials.append(Trial(subject=subject.subject_id, trial_id=f"T{rep + 1:02d}", insole=insole, mocap=mocap,
                            annotations=annotations, mocap_offset_s=float(mocap.meta["clock_offset_s"])))
    return trials


def _per_subject(fn, jobs: list, *, workers: int | None, desc: str, progress: bool) -> list:
    """[fn(job) for job in jobs], in order, with a pool of ``workers`` processes when > 1 (one job per subject)."""
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    results = []
    with tqdm(total=len(jobs), desc=desc, disable=not progress) as bar, \
            (ProcessPoolExecutor(workers) if workers > 1 else nullcontext()) as pool:
        for r in (pool.map(fn, jobs) if pool is not None else map(fn, jobs)):
            results.append(r)
            bar.update()
    return results


def simulate(cfg: CohortConfig, *, workers: int | None = None, progress: bool = True) -> list[Trial]:
    """Simulate every trial in memory (subjects in parallel; deterministic whatever ``workers``)."""
    jobs = [(cfg, i) for i in range(cfg.n_subjects)]
    per_subject = _per_subject(simulate_subject, jobs, workers=workers, desc="simulating subjects", progress=progress)
    return [tr for trials in per_subject for tr in trials]


def _write_subject(args) -> list[dict]:
    """Simulate subject ``index`` and write its trials at once (manifest rows back, arrays dropped)."""
    cfg, index, out_dir, subjects = args
    return write_trials(simulate_subject((cfg, index)), out_dir, subjects)


def write(cfg: CohortConfig, out_dir: Path, *, workers: int | None = None, progress: bool = True) -> Path:
    """Simulate and write the cohort in the devices' export formats; returns the manifest path.

    Each worker simulates one subject and writes its files before taking the next, so memory
    holds at most one subject per worker (a paper-profile cohort is ≈ 11 GB as arrays).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    subjects = subjects_frame(cfg)
    jobs = [(cfg, i, out_dir, subjects) for i in range(cfg.n_subjects)]
    rows = _per_subject(_write_subject, jobs, workers=workers, desc="simulating and writing subjects",
                        progress=progress)
    return write_manifest(subjects, pd.DataFrame([r for subject_rows in rows for r in subject_rows]), out_dir)


def cohort_directory(cfg: CohortConfig) -> Path:
    return cache_dir() / "cohort" / key_digest("cohort", cfg)


def ensure_written(cfg: CohortConfig, *, progress: bool = True) -> Path:
    """The cohort's directory of device files, simulating and writing it first if needed."""
    directory = cohort_directory(cfg)
    if (directory / COMPLETE).exists():
        return directory
    if directory.exists():  # an interrupted write: start again
        shutil.rmtree(directory)
    tmp = directory.with_name(directory.name + f".tmp{os.getpid()}")
    t0 = time.perf_counter()
    write(cfg, tmp, progress=progress)
    (tmp / COMPLETE).write_text(f"written in {time.perf_counter() - t0:.1f} s\n")
    tmp.replace(directory)
    return directory


def simulate_to_directory(*, profile: str, out_dir: Path) -> Path:
    """``python -m humaps simulate``: write the ``profile`` cohort into ``out_dir``."""
    cfg = resolve("cohort", profile)
    t0 = time.perf_counter()
    manifest = write(cfg, Path(out_dir))
    n = len(list(Path(out_dir).glob("*_insoles.txt")))
    print(f"wrote {n} trials of {cfg.n_subjects} subjects to {out_dir} in {time.perf_counter() - t0:.1f} s "
          f"(manifest {manifest})")
    return manifest
