"""The experiments' inputs, built from the recordings a chapter runs on, and cached.

A chapter's :class:`~humaps.config.Run` says where the recordings come from: the
simulated cohort of its ``cohort`` config (the default), or ``run.recordings``, a
folder of device exports with a manifest (:mod:`humaps.data.source`). Both functions
display the source (folder, subjects, trials, hours, skipped files, estimated clock
offsets) as the chapter's data provenance, and stop with
:class:`~humaps.data.source.MissingData` when the folder lacks what the experiment needs.
Every chapter of an experiment calls these, so a chapter never rebuilds what another
already built: windows are cached under (source, experiment windowing, humaps source).
"""
from __future__ import annotations

from IPython.display import display

from humaps.cache import cached
from humaps.config import Run
from humaps.data import source
from humaps.data.features import (
    ActivityWindows,
    PoseSequences,
    activity_windows,
    pose_sequences,
)
from humaps.data.source import MissingData
from humaps.data.splits import LOSO


def _enough_subjects(summary, subjects: set, folds, who: str, parameter: str) -> None:
    """Stop when the subject-wise cross-validation cannot be split (``folds``: n_folds, 0 = LOSO)."""
    k = 2 if folds == LOSO else int(folds)
    if len(subjects) < k:
        raise MissingData(f"{who} cross-validate over {folds} subject folds: {summary.folder} has usable trials of "
                          f"{len(subjects)} subject(s) ({', '.join(sorted(subjects))}); pass `-p {parameter} N` "
                          f"with 2 ≤ N ≤ {len(subjects)}, or add subjects" if len(subjects) >= 2 else
                          f"{who} need at least 2 subjects with usable trials; {summary.folder} has "
                          f"{len(subjects)}: {', '.join(sorted(subjects)) or 'none'}")


def pose_data(run: Run, *, show: bool = True) -> PoseSequences:
    """Sliding windows of (P, A, J) on the pose config's ``fs_hz`` grid for every trial with motion capture.

    Trials without motion capture are left out (and said so); a folder with none stops the chapter.
    Trials without annotations give windows with an empty label (shown as "(transition)").
    ``show=False``: the source is not displayed (a chapter reading both experiments shows it once).
    """
    pose_cfg = run["pose"]
    data_key = source.source_key(run)
    summary = source.describe(run, data_key)
    if show:
        display(summary)
    who = "The pose chapters (motion capture is the ground truth they train and score on)"
    summary.require(who=who, mocap=True)
    if summary.without_mocap:
        print(f"pose: {len(summary.without_mocap)} trials without motion capture left out: "
              + ", ".join(summary.without_mocap))
    key = (data_key, pose_cfg.fs_hz, pose_cfg.window_s, pose_cfg.stride_s, pose_cfg.input_norm)

    def build() -> PoseSequences:
        trials = [source.empty_annotations(t) for t in source.with_mocap(source.load(run).trials)]
        _enough_subjects(summary, {t.subject for t in trials}, pose_cfg.n_folds, "The pose chapters", "n_folds")
        return pose_sequences(trials, fs_hz=pose_cfg.fs_hz, window_s=pose_cfg.window_s, stride_s=pose_cfg.stride_s,
                              input_norm=pose_cfg.input_norm)

    return cached("pose_sequences", key, build)


def activity_data(run: Run, *, show: bool = True) -> ActivityWindows:
    """The paper's 3-second classification windows (60 % rule) for every trial with annotations and mocap.

    The windows hold insole and pose streams for every strategy, so a trial needs both; those
    lacking either are left out (and said so); a folder with none stops the chapter.
    ``show=False`` as in :func:`pose_data`.
    """
    data_key = source.source_key(run)
    summary = source.describe(run, data_key)
    if show:
        display(summary)
    who = "The activity chapters (windows are labelled from annotations; three of the four strategies use motion capture)"
    summary.require(who=who, annotations=True, mocap=True)
    left_out = sorted(set(summary.without_mocap) | set(summary.without_annotations))
    if left_out:
        print(f"activity: {len(left_out)} trials without motion capture or annotations left out: " + ", ".join(left_out))
    n_folds = run["activity"].n_folds if "activity" in run.configs else LOSO

    def build() -> ActivityWindows:
        trials = [t for t in source.with_mocap(source.load(run).trials) if t.annotations is not None]
        _enough_subjects(summary, {t.subject for t in trials}, n_folds, "The activity chapters", "n_folds")
        return activity_windows(trials)

    return cached("activity_windows", data_key, build)
