"""The data chapter's checks on a cohort read from disk: each returns a table and a verdict.

- :func:`action_durations`: which categories hold the actions shorter than the 3-s window;
- :func:`readback`: the files against the simulation they were written from (the export's rounding);
- :func:`clock_offsets`: the insole–motion-capture clock offset estimated again where it is given;
- :func:`loader_repairs`: what the loaders filled in (blank insole cells) and the motion-capture gaps.

A check that a folder cannot support (no annotations, not written by the simulator, no motion
capture) returns ``None`` for its table and verdict, with the reason in words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from humaps.actions import CATEGORIES, CATEGORY_OF
from humaps.verdicts import Verdict, verdict

WINDOW_S = 3.0  # the paper's classification window (section 7)
CLOCK_TOLERANCE_MS = 10.0  # an estimated clock offset counts as right within this of the given one
CLOCK_SHARE = 0.95  # ... for at least this share of trials

#: (insole channel, the export's rounding bound): half the last printed digit of the Moticon text export
EXPORT_ROUNDING = {"pressure": 0.005, "acceleration": 5e-7, "angular_rate": 5e-7, "total_force": 0.005, "cop": 5e-7}
QTM_ROUNDING_M = 5e-6 + 1e-9  # the QTM TSV's positions: mm with 3 decimals, and the float's last bit


def action_durations(annotated) -> tuple[pd.DataFrame, pd.DataFrame, Verdict]:
    """(every action with subject, duration_s and category; per category: actions, median_s and how many
    are shorter than the window; the verdict that the dynamic actions are the most often short)."""
    ann = pd.concat([t.annotations.assign(subject=t.subject) for t in annotated], ignore_index=True)
    ann["duration_s"] = ann["end_s"] - ann["start_s"]
    ann["category"] = ann["label"].map(CATEGORY_OF)
    short = ann.groupby("category")["duration_s"].agg(actions="count", median_s="median",
                                                      shorter_than_3s=lambda d: int((d < WINDOW_S).sum()))
    short = short.reindex([c for c in CATEGORIES if c in short.index])
    share = short["shorter_than_3s"] / short["actions"]
    return ann, short, verdict("Dynamic actions (jumps) are the category most often shorter than the 3-s window",
                               share.idxmax() == "Dynamic",
                               ", ".join(f"{c} {v:.0%}" for c, v in share.items()) + " of actions shorter than 3 s")


def readback(memory, disk) -> tuple[pd.DataFrame, Verdict]:
    """``memory``: a trial as simulated; ``disk``: the same trial read back from its files. The largest
    difference per channel against the export's rounding bound, and the verdict that every channel is
    within it (1 % slack for the float's own rounding)."""
    n = min(memory.insole.n_frames, disk.insole.n_frames)
    rows = [(f"insole {name}", float(np.nanmax(np.abs(getattr(memory.insole, name)[:n] - getattr(disk.insole, name)[:n]))),
             bound) for name, bound in EXPORT_ROUNDING.items()]
    m = min(memory.mocap.n_frames, disk.mocap.n_frames)
    a, b = memory.mocap.positions[:m], disk.mocap.positions[:m]
    valid = np.isfinite(a) & np.isfinite(b)
    rows.append(("mocap positions (m)", float(np.abs(a - b)[valid].max()), QTM_ROUNDING_M))
    table = pd.DataFrame(rows, columns=["channel", "max |memory − file|", "export rounding bound"])
    ok = table["max |memory − file|"] <= table["export rounding bound"] * 1.01
    return table, verdict("Reading the device files back reproduces the simulation up to the export's rounding",
                          ok.all(), f"{int(ok.sum())} of {len(table)} channels within bound")


def clock_offsets(with_mocap) -> tuple[pd.DataFrame | None, str, Verdict | None, float]:
    """Every trial whose offset the manifest gives, estimated again as if blank (:func:`offset_table`):
    (the table, a summary line, the verdict that ≥ :data:`CLOCK_SHARE` are within
    :data:`CLOCK_TOLERANCE_MS`, that share); (None, why, None, nan) when no offset is given."""
    from humaps.data.clock_offset import offset_table

    given = [t for t in with_mocap if "offset_estimate" not in t.mocap.meta]
    if not with_mocap:
        return None, "skipped: no motion capture, so no clock to synchronise", None, float("nan")
    if not given:
        return None, "every offset was left blank in trials.csv: estimated at load, listed below", None, float("nan")
    off = offset_table(given)
    err = off["error_ms"].abs()
    within = float((err <= CLOCK_TOLERANCE_MS).mean())
    line = (f"{len(off)} trials with a given offset, estimated again: |estimate − given| median {err.median():.1f} ms, "
            f"95th percentile {err.quantile(0.95):.1f} ms, max {err.max():.1f} ms; confidence "
            f"{off['confidence'].min():.2f}–{off['confidence'].max():.2f}, trusted {int(off['trusted'].sum())} of {len(off)}")
    v = verdict(f"The estimated clock offset is within {CLOCK_TOLERANCE_MS:.0f} ms of the given one for at least "
                f"{CLOCK_SHARE:.0%} of trials", within >= CLOCK_SHARE,
                f"{int((err <= CLOCK_TOLERANCE_MS).sum())} of {len(off)} trials ({within:.0%})")
    return off, line, v, within


def loader_repairs(trials, with_mocap) -> str:
    """In words: the blank insole cells the loader filled (summed over trials, per channel) and the share
    of motion-capture frames with a missing joint."""
    fills = pd.DataFrame([{"trial": f"{t.subject}_{t.trial_id}", **t.insole.filled} for t in trials]).set_index("trial")
    text = "blank insole cells filled by the loader (summed over trials):\n" + fills.sum().to_string()
    if not with_mocap:
        return text + "\n\nno motion capture: no mocap gaps to count"
    gaps = sum(int(np.isnan(t.mocap.positions).any(axis=(1, 2)).sum()) for t in with_mocap)
    frames = sum(t.mocap.n_frames for t in with_mocap)
    return text + f"\n\nmocap frames with at least one missing joint: {gaps} of {frames} ({gaps / frames:.2%})"


def readback_of(cfg, trials, with_mocap) -> tuple[pd.DataFrame | None, Verdict | None, str]:
    """:func:`readback` of the cohort's first subject, simulated again in memory from ``cfg`` (a
    CohortConfig): (table, verdict, ""), or (None, None, why) when the folder was not written by the
    simulator (its Moticon exports say ``Recording type: simulated``) or lacks that trial."""
    from humaps.data.cohort import simulate_subject
    from humaps.data.source import is_simulated

    memory = simulate_subject((cfg, 0))[0] if is_simulated(trials) else None
    disk = next((t for t in with_mocap if memory is not None and (t.subject, t.trial_id) == (memory.subject,
                                                                                         memory.trial_id)), None)
    if disk is None:
        return None, None, "skipped: not a folder written by the simulator, so there is nothing to simulate again"
    return (*readback(memory, disk), "")


@dataclass
class WalkingRealism:
    """The chapter's walking against the real recordings: ``real`` and ``walking`` gait statistics,
    ``what`` they are ("simulated" or "recorded"), the :func:`humaps.data.realism.compare` ``table``
    (None when there is no comparison, ``note`` says why) and its verdicts."""

    real: list[dict]
    walking: list[dict]
    what: str
    table: pd.DataFrame | None = None
    note: str = ""
    verdicts: list = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    min_share_inside: float = float("nan")


def walking_realism(trials, subjects: pd.DataFrame, folder: str) -> WalkingRealism:
    """Every walking stretch of ``trials`` against the four real Moticon recordings (a folder holding those
    recordings themselves is not compared with itself)."""
    from humaps.data import realism
    from humaps.data.source import is_simulated, walking_statistics

    real_recs = realism.real_walking_recordings()
    out = WalkingRealism(real=[realism.gait_statistics(r) for r in real_recs],
                         walking=walking_statistics(trials, subjects),
                         what="simulated" if is_simulated(trials) else "recorded")
    itself = len(trials) == len(real_recs) and all(t.insole.n_frames == r.n_frames and np.array_equal(
        t.insole.pressure, r.pressure) for t, r in zip(trials, real_recs))
    if itself:
        out.note = (f"skipped: {folder} holds the real reference recordings themselves; the last section sets them "
                    "beside the simulated cohort")
    elif not out.walking:
        out.note = f"skipped: no complete gait stance in the {out.what} walking"
    else:
        table = realism.compare(out.real, out.walking)
        out.table = table.rename(columns=lambda c: c.replace("sim ", "recorded ")) if out.what == "recorded" else table
        out.note = (f"{len(out.real)} real recordings, {len(out.walking)} {out.what} walking segments "
                    f"({out.walking[0]['n_skipped']} skipped: no complete stance)")
        out.verdicts, out.lines, out.min_share_inside = realism.verdicts(out.table, out.what)
    return out


def window_counts(trials, n_trials: int) -> tuple[str, pd.Series, int]:
    """The activity windows of ``trials`` (with motion capture and annotations): a line saying how many and
    of what shape, the count per category (and total), the number of windows."""
    from humaps.data.features import activity_windows

    windows = activity_windows(trials)
    counts = windows.counts.reindex(list(CATEGORIES)).fillna(0).astype(int)
    counts.loc["total"] = counts.sum()
    line = (f"{len(windows.label)} windows from {len(trials)} of {n_trials} trials: insole {windows.insole.shape[1:]} "
            f"at 100 Hz, pose {windows.pose.shape[1:]} at 120 Hz")
    return line, counts, len(windows.label)


def beside_simulated(recorded: list[dict], cohort_run) -> tuple[pd.DataFrame, WalkingRealism, str]:
    """A recordings folder's walking (``recorded``: gait statistics) beside the simulated cohort of
    ``cohort_run`` (the run without its recordings): (one row per recording, the comparison with the
    cohort's walking as :class:`WalkingRealism` (``real`` = the recordings), a line saying what was compared)."""
    from humaps.data import realism, source

    own = pd.DataFrame([{"recording": f"{d['subject']} {d['trial']}",
                         **{label: d[k] for k, label in realism.SCALARS.items()}} for d in recorded]).set_index("recording")
    cohort = source.load(cohort_run)
    walking = source.walking_statistics(cohort.trials, cohort.subjects)
    beside = WalkingRealism(real=recorded, walking=walking, what="simulated",
                            table=realism.beside_cohort(recorded, walking))
    line = (f"{len(recorded)} walking stretches of the folder ({sum(d['body_weight_estimated'] for d in recorded)} "
            f"with the body weight estimated from the force), beside {len(walking)} walking segments of the "
            f"simulated cohort ({cohort.summary.n_subjects} subjects, profile {cohort_run.profile})")
    return own, beside, line
