"""How much training the book profile's pose model needs to learn the leg swing, on validation subjects only.

    .venv/bin/python benchmarks/pose_budget.py                       # the book profile, then the budgets below
    .venv/bin/python benchmarks/pose_budget.py max_train_windows=2000,epochs=10 max_train_windows=3000,epochs=12

Each budget (flat changes to the book profile) trains fold 0's full model with the MPJAE weight 0.3 on
its training subjects (two torch threads) and is scored on the fold's *validation* subjects, which
the run keeps out of training; no test subject and no real recording is looked at. Printed per budget:
the training time, the validation MPJPE (cm), and on the validation subjects' simulated walking the
predicted over true range of the left ankle's forward position (the leg swing; 1 = full) and the
force onsets the contact detector matches on the predicted and on the true poses
(:func:`humaps.experiments.pose_real.walking_agreement`).

Measured (2026-12-06, AMD EPYC, 2 threads; fold 0, 50 force onsets of 4 validation subjects' walks;
the seconds include the data and the scoring):

    budget (windows × epochs)  seconds  validation MPJPE  ankle range  matched, predicted  matched, true
    2000 × 10                      152           4.52 cm         0.21                0 %           98 %
    2000 × 14                       98           3.96 cm         0.77               80 %           98 %
    3000 × 12                      118           3.77 cm         0.92               98 %           98 %

At 2000 × 10 the legs stay at the mean pose and every contact check fails; the book profile takes
3000 × 12.
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import torch

from humaps.book import chapter
from humaps.data import source
from humaps.experiments import pose_real
from humaps.experiments.datasets import pose_data
from humaps.experiments.pose_cv import PoseJob, run_fold

BUDGETS = ["max_train_windows=2000,epochs=10", "max_train_windows=3000,epochs=12"]


def parse(budget: str) -> dict:
    return {k: (float(v) if "." in v else int(v)) for k, v in (kv.split("=") for kv in budget.split(",") if kv)}


def swing(model, trials, cfg) -> tuple[float, pd.DataFrame]:
    """Median predicted/true left-ankle forward range over the walks, and the onsets matched per kind of poses."""
    ranges = []
    for tr in trials:
        for s, e in tr.annotations.loc[tr.annotations["label"] == "Walking", ["start_s", "end_s"]].to_numpy():
            t, p = pose_real.predict_recording(model, tr.insole.between(s, e), window=cfg.window_frames,
                                               fs_hz=cfg.fs_hz, input_norm=cfg.input_norm)
            true = pose_real.true_poses_at(tr, t) if len(t) else None
            if true is not None:
                ranges.append(np.ptp(p[:, pose_real.FOOT[0], 1]) / np.ptp(true[:, pose_real.FOOT[0], 1]))
    rows = pose_real.walking_agreement(model, trials, window=cfg.window_frames, fs_hz=cfg.fs_hz,
                                       input_norm=cfg.input_norm)
    return float(np.median(ranges)), rows.groupby("poses")[["force onsets", "matched within 0.15 s"]].sum()


def main(budgets: list[str]) -> None:
    torch.set_num_threads(2)
    rows = []
    for budget in budgets:
        run = chapter.setup({"profile": "book", "recordings": None, **parse(budget)}, "cohort", "pose", before=set())
        cfg = run["pose"]
        t0 = time.perf_counter()
        fold = run_fold(PoseJob(cfg, "full", 0, 0.3), pose_data(run, show=False))
        seconds = time.perf_counter() - t0
        val = [t for t in source.load(run).trials if t.subject in fold.val_subjects]
        ratio, onsets = swing(pose_real.trained_model(fold), val, cfg)
        pct = (100 * onsets["matched within 0.15 s"] / onsets["force onsets"]).round(1)
        rows.append({"budget": budget, "seconds": round(seconds), "validation MPJPE (cm)": round(fold.val_mpjpe_cm, 2),
                     "ankle range, predicted / true": round(ratio, 2),
                     "onsets matched, predicted poses (%)": pct.get("predicted"),
                     "onsets matched, true poses (%)": pct.get("true"), "force onsets": int(onsets["force onsets"].max())})
    print(pd.DataFrame(rows).set_index("budget").to_string())


if __name__ == "__main__":
    main(sys.argv[1:] or BUDGETS)
