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
# # Table 6: the cycle networks
#
# The full model (pose encoder, PressNet/AccelNet cycle losses) against the
# same model without the cycle losses. The paper finds — contrary to SolePoser,
# which has cycle networks but no pose encoder — that adding PressNet and
# AccelNet to a model that has a pose encoder makes it worse.

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps import paper, plots
from humaps.config import collect
from humaps.experiments import pose_report
from humaps.experiments.datasets import pose_data
from humaps.experiments.pose_cv import run_cv
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
d_model = None
tf_layers = None
tf_heads = None
gcn_hidden = None
gcn_layers = None
press_node_features = None
pose_node_features = None
lstm_layers = None
imu_hidden = None
mlp_ratio = None
pose_dropout = None
foot_graph_rule = None
use_pose_encoder = None
window_s = None
fs_hz = None
stride_s = None
max_train_windows = None
max_test_windows = None
pose_epochs = None
pose_batch_size = None
pose_lr = None
pose_weight_decay = None
grad_clip = None
w_mpjpe = None
w_mpjae = None
w_feat = None
w_recon = None
w_press = None
w_acc = None
use_cycle = None
cycle_hidden = None
cycle_epochs = None
cycle_lr = None
ridge_alpha = None
ridge_lags_s = None
n_folds = None
pose_seed = None
pose_threads = None
plot_windows = None

# %%
run = collect(globals(), "cohort", "pose", before=_before)
cohort_cfg, cfg = run["cohort"], run["pose"]
show_run(run)
data = pose_data(cohort_cfg, cfg, progress=False)
workers = 2 if profile != "smoke" else 1
results = {"Yes": run_cv(cfg, data, "full", workers=workers), "No": run_cv(cfg, data, "no_cycle", workers=workers)}
rows = pose_report.global_rows(results)

# %% tags=["nbval-check-output"]
paper.beside(rows, 6)

# %%
folds = pd.DataFrame([{"cycle networks": label, "fold": f["fold"], **f["metrics"]}
                      for label, res in results.items() for f in res["folds"]])
fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
for ax, metric in zip(axes, pose_report.METRICS):
    sns.stripplot(data=folds, x="cycle networks", y=metric, ax=ax, size=7)
    sns.pointplot(data=folds, x="cycle networks", y=metric, ax=ax, color="k", errorbar="sd", linestyle="none")
fig.suptitle("Global metrics per fold, with and without PressNet/AccelNet (black: mean ± sd)")
fig.tight_layout()

# %% tags=["nbval-check-output"]
for v in pose_report.cycle_ablation(rows):
    display(v)
print("The same claims on the paper's own Table 6:")
for v in pose_report.cycle_ablation(paper.load_table(6).set_index("cycle_networks")):
    display(v)
