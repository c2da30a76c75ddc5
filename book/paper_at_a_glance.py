# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The paper at a glance
#
# This chapter loads the paper's Tables 4–8 (transcribed as CSV into
# `humaps/book/paper_tables/`), shows them as tidy tables and figures, and recomputes
# the arithmetic the tables imply. Every later chapter puts one of these tables
# beside the table our code produced.
#
# Nothing here is trained: the numbers are the paper's. What *is* computed is
# whether the aggregate rows, the repeated rows and the summary rows agree with
# the rows they summarise.

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps.book import chapter, claims, paper
from humaps.verdicts import verdict

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper (this chapter only reads the paper's tables)

# %%
run = chapter.setup(globals(), before=_before)

# %% [markdown]
# ## Section 6: pose from foot pressure (Tables 4–6)
#
# Table 4 reports, per joint, the mean per-joint position error (MPJPE), an
# *instability* measure and the mean per-joint angle error (MPJAE), as
# mean ± std over the cross-validation folds.

# %% tags=["nbval-check-output"]
t4 = paper.table4_long()
wide = t4.pivot_table(index="body_part", columns="metric", values="mean", sort=False)
wide = wide.loc[paper.load_table(4)["body_part"]]  # the paper's row order
with pd.option_context("display.float_format", "{:.3g}".format):  # keeps the Hips' 5e-7 readable
    display(wide)

# %% tags=["hide-input"]
upper_lower = t4[(t4.metric == "mpjpe_cm") & (t4.group != "aggregate")]
fig, ax = plt.subplots(figsize=(8, 4.2))
order = upper_lower["body_part"].tolist()
ax.bar(order, upper_lower["mean"], yerr=upper_lower["std"], capsize=3,
       color=["#4c72b0" if g == "upper" else "#dd8452" for g in upper_lower["group"]])
ax.set_ylabel("MPJPE (cm)")
ax.set_title("Table 4: per-joint MPJPE (blue: upper body, orange: lower body)")
ax.tick_params(axis="x", rotation=60)
fig.tight_layout()

# %% tags=["nbval-check-output"]
for number in (5, 6):
    print(f"Table {number}")
    print(paper.load_table(number).to_string(index=False), end="\n\n")

# %% [markdown]
# ## Section 7: activity recognition (Tables 7–8)
#
# Table 7 gives class-wise accuracy (mean ± std across the 32 left-out
# subjects) for the four training strategies; Table 8 gives per-subject
# accuracy per category for insoles-only and student-teacher.

# %% tags=["hide-input"]
t7 = paper.table7_long()
heat = t7.pivot_table(index=["category", "class_name"], columns="strategy", values="mean", sort=False)
heat = heat[list(paper.STRATEGIES)].rename(columns=paper.STRATEGIES)
fig, ax = plt.subplots(figsize=(7.5, 10))
sns.heatmap(heat, annot=True, fmt=".0f", cmap="viridis", vmin=30, vmax=100, ax=ax,
            cbar_kws={"label": "accuracy (%)"})
ax.set_yticklabels([c for _, c in heat.index], rotation=0)
ax.set_ylabel("")
ax.set_title("Table 7: class × strategy accuracy (%)")
fig.tight_layout()

# %% tags=["nbval-check-output"]
t8 = paper.table8_long()
t8.groupby(["strategy", "category"], sort=False)["accuracy"].describe()[["mean", "std", "min", "max"]]

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(8, 4))
sns.boxplot(data=t8, x="category", y="accuracy", hue="strategy", ax=ax, fliersize=0)
sns.stripplot(data=t8, x="category", y="accuracy", hue="strategy", dodge=True, ax=ax,
              palette="dark:k", size=2.5, legend=False)
ax.set_ylabel("per-subject accuracy (%)")
ax.set_title("Table 8: subject-wise accuracy per category (32 subjects)")
fig.tight_layout()

# %% [markdown]
# ## The arithmetic the tables imply
#
# Each row below is one relation between cells of the tables, recomputed from
# the transcribed values: whether an aggregate row is the mean of the joints
# it summarises, whether the full model's row repeats across Tables 4–6,
# whether Table 8's printed mean ± std are the mean and std of its 32 rows, and
# whether Table 8's category means can be the means of Table 7's class accuracies.

# %% tags=["nbval-check-output"]
checks = paper.arithmetic_checks()
with pd.option_context("display.max_colwidth", 90, "display.max_rows", 100):
    display(checks)
checks.groupby("table")["holds"].agg(holds="sum", checked="count")

# %% [markdown]
# What the checks say, in sentences generated from the table above:

# %% tags=["nbval-check-output"]
def _holds(pattern):
    rows = checks[checks["check"].str.contains(pattern, regex=False)]
    return rows, int(rows["holds"].sum()), len(rows)


for label in ("MPJPE", "Instability", "MPJAE"):
    rows, k, n = _holds(f"{label} (")
    rows = rows[rows["table"] == "4"]
    display(verdict(f"Table 4's Upper Body, Lower Body and Global {label} rows are the means of the joints listed",
                    rows["holds"].all(),
                    "; ".join(f"{r.check.split(' =')[0]}: printed {r.reported:g}, mean {r.computed:.2f}"
                              for r in rows.itertuples())))
rows, k, n = _holds("= Table 4 Global")
display(verdict("The full model's rows of Tables 5 and 6 repeat Table 4's Global row", k == n, f"{k} of {n} cells equal"))
for kind in ("population", "sample"):
    rows, k, n = _holds(f"{kind} std")
    display(verdict(f"Table 8's printed ± is the {kind} standard deviation over subjects", k == n,
                    f"{k} of {n} columns agree within 0.01"))
rows, k, n = _holds("mean over 32 subjects")
display(verdict("Table 8's printed means are the means over its 32 subjects", k == n, f"{k} of {n} columns agree"))
rows, k, n = _holds("mean of Table 7's classes")
gap = (rows["reported"] - rows["computed"]).agg(["min", "max"])
display(verdict("Table 8's per-category means equal the means of Table 7's class accuracies", k == n,
                f"{k} of {n} agree within 1 point; Table 8 is higher by {gap['min']:.1f} to {gap['max']:.1f} points, "
                "which suggests Table 8 counts a window as correct when its predicted class is in the right category "
                "(the activity chapter computes both readings)"))

# %% [markdown]
# ## The paper's own claims, decided on its own tables
#
# Section 7.1 says that concatenating MoCap and insole features "achieves the
# best performance in the majority of cases", that the student-teacher
# paradigm improves over insoles alone, and that the benefit generalises
# across subjects. Decided on Tables 7 and 8 by the book's one verdict rule
# (effect, 95 % interval over the classes or subjects the tables print,
# practical threshold, Holm's correction; see the [claims ledger](claims.ipynb)):

# %% tags=["nbval-check-output"]
on_paper = claims.decide_paper()
for cid in ("C6", "C9", "C11"):
    display(on_paper[cid])
