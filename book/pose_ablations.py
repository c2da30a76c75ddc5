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
# # Tables 5 and 6: what the MPJAE loss and the cycle networks change
#
# Two ablations of the full model, each trained on the same folds as the full
# model itself: once **without the MPJAE (joint-angle) loss** (the paper's
# Table 5) and once **without PressNet/AccelNet** and their cycle losses
# (Table 6). The paper reports that the MPJAE loss lowers both errors and makes
# runs more stable, and that — unlike in SolePoser, which has cycle networks
# but no pose encoder — the cycle networks make a model with a pose encoder
# worse.
#
# With four folds, an average difference means little on its own: each claim
# is decided by the *paired* per-fold differences (same folds, same test
# subjects). It holds only when every fold agrees; when folds disagree it is
# "not distinguishable".

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from humaps import chapter, paper
from humaps.experiments import pose_report
from humaps.experiments.datasets import pose_data
from humaps.experiments.pose_cv import run_cv
from humaps.experiments.pose_frames import FRAMES

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper; any hyperparameter can be passed too: `python -m humaps profiles`
recordings = None  # a folder of device exports and their manifest (None: the simulated cohort)

# %%
run = chapter.setup(globals(), "cohort", "pose", before=_before)
cfg = run["pose"]
data = pose_data(run)
full = run_cv(cfg, data, "full")  # trained once, in the first pose chapter (cached)
ablations = {"MPJAE loss": (5, "mpjae_loss", {"w/": full, "w/o": run_cv(cfg, data, "no_mpjae")}),
             "cycle networks": (6, "cycle_networks", {"Yes": full, "No": run_cv(cfg, data, "no_cycle")})}

# %% [markdown]
# ## The tables beside the paper's
#
# Global metrics, mean ± sd over folds, in the frame the insoles can explain
# (heading-normalised) and in the paper's frame (heading kept, guessed from
# the training headings; see the pose-model chapter).

# %%
for name, (number, key, methods) in ablations.items():
    display(paper.beside({f"ours, {FRAMES[f]}": pose_report.global_rows(methods, f) for f in FRAMES},
                         number, key=key).rename_axis(f"Table {number}: {name}"))

# %% [markdown]
# ## Fold by fold
#
# Each fold's Global MPJPE and MPJAE (heading-normalised frame) for the full
# model and each ablation: the paired differences below decide the claims.

# %%
per_fold = pd.concat({metric: pose_report.per_fold_table(
    {"full": full, "no MPJAE loss": ablations["MPJAE loss"][2]["w/o"],
     "no cycle networks": ablations["cycle networks"][2]["No"]}, "heading", metric)
    for metric in ("mpjpe_cm", "mpjae_deg")}, axis=1)
per_fold.columns = [f"{pose_report.METRICS[m]}, {method}" for m, method in per_fold.columns]
per_fold.round(2)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for ax, metric in zip(axes, ("mpjpe_cm", "mpjae_deg")):
    table = pose_report.per_fold_table({"full": full, "no MPJAE loss": ablations["MPJAE loss"][2]["w/o"],
                                        "no cycle networks": ablations["cycle networks"][2]["No"]}, "heading", metric)
    for fold, row in table.iterrows():
        ax.plot(range(len(row)), row.to_numpy(), "-o", color="0.6", lw=1)  # one line per fold: the pairing
    ax.plot(range(len(table.columns)), table.mean().to_numpy(), "-s", color="k", lw=2, label="mean over folds")
    ax.set(xticks=range(len(table.columns)), xticklabels=table.columns, ylabel=pose_report.METRICS[metric],
           title=f"Global {pose_report.METRICS[metric]} per fold (grey) and mean (black)")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# ## The claims of section 6.8

# %%
w, wo = ablations["MPJAE loss"][2]["w/"], ablations["MPJAE loss"][2]["w/o"]
y, n = ablations["cycle networks"][2]["Yes"], ablations["cycle networks"][2]["No"]
for frame, label in FRAMES.items():
    print(f"On this run, {label}:")
    for v in pose_report.mpjae_ablation(w, wo, frame) + pose_report.cycle_ablation(y, n, frame):
        display(v)

# %% tags=["nbval-check-output"]
print("On the paper's own Tables 5 and 6:")
for v in (pose_report.paper_mpjae_ablation(paper.load_table(5).set_index("mpjae_loss"))
          + pose_report.paper_cycle_ablation(paper.load_table(6).set_index("cycle_networks"))):
    display(v)
