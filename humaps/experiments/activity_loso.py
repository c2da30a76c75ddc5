"""Subject-wise cross-validation of the section-7 strategies (Tables 7–8), on the shared runner, with
nested selection.

A job trains one strategy, with one candidate setting, on the training subjects of its fold and
predicts the fold's test windows (:func:`run_fold`). Each fold's training subjects are split once
more: ``val_subjects`` of them (drawn from the training subjects alone) select what is chosen by
looking at results — the epoch (early stopping on validation balanced accuracy) and, for the
strategies that see poses, the pose-facing option (``pose_heading_grid``); the others train. A
test subject's windows never reach training or selection (:func:`select`).

Seeds depend on the fold only, so a fold's selected ``skeleton`` model *is* the teacher of that
fold's ``student_teacher`` jobs: it is handed to them once every skeleton candidate of the fold is
trained and one is selected, not retrained. Jobs run through
:func:`humaps.experiments.crossval.run_jobs` (cached per job, in parallel processes; results do
not depend on the number of workers).

Folds: ``config.n_folds == 0`` holds out one subject per fold (the paper's protocol); ``k``
uses k subject folds (:func:`humaps.data.splits.subject_folds`), so every subject is still tested
exactly once.

Predictions come back as one tidy DataFrame, one row per (selected job, test window):
strategy, alpha, distill_loss, main (the run Tables 7–8 use), fold, subject, true, pred. The table
helpers below read it; :attr:`ActivityResults.selection` lists every candidate and what it scored
on the validation subjects.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from humaps.actions import ACTIONS, CATEGORIES, CLASS_NAMES
from humaps.config import update
from humaps.data.features import ActivityWindows
from humaps.data.splits import FoldSplit, split_fold, subject_folds
from humaps.experiments.activity_config import ActivityConfig
from humaps.experiments.crossval import FoldResult, run_jobs
from humaps.strategies import NAMES as STRATEGIES
from humaps.strategies import strategy as get_strategy
from humaps.training.activity import TrainedActivityModel, fit_strategy

PRED_COLUMNS = ["strategy", "alpha", "distill_loss", "main", "fold", "subject", "true", "pred"]


# --------------------------------------------------------------------------- jobs

def folds_of(config: ActivityConfig, subjects) -> list[tuple[str, ...]]:
    """Test subjects of each fold of ``config.n_folds``."""
    return subject_folds(subjects, config.n_folds, seed=config.train.seed)


def fold_split(config: ActivityConfig, subject: np.ndarray, fold: int) -> FoldSplit:
    """The three-way subject split of ``fold`` (:func:`humaps.data.splits.split_fold`)."""
    return split_fold(subject, config.n_folds, fold, n_val=config.val_subjects, seed=config.train.seed)


@dataclass(frozen=True)
class ActivityJob:
    """One strategy on one fold with one candidate ``pose_heading`` (None: the config's);
    ``alpha``/``distill_loss``/``teacher`` for student_teacher only."""

    config: ActivityConfig
    strategy: str
    fold: int
    alpha: float | None = None
    distill_loss: str | None = None
    pose_heading: str | None = None
    teacher: TrainedActivityModel | None = field(default=None, repr=False, compare=False)  # the fold's selected skeleton

    @property
    def seed(self) -> int:
        """One seed per fold, shared by all strategies of the fold (so the teacher is the skeleton model)."""
        return self.config.train.seed * 1000 + self.fold

    def trained_config(self) -> ActivityConfig:
        return self.config if self.pose_heading is None else update(self.config, pose_heading=self.pose_heading)


@dataclass
class ActivityFold(FoldResult):
    subject: np.ndarray = None  # (n_test,) str
    true: np.ndarray = None  # (n_test,) int
    pred: np.ndarray = None  # (n_test,) int
    val_subjects: tuple[str, ...] = ()
    val_accuracy: float = float("nan")  # validation balanced accuracy (%) of the kept epoch
    best_epoch: int = 0
    model: TrainedActivityModel | None = None  # kept for skeleton jobs (the teachers)


def run_fold(job: ActivityJob, windows: ActivityWindows) -> ActivityFold:
    """Train ``job.strategy`` on the fold's training subjects (early stopping on its validation
    subjects), predict the test subjects' windows."""
    cfg = job.trained_config()
    m = fold_split(cfg, windows.subject, job.fold)
    start = time.perf_counter()
    valid = {"insole": windows.insole[m.val], "pose": windows.pose[m.val], "labels": windows.label[m.val]}
    model = fit_strategy(job.strategy, insole=windows.insole[m.train], pose=windows.pose[m.train],
                         labels=windows.label[m.train], model_cfg=cfg.model, train_cfg=cfg.train, seed=job.seed,
                         alpha=job.alpha, distill_loss=job.distill_loss, teacher=job.teacher, valid=valid)
    seconds = time.perf_counter() - start
    uses_pose = get_strategy(job.strategy).needs_poses_at_inference
    pred = model.predict(windows.insole[m.test], windows.pose[m.test] if uses_pose else None)
    return ActivityFold(job=ActivityJob(job.config, job.strategy, job.fold, job.alpha, job.distill_loss,
                                        job.pose_heading),
                        test_subjects=m.test_subjects, n_train=len(m.train), n_test=len(m.test),
                        train_seconds=seconds, subject=np.asarray(windows.subject)[m.test],
                        true=np.asarray(windows.label)[m.test], pred=pred, val_subjects=m.val_subjects,
                        val_accuracy=model.val_accuracy, best_epoch=model.best_epoch,
                        model=model if job.strategy == "skeleton" else None)


# --------------------------------------------------------------------------- running everything

@dataclass
class ActivityResults:
    predictions: pd.DataFrame  # PRED_COLUMNS, one row per (selected job, test window)
    timings: pd.DataFrame  # strategy, alpha, distill_loss, fold, n_train, n_test, train_seconds
    folds: list[tuple[str, ...]]
    selection: pd.DataFrame = field(default_factory=pd.DataFrame)  # every candidate: what it scored, if selected


def _group(job: ActivityJob) -> tuple:
    """The jobs that compete in one selection: same strategy, fold and student setting."""
    return job.strategy, job.fold, job.alpha, job.distill_loss


def select(results: list[ActivityFold], grid: tuple) -> tuple[list[ActivityFold], pd.DataFrame]:
    """Per (strategy, fold, student setting), the candidate with the best validation balanced accuracy
    (ties: the first of ``grid``); returns the selected results and a table of every candidate."""
    order = {h: i for i, h in enumerate(grid)}
    groups: dict[tuple, list[ActivityFold]] = {}
    for r in sorted(results, key=lambda r: order.get(r.job.pose_heading, -1)):
        groups.setdefault(_group(r.job), []).append(r)
    chosen, rows = [], []
    for key, cands in groups.items():
        best = max(range(len(cands)), key=lambda i: (cands[i].val_accuracy, -i))
        chosen.append(cands[best])
        rows += [{"strategy": c.job.strategy, "fold": c.job.fold, "alpha": c.job.alpha,
                  "distill_loss": c.job.distill_loss or "", "pose_heading": c.job.pose_heading or "",
                  "validation subjects": " ".join(c.val_subjects), "validation accuracy (%)": c.val_accuracy,
                  "best epoch": c.best_epoch, "selected": i == best} for i, c in enumerate(cands)]
    return chosen, pd.DataFrame(rows)


def run_strategies(config: ActivityConfig, windows: ActivityWindows, *, strategies=STRATEGIES, sweep: bool = True,
                   cache: bool = True, progress: bool = False) -> ActivityResults:
    """Every strategy on every fold (+ the α × distillation-loss sweep of the student), each job cached,
    each fold's settings selected on its validation subjects."""
    unknown = set(strategies) - set(STRATEGIES)
    if unknown:
        raise ValueError(f"unknown strategies {sorted(unknown)}; expected among {STRATEGIES}")
    folds = folds_of(config, windows.subject)
    first = [s for s in ("insoles", "skeleton", "concat")
             if s in strategies or (s == "skeleton" and "student_teacher" in strategies)]
    headings = lambda s: config.pose_heading_grid if get_strategy(s).modality != "insole" else (None,)
    jobs = [ActivityJob(config, s, f, pose_heading=h) for s in first for f in range(len(folds)) for h in headings(s)]
    students = config.student_variants(sweep) if "student_teacher" in strategies else []
    teachers: dict[int, list[ActivityFold]] = {}

    def follow(result: ActivityFold) -> list[ActivityJob]:
        """Once every skeleton candidate of a fold is trained, the selected one teaches the fold's students."""
        if result.job.strategy != "skeleton":
            return []
        teachers.setdefault(result.job.fold, []).append(result)
        if len(teachers[result.job.fold]) < len(config.pose_heading_grid):
            return []
        (teacher,), _ = select(teachers[result.job.fold], config.pose_heading_grid)
        return [ActivityJob(config, "student_teacher", teacher.job.fold, a, loss, teacher.job.pose_heading, teacher.model)
                for a, loss in students]

    results = run_jobs(run_fold, jobs, windows, name="activity_fold", workers=config.workers,
                       threads=config.train.threads, cache=cache, follow=follow, progress=progress)
    chosen, selection = select(results, config.pose_heading_grid)
    out = collect_results(config, [r for r in chosen if r.job.strategy in strategies], folds)
    out.selection = selection[selection["strategy"].isin(strategies)].reset_index(drop=True)
    return out


def collect_results(config: ActivityConfig, results: list[ActivityFold], folds) -> ActivityResults:
    """Fold results → the tidy predictions and timings tables (strategies in the paper's order)."""
    order = {s: i for i, s in enumerate(STRATEGIES)}
    results = sorted(results, key=lambda r: (order.get(r.job.strategy, len(order)), r.job.distill_loss or "",
                                             r.job.alpha or 0.0, r.job.fold))
    preds, timings = [], []
    for r in results:
        j = r.job
        main = j.strategy != "student_teacher" or (j.alpha, j.distill_loss) == (config.alpha, config.distill_loss)
        preds.append(pd.DataFrame({
            "strategy": j.strategy, "alpha": np.nan if j.alpha is None else j.alpha,
            "distill_loss": j.distill_loss or "", "main": main, "fold": j.fold,
            "subject": r.subject, "true": r.true, "pred": r.pred}))
        timings.append({"strategy": j.strategy, "alpha": j.alpha, "distill_loss": j.distill_loss or "",
                        "fold": j.fold, "n_train": r.n_train, "n_test": r.n_test, "train_seconds": r.train_seconds})
    return ActivityResults(pd.concat(preds, ignore_index=True)[PRED_COLUMNS], pd.DataFrame(timings), folds)


# --------------------------------------------------------------------------- tables

def _main(preds: pd.DataFrame) -> pd.DataFrame:
    return preds[preds["main"]] if "main" in preds else preds


def per_subject_class_accuracy(preds: pd.DataFrame) -> pd.DataFrame:
    """Accuracy (%) of each (strategy, subject, true class): rows strategy, subject, true, accuracy."""
    p = _main(preds).assign(hit=lambda d: d["true"] == d["pred"])
    out = p.groupby(["strategy", "subject", "true"], sort=True)["hit"].mean().mul(100).rename("accuracy")
    return out.reset_index()


def table7(preds: pd.DataFrame, strategies=None) -> pd.DataFrame:
    """Class-wise accuracy (%), mean ± population std across subjects, in the paper's CSV layout.

    Columns: category, class_name, then ``<strategy>_mean``, ``<strategy>_std``
    per strategy. A subject without windows of a class does not count for it.
    """
    acc = per_subject_class_accuracy(preds)
    if strategies is None:  # the paper's four in its order, then any other (e.g. "classical")
        present = set(acc["strategy"])
        strategies = [s for s in STRATEGIES if s in present] + sorted(present - set(STRATEGIES))
    out = pd.DataFrame({"category": [c for _, c in ACTIONS], "class_name": list(CLASS_NAMES)})
    for s in strategies:
        g = acc[acc["strategy"] == s].groupby("true")["accuracy"]
        out[f"{s}_mean"] = g.mean().reindex(range(len(ACTIONS))).to_numpy()
        out[f"{s}_std"] = g.std(ddof=0).reindex(range(len(ACTIONS))).to_numpy()
    return out


def category_of(labels) -> np.ndarray:
    """Category name of each class index."""
    return np.array([ACTIONS[int(k)][1] for k in np.asarray(labels)])


def subject_category_accuracy(preds: pd.DataFrame, *, reading: str,
                              strategies=("insoles", "student_teacher")) -> pd.DataFrame:
    """Per (subject, strategy, category) accuracy (%), tidy: the long form behind Table 8.

    reading="class": among the windows of the category, the share whose class is right;
    reading="category": the share whose predicted class lies in the true category.
    """
    if reading not in ("class", "category"):
        raise ValueError(f"reading must be 'class' or 'category', got {reading!r}")
    p = _main(preds)
    p = p[p["strategy"].isin(strategies)].copy()
    p["category"] = category_of(p["true"])
    p["hit"] = (p["true"] == p["pred"]) if reading == "class" else (category_of(p["pred"]) == p["category"])
    acc = p.groupby(["subject", "strategy", "category"])["hit"].mean().mul(100).rename("accuracy")
    return acc.reset_index()


def table8(preds: pd.DataFrame, *, reading: str, strategies=("insoles", "student_teacher")) -> pd.DataFrame:
    """Per-subject accuracy (%) per category, in the paper's CSV layout (subject, ``<strategy>_<category>``)."""
    acc = subject_category_accuracy(preds, reading=reading, strategies=strategies)
    wide = acc.pivot_table(index="subject", columns=["strategy", "category"], values="accuracy")
    cols = [(s, c) for s in strategies for c in CATEGORIES]
    wide = wide.reindex(columns=pd.MultiIndex.from_tuples(cols))
    wide.columns = [f"{s}_{c.lower()}" for s, c in cols]
    return wide.sort_index().reset_index().rename(columns={"index": "subject"})


def table8_summary(t8: pd.DataFrame) -> pd.DataFrame:
    """The mean and population std rows printed under Table 8."""
    values = t8.drop(columns="subject")
    return pd.DataFrame({"mean": values.mean(), "std": values.std(ddof=0)}).T.rename_axis("statistic")


def mean_class_accuracy(preds: pd.DataFrame) -> pd.Series:
    """Mean over classes of Table 7's class accuracy (mean over subjects), per strategy (%)."""
    acc = per_subject_class_accuracy(preds)
    return acc.groupby(["strategy", "true"])["accuracy"].mean().groupby("strategy").mean().rename(
        "mean_class_accuracy")


def macro_f1(preds: pd.DataFrame) -> pd.Series:
    """Macro-F1 (%) over the 30 classes of all test windows pooled, per strategy (main runs)."""
    p = _main(preds)
    return p.groupby("strategy", sort=False).apply(
        lambda d: 100 * f1_score(d["true"], d["pred"], labels=range(len(ACTIONS)), average="macro",
                                 zero_division=0), include_groups=False).rename("macro_f1")


def confusion(preds: pd.DataFrame, strategy: str, *, level: str = "class", normalize: bool = True) -> pd.DataFrame:
    """Confusion matrix (rows true, columns predicted) at ``level`` "class" (30×30) or "category" (5×5).

    normalize=True divides each row by its count (row-wise recall, rows with no windows stay 0).
    """
    p = _main(preds)
    p = p[p["strategy"] == strategy]
    if p.empty:
        raise ValueError(f"no predictions for strategy {strategy!r}")
    if level == "class":
        names, t, q = list(CLASS_NAMES), p["true"].to_numpy(), p["pred"].to_numpy()
    elif level == "category":
        index = {c: i for i, c in enumerate(CATEGORIES)}
        names = list(CATEGORIES)
        t = np.array([index[c] for c in category_of(p["true"])])
        q = np.array([index[c] for c in category_of(p["pred"])])
    else:
        raise ValueError(f"level must be 'class' or 'category', got {level!r}")
    m = np.zeros((len(names), len(names)))
    np.add.at(m, (t, q), 1)
    if normalize:
        m = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    return pd.DataFrame(m, index=pd.Index(names, name="true"), columns=pd.Index(names, name="predicted"))


def sweep_table(preds: pd.DataFrame, *, by_fold: bool = False) -> pd.DataFrame:
    """The student's α × distillation-loss sweep: accuracy, mean class accuracy and macro-F1 (%),
    over all test windows or (``by_fold``) within each fold."""
    p = preds[preds["strategy"] == "student_teacher"]
    keys = ["distill_loss", "alpha"] + (["fold"] if by_fold else [])
    rows = []
    for key, d in p.groupby(keys, sort=True):
        per_class = d.assign(hit=d["true"] == d["pred"]).groupby(["subject", "true"])["hit"].mean()
        rows.append({**dict(zip(keys, key)), "accuracy": 100 * (d["true"] == d["pred"]).mean(),
                     "mean_class_accuracy": 100 * per_class.groupby("true").mean().mean(),
                     "macro_f1": 100 * f1_score(d["true"], d["pred"], labels=range(len(ACTIONS)),
                                                average="macro", zero_division=0)})
    return pd.DataFrame(rows)
