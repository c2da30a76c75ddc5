"""The paper's Tables 4–8, as tidy pandas tables, and the arithmetic they imply.

The CSVs in ``humaps/book/paper_tables/`` are transcribed from the supplementary
material (mean and std in separate columns; NaN where the paper prints "–").
``table8_summary.csv`` holds the mean ± std rows printed under Table 8.
Every experiment chapter shows these values beside the ones it computed.
"""
from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from humaps.formatting import mean_pm_std
from humaps.skeleton import LOWER_BODY, PAPER_NAMES, UPPER_BODY
from humaps.strategies import STRATEGIES as _STRATEGIES

TABLE_FILES = {
    4: "table4_per_joint.csv",
    5: "table5_mpjae_ablation.csv",
    6: "table6_cycle_ablation.csv",
    7: "table7_classwise_loso.csv",
    8: "table8_subjectwise_loso.csv",
}
METRICS = {"mpjpe_cm": "MPJPE (cm)", "instability_cm": "Instability (cm)", "mpjae_deg": "MPJAE (°)"}
#: strategy name → the paper's label (the strategies themselves: humaps.strategies)
STRATEGIES = {name: s.label for name, s in _STRATEGIES.items()}
CATEGORIES = ("Static", "Locomotion", "Dynamic", "Interaction", "Postural")
#: the paper rounds to one decimal; a mean of rounded values may be off by up to one rounding step
TOLERANCE_1DP = 0.1
TOLERANCE_2DP = 0.01


def load_table(number: int) -> pd.DataFrame:
    """The paper's Table ``number`` (4–8) exactly as transcribed."""
    if number not in TABLE_FILES:
        raise ValueError(f"the paper's tables here are {sorted(TABLE_FILES)}, not {number!r}")
    with resources.files("humaps.book.paper_tables").joinpath(TABLE_FILES[number]).open() as fh:
        return pd.read_csv(fh)


def table8_summary() -> pd.DataFrame:
    with resources.files("humaps.book.paper_tables").joinpath("table8_summary.csv").open() as fh:
        return pd.read_csv(fh).set_index("statistic")


def table4_long() -> pd.DataFrame:
    """Table 4 in long form: body_part, group, metric, mean, std (one row per reported cell)."""
    t = load_table(4)
    group = {PAPER_NAMES[j]: "upper" for j in UPPER_BODY} | {PAPER_NAMES[j]: "lower" for j in LOWER_BODY}
    t["group"] = t["body_part"].map(group).fillna("aggregate")
    rows = []
    for metric in METRICS:
        part = t[["body_part", "group", f"{metric}_mean", f"{metric}_std"]].copy()
        part.columns = ["body_part", "group", "mean", "std"]
        part["metric"] = metric
        rows.append(part.dropna(subset=["mean"]))
    return pd.concat(rows, ignore_index=True)[["body_part", "group", "metric", "mean", "std"]]


def table7_long() -> pd.DataFrame:
    """Table 7 in long form: category, class_name, strategy, mean, std."""
    t = load_table(7)
    rows = []
    for key in STRATEGIES:
        part = t[["category", "class_name", f"{key}_mean", f"{key}_std"]].copy()
        part.columns = ["category", "class_name", "mean", "std"]
        part["strategy"] = key
        rows.append(part)
    return pd.concat(rows, ignore_index=True)[["category", "class_name", "strategy", "mean", "std"]]


def table8_long() -> pd.DataFrame:
    """Table 8 in long form: subject, strategy (insoles / student_teacher), category, accuracy."""
    t = load_table(8).melt(id_vars="subject", var_name="column", value_name="accuracy")
    t["strategy"] = t["column"].str.rsplit("_", n=1).str[0]
    t["category"] = t["column"].str.rsplit("_", n=1).str[1].str.capitalize()
    return t[["subject", "strategy", "category", "accuracy"]]


def _check(rows: list, table: str, check: str, reported: float, computed: float, tol: float) -> None:
    diff = computed - reported
    rows.append({"table": table, "check": check, "reported": reported, "computed": round(float(computed), 3),
                 "difference": round(float(diff), 3), "tolerance": tol, "holds": bool(abs(diff) <= tol + 1e-9)})


def arithmetic_checks() -> pd.DataFrame:
    """Every relation the tables imply, recomputed: one row per check, with ``holds``.

    - Table 4: Upper Body / Lower Body rows are the means of the joints listed
      in each group, and Global the mean of all 16 joints, for each metric;
    - Tables 5 and 6: the full model's row ("w/", "Yes") repeats Table 4's Global row;
    - Table 8: the printed mean ± std rows are the mean and the std over the 32 subjects
      (both the population and the sample std are tried);
    - Tables 7 vs 8: the per-category mean of Table 7's class accuracies against Table 8's
      per-category mean (they differ if Table 8 counts category-level hits).
    """
    rows: list[dict] = []
    t4 = load_table(4).set_index("body_part")
    upper = [PAPER_NAMES[j] for j in UPPER_BODY]
    lower = [PAPER_NAMES[j] for j in LOWER_BODY]
    for metric, label in METRICS.items():
        col = t4[f"{metric}_mean"]
        for agg, members in (("Upper Body", upper), ("Lower Body", lower), ("Global", upper + lower)):
            values = col[members].dropna()
            if np.isnan(col[agg]) or values.empty:
                continue
            _check(rows, "4", f"{agg} {label} = mean of its {len(values)} reported joints",
                   col[agg], values.mean(), TOLERANCE_1DP)
    for number, row in ((5, "w/"), (6, "Yes")):
        t = load_table(number).set_index(load_table(number).columns[0])
        for metric, label in METRICS.items():
            _check(rows, f"{number} vs 4", f"{row} row {label} = Table 4 Global",
                   t.loc[row, f"{metric}_mean"], t4.loc["Global", f"{metric}_mean"], 0.0)
    t8, summary = load_table(8).set_index("subject"), table8_summary()
    for column in t8.columns:
        _check(rows, "8", f"printed mean of {column} = mean over 32 subjects",
               summary.loc["mean", column], t8[column].mean(), TOLERANCE_2DP)
        for ddof, kind in ((0, "population"), (1, "sample")):
            _check(rows, "8", f"printed std of {column} = {kind} std (ddof={ddof}) over 32 subjects",
                   summary.loc["std", column], t8[column].std(ddof=ddof), TOLERANCE_2DP)
    t7 = load_table(7)
    for strategy in ("insoles", "student_teacher"):
        means = t7.groupby("category", sort=False)[f"{strategy}_mean"].mean()
        for category in CATEGORIES:
            _check(rows, "7 vs 8", f"{strategy} {category}: Table 8 mean = mean of Table 7's classes",
                   summary.loc["mean", f"{strategy}_{category.lower()}"], means[category], 1.0)
    return pd.DataFrame(rows)


def beside(ours, number: int, *, key: str | None = None) -> pd.DataFrame:
    """Our table(s) next to the paper's Table ``number``, headed in words.

    ``ours``: a DataFrame, or {source label: DataFrame} (e.g. one per frame), indexed like
    the paper's first column (``key``) with the paper's ``<metric>_mean`` / ``_std`` columns.
    Returns one row per row of ``ours`` and two-level columns (what is measured, source):
    "paper" and each source, formatted "mean ± std".
    """
    sources = ours if isinstance(ours, dict) else {"ours": ours}
    theirs = load_table(number)
    key = key or theirs.columns[0]
    theirs = theirs.set_index(key)
    digits = 2 if number in (7, 8) else 1
    names = METRICS | {f"{k}": f"{v} (%)" for k, v in STRATEGIES.items()}
    first = next(iter(sources.values()))
    rows = []
    for name in first.index:
        row = {}
        for metric in [c[:-len("_mean")] for c in theirs.columns if c.endswith("_mean")]:
            label = names.get(metric, metric)
            p = theirs.loc[name] if name in theirs.index else None
            row[(label, "paper")] = "" if p is None else mean_pm_std(p[f"{metric}_mean"], p[f"{metric}_std"], digits)
            for source, table in sources.items():
                row[(label, source)] = mean_pm_std(table.loc[name, f"{metric}_mean"],
                                                   table.loc[name].get(f"{metric}_std"), digits)
        rows.append(row)
    out = pd.DataFrame(rows, index=pd.Index(first.index, name=key))
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out
