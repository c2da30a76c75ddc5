# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Section 7: activity recognition from insoles
#
# Thirty actions in five categories, classified from the first 3 seconds of
# each action (Figure 10 of the paper): an **insole encoder** (three CNN
# branches give a pressure descriptor p ∈ R³², a centre-of-pressure descriptor
# c ∈ R⁴ and a force descriptor f ∈ R² per frame, then a uni-directional LSTM
# over T = 300 frames at 100 Hz), a **pose encoder** (three ST-GCN layers on
# the 24-joint skeleton, then an LSTM over T = 360 frames at 120 Hz) and one
# **shared MLP classifier**, trained four ways: insoles only, MoCap only,
# both latents concatenated, and student-teacher (the pose encoder, trained
# first, guides the insole encoder; only insoles are used at inference).
# Evaluation leaves subjects out: every subject is tested exactly once.

# %%
import dataclasses
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps import paper
from humaps.actions import CATEGORIES, CLASS_NAMES
from humaps.config import collect
from humaps.experiments import activity_loso as loso
from humaps.experiments import activity_report as report
from humaps.experiments.activity_classical import run_classical
from humaps.experiments.datasets import activity_data
from humaps.provenance import show_run

pd.set_option("display.precision", 2)
pd.set_option("display.width", 160)
sns.set_theme(context="notebook", style="whitegrid")
_before = set(globals())

# %% tags=["parameters"]
profile = "book"
n_subjects = None
repetitions = None
cohort_seed = None
sim_rate_hz = None
transition_s = None
mocap_rate_hz = None
mocap_noise_mm = None
mocap_gaps_per_min = None
mocap_gap_s = None
mocap_offset_s = None
insole_channels = None
insole_kernel = None
insole_stride = None
insole_latent = None
stgcn_channels = None
stgcn_kernel = None
stgcn_strides = None
pose_latent = None
classifier_hidden = None
dropout = None
insole_frame_step = None
pose_frame_step = None
epochs = None
batch_size = None
lr = None
weight_decay = None
max_grad_norm = None
alpha = None
distill_loss = None
alphas = None
distill_losses = None
temperature = None
student_from_teacher = None
classical_trees = None
contact_threshold = None
folds = None
n_workers = None
threads = None
seed = None
device = None
progress = None

# %%
run = collect(globals(), "cohort", "activity", before=_before)
cohort_cfg, cfg = run["cohort"], run["activity"]
show_run(run)

# %% [markdown]
# ## Choices the paper leaves open

# %% tags=["nbval-check-output"]
with pd.option_context("display.max_rows", 100):
    display(pd.DataFrame([(f.name, repr(getattr(cfg, f.name))) for f in dataclasses.fields(cfg)],
                         columns=["parameter", "value"]).set_index("parameter"))

# %% [markdown]
# ## Windows
#
# The paper's rule: the first 3 s from each action's onset; a window whose
# action is shorter than 3 s is kept only if one class covers more than 60 %
# of it (and takes that label). Every exclusion is counted:

# %%
windows = activity_data(cohort_cfg, progress=False)
subjects = sorted(set(windows.subject))
folds = loso.make_folds(subjects, cfg.folds)

# %% tags=["nbval-check-output"]
counts = windows.counts.loc[list(CATEGORIES)].copy()
counts.loc["total"] = counts.sum()
display(counts)
print(f"{len(windows.label)} windows from {len(subjects)} subjects; "
      f"evaluation: {len(folds)} folds of {', '.join(str(len(f)) for f in folds)} left-out subjects "
      f"({'leave-one-subject-out' if len(folds) == len(subjects) else 'subjects grouped to fit the CPU budget'}); "
      f"every subject tested exactly once: {sorted(s for f in folds for s in f) == subjects}")

# %% [markdown]
# ## The four strategies (and the α / loss sweep of the student)

# %%
results = loso.run_strategies(cfg, windows)
with warnings.catch_warnings():  # at smoke size a fold has fewer windows than classes; sklearn says so
    warnings.filterwarnings("ignore", message="The number of unique classes is greater than 50%")
    classical = run_classical(cfg, windows)
preds = pd.concat([results.predictions, classical.predictions], ignore_index=True)

# %% [markdown]
# ### Table 7: class-wise accuracy, mean ± std across subjects

# %% tags=["nbval-check-output"]
t7 = loso.table7(preds)
side = paper.beside(t7.set_index("class_name")[[c for c in t7.columns if c.endswith(("_mean", "_std"))
                                                and not c.startswith("classical")]], 7, key="class_name")
with pd.option_context("display.max_rows", 40, "display.max_colwidth", 40):
    display(side)

# %%
heat = t7.set_index("class_name")[[f"{s}_mean" for s in paper.STRATEGIES]].rename(
    columns={f"{k}_mean": v for k, v in paper.STRATEGIES.items()})
theirs = paper.load_table(7).set_index("class_name")[[f"{s}_mean" for s in paper.STRATEGIES]]
fig, axes = plt.subplots(1, 2, figsize=(12, 9), sharey=True)
for ax, data, title in ((axes[0], theirs.to_numpy(), "paper"), (axes[1], heat.to_numpy(), "this companion")):
    sns.heatmap(pd.DataFrame(data, index=heat.index, columns=heat.columns), annot=True, fmt=".0f",
                cmap="viridis", vmin=0, vmax=100, ax=ax, cbar=title != "paper")
    ax.set_title(f"Table 7 — {title}")
axes[0].set_ylabel("")
fig.tight_layout()

# %% [markdown]
# ### Overall scores, with the classical baseline
#
# The classical baseline: hand-crafted statistics, spectra and step timing of
# the insole channels with a random forest, on the same folds.

# %% tags=["nbval-check-output"]
overall = pd.DataFrame({"macro-F1 (%)": loso.macro_f1(preds),
                        "mean class accuracy (%)": t7[[c for c in t7.columns if c.endswith("_mean")]].mean()
                        .rename(lambda c: c[:-5])})
overall.round(2)

# %% [markdown]
# ### Confusions
#
# Row-normalised confusion matrices of insoles-only and concatenated models,
# by category and by class.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, strategy in zip(axes, ("insoles", "concat")):
    sns.heatmap(loso.confusion(preds, strategy, level="category"), annot=True, fmt=".2f", cmap="Blues",
                vmin=0, vmax=1, ax=ax, cbar=False)
    ax.set_title(f"{paper.STRATEGIES[strategy]}: category confusion")
fig.tight_layout()

# %%
fig, ax = plt.subplots(figsize=(10, 9))
cm = loso.confusion(preds, "insoles", level="class")
sns.heatmap(cm, cmap="Blues", vmin=0, vmax=1, ax=ax, xticklabels=True, yticklabels=True)
ax.set_title("Insoles only: class confusion (rows: true class)")
ax.tick_params(labelsize=7)
fig.tight_layout()

# %% [markdown]
# ### Table 8: per-subject accuracy per category — two readings
#
# Table 8's per-category values are far higher than Table 7's class values.
# Two readings of "accuracy per category" are possible: class-level accuracy
# within the category, or category-level accuracy (a window counts when the
# predicted class lies in the true category). We compute both.

# %% tags=["nbval-check-output"]
t8_class = loso.table8(preds, reading="class")
t8_cat = loso.table8(preds, reading="category")
readings = report.table8_readings(t7, t8_class, t8_cat, paper.load_table(7), paper.table8_summary().loc["mean"])
display(readings.round(2))
display(report.which_reading(readings))

# %%
long = pd.concat([t.melt(id_vars="subject", var_name="column", value_name="accuracy").assign(reading=r)
                  for r, t in (("class-level", t8_class), ("category-level", t8_cat))])
long["strategy"] = long["column"].str.rsplit("_", n=1).str[0]
long["category"] = long["column"].str.rsplit("_", n=1).str[1].str.capitalize()
g = sns.catplot(data=long, x="category", y="accuracy", hue="strategy", col="reading", kind="box", height=3.5,
                aspect=1.4, order=list(CATEGORIES))
_ = g.set_axis_labels("", "per-subject accuracy (%)")

# %% tags=["nbval-check-output"]
summary = loso.table8_summary(t8_cat).T
summary.columns = ["ours (category reading) mean", "ours std"]
summary.insert(0, "paper std", paper.table8_summary().T["std"])
summary.insert(0, "paper mean", paper.table8_summary().T["mean"])
summary.round(2)

# %% [markdown]
# ## The claims of section 7.1, on this run

# %% tags=["nbval-check-output"]
for v in [report.concat_best(t7), *report.insoles_by_category(t7), report.student_beats_insoles(t7)]:
    display(v)
print("The same claims on the paper's own Table 7:")
for v in [report.concat_best(paper.load_table(7)), *report.insoles_by_category(paper.load_table(7)),
          report.student_beats_insoles(paper.load_table(7))]:
    display(v)

# %% [markdown]
# ## Speed

# %%
results.timings.groupby("strategy")["train_seconds"].agg(["mean", "max", "count"]).round(1)
