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
# Each claim is decided by the book's one rule on the *paired* per-subject
# differences (every subject is tested once, in the same fold, by the full
# model and by each ablation): the effect with its 95 % interval over the
# test subjects, a practical threshold (0.2 cm of MPJPE, 1° of MPJAE, 10 %
# less spread) and Holm's correction over the claims of section 6.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from humaps.book import chapter, claims, paper
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
# ## Subject by subject
#
# Each test subject's Global MPJPE and MPJAE (heading-normalised frame) for
# the full model and each ablation: the paired differences below decide the
# claims. The settings each variant selected on its validation subjects (the
# epoch; the MPJAE weight of the full model, which the cycle ablation keeps):

# %%
variants = {"full": full, "no MPJAE loss": ablations["MPJAE loss"][2]["w/o"],
            "no cycle networks": ablations["cycle networks"][2]["No"]}
pd.DataFrame({name: [f"{f.setting['w_mpjae']:g} / epoch {f.best_epoch}" for f in cv.folds]
              for name, cv in variants.items()}).rename_axis("fold (MPJAE weight / epoch)")

# %%
per_subject = pd.concat({metric: pose_report.per_subject_table(variants, "heading", metric)
                         for metric in ("mpjpe_cm", "mpjae_deg")}, axis=1)
per_subject.columns = [f"{pose_report.METRICS[m]}, {method}" for m, method in per_subject.columns]
per_subject.round(2)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for ax, metric in zip(axes, ("mpjpe_cm", "mpjae_deg")):
    table = pose_report.per_subject_table(variants, "heading", metric)
    for _, row in table.iterrows():
        ax.plot(range(len(row)), row.to_numpy(), "-", color="0.7", lw=0.8)  # one line per subject: the pairing
    ax.plot(range(len(table.columns)), table.mean().to_numpy(), "-s", color="k", lw=2, label="mean over subjects")
    ax.set(xticks=range(len(table.columns)), xticklabels=table.columns, ylabel=pose_report.METRICS[metric],
           title=f"Global {pose_report.METRICS[metric]} per test subject (grey) and mean (black)")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# ## The claims of section 6.8

# %%
ours = claims.decide_pose(full, variants["no MPJAE loss"], variants["no cycle networks"])
for frame, label in FRAMES.items():
    print(f"On this run, {label}:")
    for cid in ("C2", "C3", "C4", "C5"):
        display(ours[frame][cid])

# %% tags=["nbval-check-output"]
print("On the paper's own Tables 5 and 6 (Welch intervals over their 4 folds):")
on_paper = claims.decide_paper()
for cid in ("C2", "C3", "C4", "C5"):
    display(on_paper[cid])

# %%
chapter.record(**{f"pose.{v}.{m}.heading": cv.mean("heading", m) for v, cv in
                  (("no_mpjae", variants["no MPJAE loss"]), ("no_cycle", variants["no cycle networks"]))
                  for m in ("mpjpe_cm", "mpjae_deg")})
