"""Subject-wise cross-validation of the section-7 strategies, and the tables of Tables 7–8.

A fold job is a pure function of a picklable :class:`FoldSpec` and the window
arrays: it trains one strategy on every subject but the fold's test subjects
and returns the predictions on those (:func:`run_fold`). Seeds depend on the
fold only, so the ``skeleton`` model of a fold *is* the teacher of that fold's
``student_teacher`` jobs (it is passed to them, not retrained).
:func:`run_strategies` runs all jobs in parallel processes (one torch thread
each; results do not depend on the number of workers) and caches the result
with :func:`humaps.cache.cached` under the configuration and a digest of the data.

Folds: ``config.folds == "loso"`` holds out one subject per fold (the paper's
protocol, 32 folds); ``"k"`` deals the sorted subjects into k groups
(S01→1, S02→2, …), so every subject is still tested exactly once.

Predictions come back as one tidy DataFrame, one row per (job, test window):
strategy, alpha, distill_loss, main (the run Tables 7–8 use), fold, subject,
true, pred. The table helpers below read it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from tqdm.auto import tqdm

from humaps.actions import ACTIONS, CATEGORIES, CLASS_NAMES
from humaps.cache import cached
from humaps.experiments.activity_config import STRATEGIES, ActivityConfig
from humaps.training.activity import TrainedActivityModel, fit_strategy

PRED_COLUMNS = ["strategy", "alpha", "distill_loss", "main", "fold", "subject", "true", "pred"]


# --------------------------------------------------------------------------- folds and jobs

def make_folds(subjects, folds: str) -> list[tuple[str, ...]]:
    """Test subjects of each fold: "loso" -> one per subject; "k" -> k round-robin groups of sorted subjects."""
    names = sorted(set(np.asarray(subjects).tolist()))
    if folds == "loso":
        return [(s,) for s in names]
    k = int(folds)
    if not 2 <= k <= len(names):
        raise ValueError(f"folds={folds!r}: need 2 <= k <= number of subjects ({len(names)})")
    return [tuple(names[i::k]) for i in range(k)]


@dataclass(frozen=True)
class FoldSpec:
    """Everything a fold job depends on besides the window arrays (picklable)."""

    config: ActivityConfig
    strategy: str
    fold: int
    test_subjects: tuple[str, ...]
    seed: int
    alpha: float | None = None  # student_teacher only
    distill_loss: str | None = None  # student_teacher only
    teacher: TrainedActivityModel | None = None  # student_teacher: this fold's skeleton model


@dataclass
class FoldResult:
    spec: FoldSpec
    subject: np.ndarray  # (n_test,) str
    true: np.ndarray  # (n_test,) int
    pred: np.ndarray  # (n_test,) int
    train_seconds: float
    n_train: int
    model: TrainedActivityModel | None = None  # kept for skeleton jobs (the teachers)


def fold_seed(config: ActivityConfig, fold: int) -> int:
    """One seed per fold, shared by all strategies of the fold (so the teacher is the skeleton model)."""
    return config.seed * 1000 + fold


def run_fold(spec: FoldSpec, windows) -> FoldResult:
    """Train ``spec.strategy`` on the other subjects, predict the test subjects' windows."""
    cfg = spec.config
    test = np.isin(windows.subject, spec.test_subjects)
    if not test.any() or test.all():
        raise ValueError(f"fold {spec.fold}: test subjects {spec.test_subjects} leave no test or no train windows")
    train = ~test
    start = time.perf_counter()
    model = fit_strategy(spec.strategy, insole=windows.insole[train], pose=windows.pose[train],
                         labels=windows.label[train], config=cfg, seed=spec.seed, alpha=spec.alpha,
                         distill_loss=spec.distill_loss, teacher=spec.teacher, progress=False)
    seconds = time.perf_counter() - start
    uses_pose = spec.strategy in ("skeleton", "concat")  # student_teacher: insoles only at inference
    pred = model.predict(windows.insole[test], windows.pose[test] if uses_pose else None)
    return FoldResult(spec=dataclasses.replace(spec, teacher=None), subject=np.asarray(windows.subject)[test],
                      true=np.asarray(windows.label)[test], pred=pred, train_seconds=seconds,
                      n_train=int(train.sum()), model=model if spec.strategy == "skeleton" else None)


_WINDOWS = None  # the window arrays, set once per worker process


def _init_worker(windows, threads: int) -> None:
    global _WINDOWS
    import torch

    _WINDOWS = windows
    torch.set_num_threads(threads)


def _run_in_worker(spec: FoldSpec) -> FoldResult:
    return run_fold(spec, _WINDOWS)


@dataclass(frozen=True)
class WindowArrays:
    """The arrays a fold job reads (a picklable copy of ``ActivityWindows``' fields)."""

    insole: np.ndarray
    pose: np.ndarray
    label: np.ndarray
    subject: np.ndarray

    @classmethod
    def of(cls, windows) -> "WindowArrays":
        return cls(np.asarray(windows.insole), np.asarray(windows.pose), np.asarray(windows.label),
                   np.asarray(windows.subject).astype(str))

    def digest(self) -> str:
        h = hashlib.sha256()
        for a in (self.insole, self.pose, self.label, self.subject):
            h.update(str(a.shape).encode() + str(a.dtype).encode())
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()[:20]


# --------------------------------------------------------------------------- running everything

@dataclass
class ActivityResults:
    predictions: pd.DataFrame  # PRED_COLUMNS, one row per (job, test window)
    timings: pd.DataFrame  # strategy, alpha, distill_loss, fold, n_train, n_test, train_seconds
    folds: list[tuple[str, ...]]


def run_strategies(config: ActivityConfig, windows, *, strategies=STRATEGIES, sweep: bool = True,
                   cache: bool = True, n_workers: int | None = None) -> ActivityResults:
    """Every strategy on every fold (+ the α × distillation-loss sweep of the student), cached."""
    data = WindowArrays.of(windows)
    unknown = set(strategies) - set(STRATEGIES)
    if unknown:
        raise ValueError(f"unknown strategies {sorted(unknown)}; expected among {STRATEGIES}")
    # the key omits what cannot change the result (worker count, progress bars)
    key = (dataclasses.replace(config, n_workers=1, progress=False), tuple(strategies), sweep, data.digest())
    return cached("activity_loso", key,
                  lambda: _run(config, data, tuple(strategies), sweep, n_workers or config.n_workers),
                  enabled=cache)


def _student_variants(config: ActivityConfig, sweep: bool) -> list[tuple[float, str]]:
    variants = [(config.alpha, config.distill_loss)]
    if sweep:
        variants += [(a, l) for l in config.distill_losses for a in config.alphas if (a, l) != variants[0]]
    return variants


def _run(config: ActivityConfig, data: WindowArrays, strategies: tuple[str, ...], sweep: bool,
         n_workers: int) -> ActivityResults:
    folds = make_folds(data.subject, config.folds)
    first = [s for s in ("insoles", "skeleton", "concat")
             if s in strategies or (s == "skeleton" and "student_teacher" in strategies)]
    specs = [FoldSpec(config, s, f, test, fold_seed(config, f)) for s in first for f, test in enumerate(folds)]
    students = _student_variants(config, sweep) if "student_teacher" in strategies else []

    def student_specs(result: FoldResult) -> list[FoldSpec]:
        f = result.spec.fold
        return [FoldSpec(config, "student_teacher", f, folds[f], fold_seed(config, f), a, l, result.model)
                for a, l in students]

    results: list[FoldResult] = []
    bar = tqdm(total=len(specs) + len(students) * len(folds), desc="activity folds", disable=not config.progress)
    if n_workers == 1:  # in-process, same per-job seeds and thread count as the workers
        import torch

        threads = torch.get_num_threads()
        queue = list(specs)
        while queue:
            r = run_fold(queue.pop(0), data)
            results.append(r)
            bar.update()
            if r.spec.strategy == "skeleton":
                queue += student_specs(r)
        torch.set_num_threads(threads)
    else:
        ctx = multiprocessing.get_context("spawn")  # no fork after torch has started its thread pools
        with ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(data, config.threads)) as pool:
            pending = {pool.submit(_run_in_worker, s) for s in specs}
            while pending:  # a fold's student jobs start as soon as its teacher is trained
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    r = future.result()
                    results.append(r)
                    bar.update()
                    if r.spec.strategy == "skeleton":
                        pending |= {pool.submit(_run_in_worker, s) for s in student_specs(r)}
    bar.close()
    kept = [r for r in results if r.spec.strategy in strategies]
    order = {s: i for i, s in enumerate(STRATEGIES)}
    kept.sort(key=lambda r: (order[r.spec.strategy], r.spec.distill_loss or "", r.spec.alpha or 0.0, r.spec.fold))
    preds, timings = [], []
    for r in kept:
        s = r.spec
        main = s.strategy != "student_teacher" or (s.alpha, s.distill_loss) == (config.alpha, config.distill_loss)
        preds.append(pd.DataFrame({
            "strategy": s.strategy, "alpha": np.nan if s.alpha is None else s.alpha,
            "distill_loss": s.distill_loss or "", "main": main, "fold": s.fold,
            "subject": r.subject, "true": r.true, "pred": r.pred}))
        timings.append({"strategy": s.strategy, "alpha": s.alpha, "distill_loss": s.distill_loss or "",
                        "fold": s.fold, "n_train": r.n_train, "n_test": len(r.true),
                        "train_seconds": r.train_seconds})
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


def table8(preds: pd.DataFrame, *, reading: str, strategies=("insoles", "student_teacher")) -> pd.DataFrame:
    """Per-subject accuracy (%) per category, in the paper's CSV layout (subject, ``<strategy>_<category>``).

    reading="class": among the windows of the category, the share whose class is right;
    reading="category": the share whose predicted class lies in the true category.
    """
    if reading not in ("class", "category"):
        raise ValueError(f"reading must be 'class' or 'category', got {reading!r}")
    p = _main(preds)
    p = p[p["strategy"].isin(strategies)].copy()
    p["category"] = category_of(p["true"])
    p["hit"] = (p["true"] == p["pred"]) if reading == "class" else (category_of(p["pred"]) == p["category"])
    acc = p.groupby(["subject", "strategy", "category"])["hit"].mean().mul(100).unstack(["strategy", "category"])
    cols = [(s, c) for s in strategies for c in CATEGORIES]
    acc = acc.reindex(columns=pd.MultiIndex.from_tuples(cols))
    acc.columns = [f"{s}_{c.lower()}" for s, c in cols]
    return acc.sort_index().reset_index().rename(columns={"index": "subject"})


def table8_summary(t8: pd.DataFrame) -> pd.DataFrame:
    """The mean and population std rows printed under Table 8."""
    values = t8.drop(columns="subject")
    return pd.DataFrame({"mean": values.mean(), "std": values.std(ddof=0)}).T.rename_axis("statistic")


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


def sweep_table(preds: pd.DataFrame) -> pd.DataFrame:
    """The student's α × distillation-loss sweep: accuracy, mean class accuracy and macro-F1 (%)."""
    p = preds[preds["strategy"] == "student_teacher"]
    rows = []
    for (loss, alpha), d in p.groupby(["distill_loss", "alpha"], sort=True):
        per_class = d.assign(hit=d["true"] == d["pred"]).groupby(["subject", "true"])["hit"].mean()
        rows.append({"distill_loss": loss, "alpha": alpha, "accuracy": 100 * (d["true"] == d["pred"]).mean(),
                     "mean_class_accuracy": 100 * per_class.groupby("true").mean().mean(),
                     "macro_f1": 100 * f1_score(d["true"], d["pred"], labels=range(len(ACTIONS)),
                                                average="macro", zero_division=0)})
    return pd.DataFrame(rows)


__all__ = ["FoldSpec", "FoldResult", "ActivityResults", "WindowArrays", "make_folds", "fold_seed", "run_fold",
           "run_strategies", "table7", "table8", "table8_summary", "macro_f1", "confusion", "sweep_table",
           "per_subject_class_accuracy", "category_of"]
