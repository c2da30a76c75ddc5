"""The experiments' inputs, built from the cohort read back from its device files, and cached.

Both chapters of an experiment call these, so a chapter never rebuilds what
another already built: the windows are cached under (cohort config,
experiment windowing, humaps source).
"""
from __future__ import annotations

from humaps.cache import cached
from humaps.data import cohort
from humaps.data.features import ActivityWindows, PoseSequences, activity_windows, pose_sequences


def pose_data(cohort_cfg, pose_cfg, *, progress: bool = True) -> PoseSequences:
    """Sliding windows of (P, A, J) on the ``pose_cfg.fs_hz`` grid for every trial of the cohort."""
    key = (cohort_cfg, pose_cfg.fs_hz, pose_cfg.window_s, pose_cfg.stride_s)

    def build() -> PoseSequences:
        _, trials = cohort.load(cohort_cfg, progress=progress)
        return pose_sequences(trials, fs_hz=pose_cfg.fs_hz, window_s=pose_cfg.window_s, stride_s=pose_cfg.stride_s)

    return cached("pose_sequences", key, build)


def activity_data(cohort_cfg, *, progress: bool = True) -> ActivityWindows:
    """The paper's 3-second classification windows (60 % rule) for every trial of the cohort."""

    def build() -> ActivityWindows:
        _, trials = cohort.load(cohort_cfg, progress=progress)
        return activity_windows(trials)

    return cached("activity_windows", cohort_cfg, build)
