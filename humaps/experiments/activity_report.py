"""The effects that decide the section-7 claims (C6–C11 of the claims ledger), and the two readings of Table 8.

On this run the units are the **test subjects**: each is tested exactly once, by every strategy in
the same fold, so per-subject accuracies pair up across strategies and the verdicts resample
subjects (:func:`humaps.verdicts.bootstrap`). The paper's Table 7 prints only means over subjects
per class, so its class-level claims resample the 30 classes (within their groups where a claim
compares groups); its Table 8 prints per-subject values, so C11 resamples subjects in both columns.
Whether an effect makes its claim hold is decided by the rule of :mod:`humaps.verdicts`, over the
family of the section's claims (:mod:`humaps.book.claims`).

Ties are shared: a strategy whose class accuracy equals the best counts as best in that class
(C6), and the evidence says how many classes were tied.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from humaps.actions import ACTIONS, CATEGORIES, CLASS_NAMES
from humaps.experiments.activity_loso import per_subject_class_accuracy
from humaps.strategies import NAMES as STRATEGIES
from humaps.verdicts import (
    Effect,
    Verdict,
    bootstrap,
    decide_family,
    paired_mean,
    verdict,
)

#: section 7.1's hard cases for insoles: actions driven by the upper body, and actions without
#: ground contact (the jumps of the Dynamic category)
UPPER_BODY_ACTIONS = ("Leaning forward", "Leaning backward", "Leaning to the side", "Lifting the bag with one hand",
                      "Lifting the bag with two hands", "Putting left hand on the ground",
                      "Putting right hand on the ground")
NO_CONTACT_ACTIONS = tuple(name for name, category in ACTIONS if category == "Dynamic")
HARD_FOR_INSOLES = UPPER_BODY_ACTIONS + NO_CONTACT_ACTIONS
HARD = np.isin(np.array(CLASS_NAMES), HARD_FOR_INSOLES)  # (30,) bool
CATEGORY = np.array([c for _, c in ACTIONS])  # (30,) category of each class
CHANCE = 100 / len(ACTIONS)


def fold_accuracy(preds: pd.DataFrame, strategy: str) -> np.ndarray:
    """(folds,) mean class accuracy (%) of ``strategy``'s main run within each fold's test subjects."""
    from humaps.experiments.activity_loso import table7

    p = preds[(preds["strategy"] == strategy) & preds["main"]]
    return np.array([table7(d)[f"{strategy}_mean"].mean() for _, d in p.groupby("fold", sort=True)])


def class_accuracy_cube(preds: pd.DataFrame, strategies) -> tuple[np.ndarray, list[str]]:
    """(subjects, 30 classes, strategies) accuracy (%) of each test subject, NaN where a subject has no
    window of a class; and the subject ids."""
    acc = per_subject_class_accuracy(preds)
    acc = acc[acc["strategy"].isin(strategies)]
    cube = acc.pivot_table(index="subject", columns=["true", "strategy"], values="accuracy")
    cols = pd.MultiIndex.from_product([range(len(ACTIONS)), list(strategies)])
    cube = cube.reindex(columns=cols)
    return cube.to_numpy().reshape(len(cube), len(ACTIONS), len(strategies)), list(cube.index)


def subject_accuracy(preds: pd.DataFrame, strategies=STRATEGIES) -> pd.DataFrame:
    """Rows test subject, columns strategy: the mean over classes of the subject's class accuracy (%)."""
    cube, subjects = class_accuracy_cube(preds, list(strategies))
    with np.errstate(all="ignore"):
        return pd.DataFrame(np.nanmean(cube, axis=1), index=pd.Index(subjects, name="subject"), columns=list(strategies))


# --------------------------------------------------------------------------- C6–C8: per class

def _class_means(x: np.ndarray) -> np.ndarray:
    """(B, subjects, classes, ...) → (B, classes, ...): Table 7's means over subjects, NaN-aware."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a class no resampled subject has stays NaN
        return np.nanmean(x, axis=1)


def concat_best_share(means: np.ndarray) -> np.ndarray:
    """(B, classes, strategies) class accuracies → (B,) share of classes (%) where concat is best or tied
    for best, minus 50 (> 0: a majority). Classes without every strategy's accuracy do not count."""
    k = STRATEGIES.index("concat")
    scored = np.isfinite(means).all(axis=-1)  # (B, classes)
    best = means[..., k] >= np.nanmax(np.where(scored[..., None], means, -np.inf), axis=-1)  # ties count as best
    return 100 * (best & scored).sum(-1) / np.maximum(scored.sum(-1), 1) - 50


def locomotion_gap(insoles: np.ndarray) -> np.ndarray:
    """(B, 30) insole class accuracies (class positions fixed) → (B,) Locomotion's category mean minus
    the best other category's (points)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cats = np.stack([np.nanmean(insoles[:, CATEGORY == c], axis=1) for c in CATEGORIES], axis=1)  # (B, 5)
    loc = list(CATEGORIES).index("Locomotion")
    return cats[:, loc] - np.nanmax(np.delete(cats, loc, axis=1), axis=1)


def hard_gap(insoles: np.ndarray) -> np.ndarray:
    """(B, 30) insole class accuracies → (B,) the other actions' mean minus the hard ones' (points)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(insoles[:, ~HARD], axis=1) - np.nanmean(insoles[:, HARD], axis=1)


def _ties_text(means: np.ndarray) -> str:
    """For one (classes, strategies) table: in how many classes concat is best, alone or tied."""
    k = STRATEGIES.index("concat")
    m = means[np.isfinite(means).all(axis=1)]
    top = m >= m.max(axis=1, keepdims=True)
    return (f"concatenation best in {int(top[:, k].sum())} of {len(m)} classes "
            f"({int((top[:, k] & (top.sum(axis=1) > 1)).sum())} of them tied with another strategy)")


def class_effects_by_subject(cube: np.ndarray) -> dict[str, Effect]:
    """C6–C8 on this run: ``cube`` (subjects, 30, strategies) per-subject class accuracies, the
    subjects resampled; each resample is turned into its Table 7 before the statistic."""
    ins = STRATEGIES.index("insoles")
    means = _class_means(cube[None])[0]  # (30, strategies)
    return {"C6": bootstrap(lambda x: concat_best_share(_class_means(x)), cube, scale="share",
                            compared=_ties_text(means)),
            "C7": bootstrap(lambda x: locomotion_gap(_class_means(x)[..., ins]), cube, scale="points",
                            compared=_categories_text(means[:, ins])),
            "C8": bootstrap(lambda x: hard_gap(_class_means(x)[..., ins]), cube, scale="points",
                            compared=_hard_text(means[:, ins]))}


def class_effects_by_class(table: np.ndarray) -> dict[str, Effect]:
    """C6–C8 on a printed Table 7: ``table`` (30, strategies) class means, the classes resampled (within
    their category for C7, within hard / other for C8, so every group keeps its size)."""
    ins = STRATEGIES.index("insoles")
    cat = np.array([list(CATEGORIES).index(c) for c in CATEGORY])
    return {"C6": bootstrap(concat_best_share, table, scale="share", unit="classes", compared=_ties_text(table)),
            "C7": bootstrap(lambda x: locomotion_gap(x[..., ins]), table, scale="points", unit="classes",
                            strata=cat, compared=_categories_text(table[:, ins])),
            "C8": bootstrap(lambda x: hard_gap(x[..., ins]), table, scale="points", unit="classes",
                            strata=HARD.astype(int), compared=_hard_text(table[:, ins]))}


def _categories_text(ins: np.ndarray) -> str:
    return "insoles only: " + ", ".join(f"{c} {np.nanmean(ins[CATEGORY == c]):.1f} %" for c in CATEGORIES)


def _hard_text(ins: np.ndarray) -> str:
    return (f"insoles only: {np.nanmean(ins[HARD]):.1f} % on the {int(HARD.sum())} upper-body and no-contact classes "
            f"vs {np.nanmean(ins[~HARD]):.1f} % on the other {int((~HARD).sum())}")


# --------------------------------------------------------------------------- C9–C11: per subject

def _paired_points(a: pd.Series, b: pd.Series, what: str, unit: str = "subjects") -> Effect:
    b = b.reindex(a.index)
    return paired_mean(a.to_numpy(), b.to_numpy(), scale="points", unit=unit,
                       compared=f"{what}: {a.mean():.1f} vs {b.mean():.1f} % (mean over {len(a)} {unit})")


def alpha_half_best(sweep: pd.DataFrame, loss: str) -> Effect:
    """C10: per test subject, the student's mean class accuracy at α = 0.5 minus the best other α's
    (with distillation ``loss``); ``sweep``: rows (distill_loss, alpha, subject, accuracy)."""
    wide = sweep[sweep["distill_loss"] == loss].pivot_table(index="subject", columns="alpha", values="accuracy")
    if 0.5 not in wide.columns or wide.shape[1] < 2:
        return None
    others = [a for a in wide.columns if a != 0.5]
    data = wide[[0.5, *others]].to_numpy()  # (subjects, alphas), α = 0.5 first
    means = ", ".join(f"α={a:g}: {v:.1f} %" for a, v in wide.mean().items())
    return bootstrap(lambda x: np.nanmean(x[..., 0], axis=-1) - np.nanmax(np.nanmean(x[..., 1:], axis=-2), axis=-1),
                     data, scale="points", compared=f"{loss} loss, mean over subjects: {means}")


def student_sweep(preds: pd.DataFrame) -> pd.DataFrame:
    """Per (distill_loss, α, test subject) the student's mean class accuracy (%), all sweep runs."""
    p = preds[preds["strategy"] == "student_teacher"]
    rows = []
    for (loss, alpha), d in p.groupby(["distill_loss", "alpha"], sort=True):
        acc = subject_accuracy(d.assign(strategy="student_teacher", main=True), ["student_teacher"])
        rows.append(acc.rename(columns={"student_teacher": "accuracy"}).reset_index().assign(distill_loss=loss,
                                                                                            alpha=alpha))
    return pd.concat(rows, ignore_index=True)


def category_reading_means(t8: pd.DataFrame) -> pd.DataFrame:
    """Table 8 (per subject, ``<strategy>_<category>``) → per subject, each strategy's mean over categories."""
    return pd.DataFrame({s: t8[[c for c in t8.columns if c.startswith(f"{s}_")]].mean(axis=1)
                         for s in ("insoles", "student_teacher")}).set_index(t8["subject"])


def run_effects(preds: pd.DataFrame, *, distill_loss: str) -> dict[str, Effect | None]:
    """The effects of C6–C11 on this run's predictions (main runs, and the student's sweep for C10)."""
    from humaps.experiments.activity_loso import table8

    cube, _ = class_accuracy_cube(preds, STRATEGIES)
    acc = subject_accuracy(preds)
    t8 = category_reading_means(table8(preds, reading="category"))
    return {**class_effects_by_subject(cube),
            "C9": _paired_points(acc["student_teacher"], acc["insoles"], "student-teacher vs insoles only"),
            "C10": alpha_half_best(student_sweep(preds), distill_loss),
            "C11": _paired_points(t8["student_teacher"], t8["insoles"],
                                  "student-teacher vs insoles only, Table 8's category reading, per subject")}


def paper_effects(t7: pd.DataFrame, t8: pd.DataFrame) -> dict[str, Effect | None]:
    """The effects of C6–C11 on the paper's Tables 7 (units: its 30 classes) and 8 (units: its subjects)."""
    rows = t7[[f"{s}_mean" for s in STRATEGIES]].to_numpy(dtype=np.float64)  # (30, strategies)
    st, ins = t7["student_teacher_mean"], t7["insoles_mean"]
    per = category_reading_means(t8)
    return {**class_effects_by_class(rows),
            "C9": paired_mean(st.to_numpy(), ins.to_numpy(), scale="points", unit="classes",
                              compared=f"student-teacher vs insoles only: {st.mean():.1f} vs {ins.mean():.1f} % "
                                       f"(mean over {len(t7)} classes)"),
            "C10": None,
            "C11": _paired_points(per["student_teacher"], per["insoles"],
                                  "student-teacher vs insoles only, Table 8 per subject (category means)")}


# --------------------------------------------------------------------------- the classifiers against their references

def against_forests(preds: pd.DataFrame, pairs: dict[str, str], labels: dict[str, str]) -> dict[str, Verdict]:
    """"The deep <model> is ahead of the <forest>", per (deep, forest) pair, paired by test subject, Holm
    over the pairs: "does not hold" means the forest is ahead (the deep model is behind it)."""
    acc = subject_accuracy(preds, list(dict.fromkeys([*pairs, *pairs.values()])))
    return decide_family({deep: (f"The {labels[deep]} model is ahead of the {labels[forest]} (mean class accuracy "
                                 f"per test subject; does not hold = behind it)",
                                 _paired_points(acc[deep], acc[forest], f"{labels[deep]} vs {labels[forest]}"))
                          for deep, forest in pairs.items()}, family="the classifiers against their forests")


def above_chance(preds: pd.DataFrame, strategies, labels: dict[str, str]) -> Verdict:
    """Every deep model is above chance (1 in 30) for every test subject."""
    acc = subject_accuracy(preds, list(strategies))
    return verdict("Every deep model is above chance (1 in 30) for every test subject", (acc > CHANCE).all(axis=None),
                   ", ".join(f"{labels[s]} ≥ {acc[s].min():.1f} %" for s in strategies))


def table8_readings(t7_ours: pd.DataFrame, class_reading: pd.DataFrame, category_reading: pd.DataFrame,
                    t7_paper: pd.DataFrame, t8_paper_mean: pd.Series) -> pd.DataFrame:
    """Per (strategy, category): Table 7's class mean and Table 8's mean, for the paper and for both
    of our readings. The class reading reproduces Table 7's category means; the category reading
    exceeds them — the paper's Table 8 does the latter."""
    rows = []
    for s in ("insoles", "student_teacher"):
        p7 = t7_paper.groupby("category")[f"{s}_mean"].mean()
        o7 = t7_ours.groupby("category")[f"{s}_mean"].mean()
        for c in CATEGORIES:
            col = f"{s}_{c.lower()}"
            rows.append({"strategy": s, "category": c, "paper: Table 7 class mean": p7[c],
                         "paper: Table 8 mean": t8_paper_mean[col], "ours: Table 7 class mean": o7[c],
                         "ours: class reading": class_reading[col].mean(),
                         "ours: category reading": category_reading[col].mean()})
    return pd.DataFrame(rows).set_index(["strategy", "category"])


def which_reading(readings: pd.DataFrame) -> Verdict:
    """The paper's Table 8 lies above its Table 7 like our category reading lies above our Table 7."""
    paper_gap = readings["paper: Table 8 mean"] - readings["paper: Table 7 class mean"]
    cat_gap = readings["ours: category reading"] - readings["ours: Table 7 class mean"]
    cls_gap = readings["ours: class reading"] - readings["ours: Table 7 class mean"]
    holds = bool((paper_gap > 1).all() and (cat_gap >= cls_gap - 1e-9).all())
    return verdict("The paper's Table 8 is the category-level reading (a window counts when its predicted class "
                   "is in the true category), not class-level accuracy within the category", holds,
                   f"the paper's Table 8 exceeds its Table 7 category means by {paper_gap.min():.1f}–"
                   f"{paper_gap.max():.1f} points; our class-level reading stays within "
                   f"{cls_gap.abs().max():.1f} points of our Table 7 means, our category-level reading exceeds "
                   f"them by {cat_gap.min():.1f}–{cat_gap.max():.1f}")
