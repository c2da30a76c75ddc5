"""Subject-wise k-fold cross-validation of the section-6 pose model (Tables 4–6), with nested selection.

Each outer fold splits the subjects three ways (:func:`fold_split`): its **test** subjects, scored
once at the end; ``val_subjects`` of the remaining subjects for **validation**, drawn from them
alone; and the others for **training**. Every setting chosen by looking at results is chosen on
the validation subjects only:

- the epoch: training keeps the weights of the epoch with the lowest validation MPJPE (early
  stopping, :func:`humaps.training.pose.train_pose_model`);
- the MPJAE loss weight: one job per candidate of ``w_mpjae_grid``, the fold keeps the candidate
  with the lowest validation MPJPE (:func:`select`). The ablations change one thing each: without
  the MPJAE loss the weight is 0; without the cycle networks it is the weight the full model
  selected in that fold.

A test subject's windows never reach training or selection. Scores are kept per fold (Table 4
layout) and per test subject (:attr:`PoseFold.per_subject`): every subject is tested exactly
once, so the per-subject scores of all folds are the units the verdicts resample
(:mod:`humaps.verdicts`). Folds run through :func:`humaps.experiments.crossval.run_jobs`
(cached per job, optionally in parallel processes).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.config import update
from humaps.data.features import PoseSequences
from humaps.data.splits import FoldSplit, split_fold
from humaps.experiments.crossval import FoldResult, run_jobs
from humaps.experiments.pose_config import VARIANTS, PoseConfig
from humaps.experiments.pose_frames import FRAMES, HeadingGuess
from humaps.metrics import FrameErrors, mean_std_over_folds
from humaps.models.pose_net import PoseNetConfig
from humaps.training.pose import predict, train_pose_model

#: per-subject columns: the Global metrics and the two aggregates claim C1 compares
SUBJECT_COLUMNS = {"mpjpe_cm": ("Global", "mpjpe_cm"), "instability_cm": ("Global", "instability_cm"),
                   "mpjae_deg": ("Global", "mpjae_deg"), "upper_mpjpe_cm": ("Upper Body", "mpjpe_cm"),
                   "lower_mpjpe_cm": ("Lower Body", "mpjpe_cm")}


def fold_split(config: PoseConfig, data: PoseSequences, fold: int) -> FoldSplit:
    """The three-way split of ``fold``, after the profile's seeded subsampling of each part.

    Validation subjects are drawn from the fold's training subjects with a seed of the fold alone.
    """
    split = split_fold(data.subject, config.n_folds, fold, n_val=config.val_subjects, seed=config.train.seed)
    rng = np.random.default_rng(config.train.seed * 1000 + fold)
    parts = [np.sort(rng.choice(idx, cap, replace=False)) if cap and len(idx) > cap else idx
             for idx, cap in ((split.train, config.max_train_windows), (split.val, config.val_windows),
                              (split.test, config.max_test_windows))]
    return dataclasses.replace(split, train=parts[0], val=parts[1], test=parts[2])


def score(pred: np.ndarray, test: PoseSequences, guess: HeadingGuess
          ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Heading-frame predictions (N,T,24,3) scored in both frames: ({frame: Table-4 layout},
    {frame: DataFrame subject × :data:`SUBJECT_COLUMNS`}), from per-frame errors computed once.

    Joint angles do not depend on the heading, so the paper frame's MPJAE is the heading frame's
    (the heading guess shrinks horizontal coordinates, which would distort angles it cannot know).
    """
    heading = FrameErrors(pred, test.J)
    errors = {"heading": heading, "paper": FrameErrors(guess.to_paper(pred), test.J_paper, angles=heading.angles)}
    subjects = np.unique(test.subject)
    tables, per_subject = {}, {}
    for frame, e in errors.items():
        tables[frame] = e.table()
        rows = [e.table(test.subject == s) for s in subjects]
        per_subject[frame] = pd.DataFrame([[t.loc[r, c] for r, c in SUBJECT_COLUMNS.values()] for t in rows],
                                          index=pd.Index(subjects, name="subject"), columns=list(SUBJECT_COLUMNS))
    return tables, per_subject


@dataclass(frozen=True)
class PoseJob:
    """One fold of one variant (or baseline, see :mod:`~humaps.experiments.pose_baselines`) with one
    candidate setting (``w_mpjae``: None = the variant's own)."""

    config: PoseConfig
    variant: str
    fold: int
    w_mpjae: float | None = None
    checkpoint_dir: str | None = field(default=None, repr=False, compare=False)  # not part of the cache key

    def trained_config(self) -> PoseConfig:
        cfg = self.config.variant(self.variant)
        return cfg if self.w_mpjae is None else update(cfg, w_mpjae=self.w_mpjae)


@dataclass
class PoseFold(FoldResult):
    """A fold's scores in both frames and, for trained models, what the chapters show of it.

    ``tables``: {frame: Table-4 DataFrame}; ``per_subject``: {frame: subject × :data:`SUBJECT_COLUMNS`};
    ``val_subjects``/``val_mpjpe_cm``/``best_epoch``/``setting``: what selection saw and chose;
    ``predictions``: ``plot_windows`` test windows (pred, true (n,T,24,3) m heading frame; yaw (n,T);
    label, subject, trial, t0).
    """

    tables: dict = field(default_factory=dict)
    per_subject: dict = field(default_factory=dict)
    val_subjects: tuple[str, ...] = ()
    val_mpjpe_cm: float = float("nan")
    best_epoch: int = 0
    setting: dict = field(default_factory=dict)
    curves: list = field(default_factory=list)
    cycle_curves: list = field(default_factory=list)
    cycle_errors: dict = field(default_factory=dict)
    predictions: dict = field(default_factory=dict)
    inference_frames_per_s: float = float("nan")
    model_config: PoseNetConfig | None = None
    model_state: dict | None = None

    def metrics(self, frame: str = "heading") -> dict[str, float]:
        """The Global row of this fold's table in ``frame``."""
        return self.tables[frame].loc["Global", ["mpjpe_cm", "instability_cm", "mpjae_deg"]].to_dict()


def run_fold(job: PoseJob, data: PoseSequences) -> PoseFold:
    """Train ``job``'s setting on the fold's training subjects, keep its best epoch on the validation
    subjects, score it on the test subjects."""
    cfg = job.trained_config()
    if abs(data.fs - cfg.fs_hz) > 1e-6:
        raise ValueError(f"pose sequences are at fs={data.fs} Hz but PoseConfig.fs_hz={cfg.fs_hz}: "
                         "the cycle networks' velocities would be mis-scaled; build windows at fs_hz")
    split = fold_split(cfg, data, job.fold)
    train, val, test = data.take(split.train), data.take(split.val), data.take(split.test)
    t0 = time.perf_counter()
    result = train_pose_model(cfg.model, cfg.train, train, valid=val, checkpoint_dir=job.checkpoint_dir)
    train_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = predict(result.model, test.P, test.A)
    infer_s = time.perf_counter() - t0
    errors = {} if result.cycle is None else {name: result.cycle.errors(part, result.stats)
                                               for name, part in (("train", train), ("test", test))}
    keep = np.sort(np.random.default_rng(cfg.train.seed + job.fold).permutation(len(test))[:cfg.plot_windows])
    tables, per_subject = score(pred, test, HeadingGuess.fit(train.yaw))
    return PoseFold(
        job=job, test_subjects=tuple(split.test_subjects), n_train=len(train), n_test=len(test),
        train_seconds=train_seconds, tables=tables, per_subject=per_subject,
        val_subjects=split.val_subjects, val_mpjpe_cm=result.best_valid_mpjpe_cm, best_epoch=result.best_epoch,
        setting={"w_mpjae": cfg.train.w_mpjae}, curves=result.curves,
        cycle_curves=[] if result.cycle is None else result.cycle.curves, cycle_errors=errors,
        predictions={"pred": pred[keep], "true": test.J[keep], "yaw": test.yaw[keep], "label": test.label[keep],
                     "subject": test.subject[keep], "trial": test.trial[keep], "t0": test.t0[keep]},
        inference_frames_per_s=pred.shape[0] * pred.shape[1] / max(infer_s, 1e-9),
        model_config=cfg.model, model_state={k: v.clone() for k, v in result.model.state_dict().items()})


@dataclass
class PoseCV:
    """All folds of one method (a model variant or a baseline), in fold order, and what each fold's
    selection compared (``candidates``: fold, setting, validation MPJPE, best epoch, selected)."""

    name: str
    folds: list[PoseFold]
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self, frame: str = "heading") -> pd.DataFrame:
        """Table 4 layout with ``<metric>_mean`` / ``<metric>_std`` over folds (the paper's ±)."""
        if frame not in FRAMES:
            raise ValueError(f"frame must be one of {tuple(FRAMES)}, got {frame!r}")
        return mean_std_over_folds([f.tables[frame] for f in self.folds])

    def per_fold(self, frame: str = "heading", metric: str = "mpjpe_cm") -> np.ndarray:
        """(n_folds,) the Global ``metric`` of each fold."""
        return np.array([f.metrics(frame)[metric] for f in self.folds])

    def per_subject(self, frame: str = "heading", metric: str = "mpjpe_cm") -> pd.Series:
        """``metric`` (a :data:`SUBJECT_COLUMNS` name) of every test subject, all folds, by subject id."""
        return pd.concat([f.per_subject[frame][metric] for f in self.folds]).sort_index()

    def mean(self, frame: str = "heading", metric: str = "mpjpe_cm") -> float:
        return float(self.per_fold(frame, metric).mean())


def select(folds: list[PoseFold]) -> tuple[list[PoseFold], pd.DataFrame]:
    """Per fold, the candidate with the lowest validation MPJPE (ties: the first in the grid);
    returns the chosen folds in fold order and the table of every candidate."""
    by_fold: dict[int, list[PoseFold]] = {}
    for f in sorted(folds, key=lambda f: (f.job.fold, f.job.w_mpjae is None, f.job.w_mpjae or 0.0)):
        by_fold.setdefault(f.job.fold, []).append(f)
    chosen, rows = [], []
    for k, cands in sorted(by_fold.items()):
        best = min(range(len(cands)), key=lambda i: (cands[i].val_mpjpe_cm, i))
        chosen.append(cands[best])
        rows += [{"fold": k, **c.setting, "validation subjects": " ".join(c.val_subjects),
                  "validation MPJPE (cm)": c.val_mpjpe_cm, "best epoch": c.best_epoch, "selected": i == best}
                 for i, c in enumerate(cands)]
    return chosen, pd.DataFrame(rows)


def _jobs(config: PoseConfig, data: PoseSequences, variant: str, checkpoint_root, cache: bool) -> list[PoseJob]:
    """The candidate jobs of every fold: the MPJAE weight grid for the full model, the full model's
    selected weight for the cycle ablation, 0 for the MPJAE ablation."""
    ckpt = lambda k, w: None if checkpoint_root is None else str(Path(checkpoint_root) / f"{variant}_fold{k}_w{w}")
    if variant == "no_mpjae" or not config.w_mpjae_grid:
        return [PoseJob(config, variant, k, None, ckpt(k, "")) for k in range(config.n_folds)]
    if variant == "full":
        # weight-major: a fold's candidates share its cycle networks (cached), so they should not start
        # together on two workers, each pretraining the same networks
        return [PoseJob(config, variant, k, w, ckpt(k, w)) for w in config.w_mpjae_grid for k in range(config.n_folds)]
    full = run_cv(config, data, "full", cache=cache, checkpoint_root=checkpoint_root)  # cached: trained once
    return [PoseJob(config, variant, f.job.fold, f.job.w_mpjae, ckpt(f.job.fold, f.job.w_mpjae)) for f in full.folds]


def run_cv(config: PoseConfig, data: PoseSequences, variant: str = "full", *, cache: bool = True,
           progress: bool = False, checkpoint_root: str | Path | None = None) -> PoseCV:
    """All folds of ``variant``, each with its settings selected on validation subjects
    (config.workers processes of config.train.threads threads each).

    ``checkpoint_root``: per-job checkpoint folders, so an interrupted run resumes mid-fold.
    """
    return run_cvs(config, data, (variant,), cache=cache, progress=progress, checkpoint_root=checkpoint_root)[variant]


def run_cvs(config: PoseConfig, data: PoseSequences, variants: tuple[str, ...], *, cache: bool = True,
            progress: bool = False, checkpoint_root: str | Path | None = None) -> dict[str, PoseCV]:
    """{variant: :func:`run_cv`} with every variant's jobs in one process pool: the workers start once,
    and no worker waits for the last fold of one variant while another variant has folds to train."""
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown pose variants {unknown}; expected among {tuple(VARIANTS)}")
    jobs = [job for v in variants for job in _jobs(config, data, v, checkpoint_root, cache)]
    results = run_jobs(run_fold, jobs, data, name="pose_fold", workers=config.workers,
                       threads=max(1, config.train.threads), cache=cache, progress=progress)
    out = {}
    for v in variants:
        chosen, candidates = select([r for r in results if r.job.variant == v])
        out[v] = PoseCV(v, chosen, candidates)
    return out
