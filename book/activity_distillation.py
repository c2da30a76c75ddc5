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
# # Section 7.2: the student-teacher loss
#
# The student (insole encoder + classifier) is trained with
# L = α·L_distill + (1 − α)·L_cls, where the frozen pose encoder of the
# MoCap-only model is the teacher. The paper compared several distillation
# losses and varied α from 25 % to 75 %, finding α = 0.5 best. We compare
# feature MSE, feature cosine and soft-label KL (temperature τ, Hinton's τ²
# scaling) at α ∈ {0.25, 0.5, 0.75}, on the same folds as the previous chapter
# (its results are reused from the cache).

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps.config import collect
from humaps.experiments import activity_loso as loso
from humaps.experiments import activity_report as report
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
windows = activity_data(cohort_cfg, progress=False)
results = loso.run_strategies(cfg, windows)

# %% tags=["nbval-check-output"]
sweep = loso.sweep_table(results.predictions)
insoles_only = loso.table7(results.predictions, strategies=["insoles"])["insoles_mean"].mean()
print(f"insoles-only mean class accuracy, for reference: {insoles_only:.2f} %")
sweep.round(2)

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for ax, metric in zip(axes, ("mean_class_accuracy", "macro_f1")):
    sns.lineplot(data=sweep, x="alpha", y=metric, hue="distill_loss", marker="o", ax=ax)
    ax.set(xticks=list(cfg.alphas), ylabel=f"{metric.replace('_', ' ')} (%)")
axes[0].axhline(insoles_only, color="k", ls="--", lw=1, label="insoles only")
axes[0].legend(fontsize=8)
fig.suptitle("Student-teacher: α and the distillation loss")
fig.tight_layout()

# %% tags=["nbval-check-output"]
for v in report.alpha_half_best(sweep):
    display(v)
best = sweep.loc[sweep["mean_class_accuracy"].idxmax()]
print(f"best of the sweep: {best['distill_loss']} at α = {best['alpha']:g} "
      f"({best['mean_class_accuracy']:.2f} % mean class accuracy)")
