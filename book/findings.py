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
# # HUMAPS-4D companion: what this run found
#
# This book reruns sections 6 (3-D pose from foot pressure) and 7 (activity
# recognition from insoles) of the HUMAPS-4D supplementary material on a
# simulated cohort whose generating process is known, and puts every table of
# the paper beside the one this code produced. Below: the paper's eleven
# claims with the verdict of the paper's own tables and of this run, and the
# headline numbers against their trivial baselines. Every number and verdict
# on this page is computed by the run that rendered it; the profile and commit
# are stated just below. [About this companion](../intro.md) explains what is
# reproduced, on which data, and how to rerun any chapter on your own
# recordings.

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps.book import chapter, claims, paper
from humaps.experiments.activity_classical import FOREST_LABELS
from humaps.experiments.activity_loso import mean_class_accuracy
from humaps.experiments.pose_frames import FRAMES

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper (the page summarises that profile's chapters)
recordings = None  # a folder of device exports and their manifest (None: the simulated cohort)

# %% tags=["hide-input"]
run = chapter.setup(globals(), "cohort", before=_before)
ledger, results = claims.for_run(run)

# %% [markdown]
# ## The paper's claims, counted
#
# How many of the paper's eleven claims hold on the paper's own tables and on
# this run, in each frame. The [claims ledger](claims.ipynb) gives every
# claim with its effect, interval, threshold and evidence, and links to the
# chapter that computes it.

# %% tags=["remove-input"]
display(ledger.tally())

# %% [markdown]
# ## Do the models learn? Headline numbers against trivial baselines
#
# Pose: Global MPJPE (cm, mean over folds) of the paper's model beside the
# mean training pose (a model that ignores its input) and ridge regression, in
# both frames. Activity: mean class accuracy (%) of each strategy beside the
# random forests on hand-made features and chance (1 in 30).

# %% tags=["hide-input"]
pose = {"paper's model": results["pose"]["full"], "ridge regression": results["baselines"]["ridge"],
        "mean training pose": results["baselines"]["mean_pose"]}
pose_table = pd.DataFrame({FRAMES[f]: {name: cv.mean(f) for name, cv in pose.items()} for f in FRAMES})
pose_table.index.name = "Global MPJPE (cm)"
accuracy = mean_class_accuracy(results["activity"]).rename(
    lambda s: (paper.STRATEGIES | FOREST_LABELS)[s]).to_frame("mean class accuracy (%)")
accuracy.loc["chance"] = 100 / 30
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 1.3]})
pose_table.rename(index=lambda s: s.replace(" ", "\n", 1)).plot.bar(ax=axes[0], rot=0, color=["tab:blue", "tab:gray"])
axes[0].set(ylabel="Global MPJPE (cm)", xlabel="", title="pose: lower is better")
sns.barplot(x=accuracy.iloc[:, 0], y=accuracy.index, ax=axes[1], color="tab:green")
axes[1].set(xlabel="mean class accuracy (%)", ylabel="", title="activity: higher is better")
fig.tight_layout()
display(pose_table.round(2), accuracy.round(1))

# %% tags=["nbval-check-output", "remove-cell"]
# the regression check: the paper's tables' tally (this run's verdicts depend on training)
print(ledger.tally()["paper's tables"].to_string())
