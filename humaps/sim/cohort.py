"""The simulated cohort's kinematics: subjects, and one trial per subject and repetition.

``simulate_kinematics(cfg)`` returns the subjects table and a lazy iterator of
:class:`KinematicTrial` (one trial in memory at a time). The insole physics
hooks in here: a ``simulate_cohort`` wrapper maps each KinematicTrial's
``motion`` to insole recordings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

from humaps.recordings import MocapRecording
from humaps.sim.anthropometry import Subject, sample_subjects, subjects_table
from humaps.sim.config import CohortConfig
from humaps.sim.motion import BodyMotion
from humaps.sim.trials import build_trial, mocap_from_motion


@dataclass
class KinematicTrial:
    """One trial's ground truth: who, which repetition, the motion, its labels and the mocap export."""

    subject_id: str
    trial_id: str            # e.g. "S01_T03"
    repetition: int
    subject: Subject
    motion: BodyMotion       # at cfg.sim_rate_hz, trial clock
    annotations: pd.DataFrame  # start_s, end_s, label (trial clock)
    mocap: MocapRecording    # 120 Hz, own clock (meta["clock_offset_s"])


def trial_rng(cfg: CohortConfig, subject_index: int, repetition: int) -> np.random.Generator:
    """Each trial's randomness depends only on (cohort_seed, subject, repetition)."""
    return np.random.default_rng([cfg.cohort_seed, 2, subject_index, repetition])


def iter_trials(cfg: CohortConfig, subjects: list[Subject]) -> Iterator[KinematicTrial]:
    for i, subj in enumerate(subjects):
        for r in range(cfg.repetitions):
            rng = trial_rng(cfg, i, r)
            motion, ann = build_trial(subj, rng, cfg.sim_rate_hz, cfg.transition_s)
            mocap = mocap_from_motion(motion, cfg, rng)
            yield KinematicTrial(subj.subject_id, f"{subj.subject_id}_T{r + 1:02d}", r + 1, subj, motion, ann, mocap)


def simulate_kinematics(cfg: CohortConfig) -> tuple[pd.DataFrame, Iterator[KinematicTrial]]:
    """(subjects table, lazy iterator over every subject's trials, subject-major)."""
    subjects = sample_subjects(cfg.n_subjects, cfg.cohort_seed)
    return subjects_table(subjects), iter_trials(cfg, subjects)
