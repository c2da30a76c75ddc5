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
# # Section 6: the pose model, what it learns and what it cannot know
#
# This chapter trains the paper's insole → 3-D pose model with subject-wise
# 4-fold cross-validation on the simulated cohort, checks that it converges,
# and compares it, on the same folds, with what a model that ignores its input
# would answer (the mean training pose) and with ridge regression. It shows
# the predicted skeletons against the true ones, and runs the trained model on
# real insole recordings. Every error is given in two frames: the
# heading-normalised one (the body always faces +y), which is what insoles
# can know — they have no magnetometer — and the paper's, which keeps the
# direction the body faces in the room (why this matters: *What the insoles
# can know*, under *How the results were obtained*).
#
# From a window of insole measurements — the 32 cell pressures
# $\mathbf{P}_t$ and the 18 auxiliary channels $\mathbf{A}_t$ — the model of
# the paper's Figure 6 infers the 24 pelvis-centred joints $\mathbf{J}_t$:
# a GCN over each foot's cell graph and an LSTM (pressure encoder), an LSTM and
# an MLP on $\mathbf{A}_t$ (IMU/force encoder), a Two-Stream Transformer whose
# layers attend within and across the two streams, a latent projection
# $\mathbf{z}$ and an MLP decoder. During training a pose encoder (GCN over the
# 16 non-arm joints and an LSTM) gives $\mathbf{z}^{pose}$ for the
# feature-consistency loss, and two frozen, pretrained networks (PressNet,
# AccelNet) map the predicted poses back to pressures and accelerations for the
# cycle losses.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps.book import chapter, plots
from humaps.data import realism, source, stride
from humaps.experiments import pose_real, pose_report, pose_transplant
from humaps.experiments.datasets import pose_data
from humaps.experiments.model_summary import pose_model_summary
from humaps.experiments.pose_baselines import run_baselines
from humaps.experiments.pose_cv import run_cv
from humaps.experiments.pose_frames import FRAMES

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper; any hyperparameter can be passed too: `python -m humaps profiles`
recordings = None  # a folder of device exports and their manifest (None: the simulated cohort)

# %%
run = chapter.setup(globals(), "cohort", "pose", before=_before)
cfg = run["pose"]

# %% [markdown]
# The cohort's windows, the full model trained on 4 subject folds with its
# settings selected on validation subjects, and the baselines on the same
# folds (how: see the sections after the results):

# %%
data = pose_data(run)
full = run_cv(cfg, data, "full")
base = run_baselines(cfg, data)

# %% [markdown]
# ## Does the model learn? Baselines on the same folds
#
# The mean training pose is what a model that ignores its input would answer;
# ridge regression sees the same insole features with ±0.5 s of context, its
# penalty selected on the validation subjects from as many candidates as the
# model scored there. Both are fitted on the same training subjects as the
# model. The "true pose" row is the floor: the true heading-normalised pose
# mapped into the paper's frame with the guessed heading. Each comparison is
# paired by test subject (every subject is tested once, in the same fold by
# every method) and decided by the book's verdict rule: effect, 95 % interval
# over subjects, practical threshold, Holm's correction over the comparisons.

# %%
methods = {"full model (Figure 6)": full, "ridge regression": base["ridge"],
           "mean training pose": base["mean_pose"], "true pose (floor)": base["true_pose"]}
display(pd.concat({FRAMES[f]: pose_report.global_table(methods, f) for f in FRAMES}, axis=1))

# %%
model_h, mean_h, ridge_h = (m.mean("heading") for m in (full, base["mean_pose"], base["ridge"]))
display(pose_report.learns(full, base["mean_pose"]))
for v in pose_report.beats_baselines(full, {"mean training pose": base["mean_pose"],
                                            "ridge regression": base["ridge"]}).values():
    display(v)
print(f"Ratio of the full model's Global MPJPE (heading-normalised) to each baseline: {model_h / mean_h:.2f} × the "
      f"mean training pose, {model_h / ridge_h:.2f} × ridge regression.")
model_p, floor_p = full.mean("paper"), base["true_pose"].mean("paper")
print(f"Paper's frame: the full model {model_p:.2f} cm; the floor (true pose, heading guessed) {floor_p:.2f} cm: "
      f"{100 * floor_p / model_p:.0f} % of the model's paper-frame error is the heading no insole can see.")

# %% [markdown]
# ## What the model predicts
#
# Test windows (subjects the model never saw), heading-normalised: the
# predicted skeleton (orange) against the true one (black) at the middle
# frame of windows of different actions, front and side views.

# %% tags=["hide-input"]
pred = np.concatenate([f.predictions["pred"] for f in full.folds])
true = np.concatenate([f.predictions["true"] for f in full.folds])
labels = np.concatenate([f.predictions["label"] for f in full.folds])
show = np.unique(labels, return_index=True)[1][:6]
mid = pred.shape[1] // 2
fig, axes = plt.subplots(2, len(show), figsize=(2.2 * len(show), 6), squeeze=False)
for col, i in enumerate(show):
    for row, view in enumerate(("front", "side")):
        ax = axes[row, col]
        plots.draw_skeleton(ax, true[i, mid], view=view, color="k", lw=1.2)
        plots.draw_skeleton(ax, pred[i, mid], view=view, color="tab:orange", lw=1.2, alpha=0.8)
        ax.set_axis_off()
    axes[0, col].set_title(labels[i] or "(transition)", fontsize=8)
fig.tight_layout()

# %% [markdown]
# One window in 3-D at three moments, and the whole window as an animation
# (press play; it runs in real time):

# %% tags=["hide-input"]
i = show[0]
frames = np.linspace(0, pred.shape[1] - 1, 3).astype(int)
fig = plots.skeleton_stills(true[i], pred[i], frames, titles=[f"t = {k / data.fs:.2f} s" for k in frames],
                            title=labels[i] or "(transition)")

# %% tags=["hide-input"]
plots.skeleton_animation(true[i], pred[i], data.fs, title=labels[i] or "(transition)")

# %% tags=["hide-input"]
err = np.linalg.norm(pred - true, axis=-1) * 100  # (windows, T, 24) cm
t = np.arange(pred.shape[1]) / data.fs
fig, ax = plt.subplots(figsize=(8, 3.2))
for name, idx in (("Hips→Spine2 (trunk)", [1, 2, 3]), ("feet and toes", [18, 19, 22, 23])):
    ax.plot(t, err[:, :, idx].mean(axis=(0, 2)), label=name)
ax.set(xlabel="time within the window (s)", ylabel="mean joint error (cm)",
       title="error over time within a window (the test windows shown above)")
_ = ax.legend()

# %% [markdown]
# ### The cycle networks on their own
#
# PressNet and AccelNet are pretrained on each training fold's ground truth
# (true poses in, true pressures / accelerations out) and then frozen. Their
# own reconstruction errors, beside the mean magnitude of the signal they
# reconstruct:

# %%
cyc = pd.DataFrame([{"fold": f.job.fold, "subjects": split, **vals} for f in full.folds
                    for split, vals in f.cycle_errors.items()])
cyc = cyc.groupby("subjects")[["press_mae_ncm2", "press_mean_ncm2", "acc_mae_g", "acc_mean_abs_g"]].mean()
cyc.columns = ["PressNet error (N/cm²)", "mean pressure (N/cm²)", "AccelNet error (g)", "mean |acceleration| (g)"]
cyc

# %% [markdown]
# ## On real insole recordings
#
# The four real Moticon OpenGo walking recordings shipped with
# `moticon-opengo` have **no motion capture**: there is no ground truth to
# score the predicted skeletons against. What can be checked is timing, which
# the model never sees as a label. A foot's predicted contact is where its
# forward swing ends: the ankle moves forward relative to the pelvis fast and
# far enough to be a step, and lands at its most forward point, where that
# speed reaches zero (the kinematic heel strike of gait analysis;
# `pose_real.predicted_contacts`). It should coincide with that insole's force
# onset after a swing. A second, independent check is the rhythm: the step
# time from the period of the two ankles' fore-aft motion against the step
# time between the insoles' force onsets. The model reads each recording as it
# was trained: `input_norm` names the per-recording normalisation (`device`:
# each gyroscope's zero-rate offset and the wearer's body weight measured on
# the recording itself and taken out, `humaps.data.calibration.device_normalised`),
# in windows that overlap by half, their poses blended so that no window's
# cold start breaks a swing in two (`pose_real.predict_recording`).
# Each of the four fold models reads every recording: one model's share is
# one draw from the spread between models trained on different subjects.

# %%
models = [pose_real.trained_model(fold) for fold in full.folds]
real_recs = realism.real_walking_recordings()
trials = source.load(run).trials
predicted_by_fold = [[pose_real.predict_recording(m, rec, window=cfg.window_frames, fs_hz=cfg.fs_hz,
                                                  input_norm=cfg.input_norm) for rec in real_recs] for m in models]
model, predicted = models[0], predicted_by_fold[0]

# %% tags=["hide-input"]
rec, (t_real, poses_real) = real_recs[0], predicted[0]
fig = plt.figure(figsize=(11, 5))
ax = fig.add_subplot(2, 1, 1)
n = min(len(t_real), int(12 * cfg.fs_hz))
ax.plot(rec.time[: int(n * 100 / cfg.fs_hz)], rec.total_force[: int(n * 100 / cfg.fs_hz), 0], label="left force (N)",
        color="0.4")
ax2 = ax.twinx()
ax2.plot(t_real[:n], poses_real[:n, pose_real.FOOT[0], 1], color="tab:orange", label="predicted left ankle, forward")
landed = pose_real.predicted_contacts(poses_real[:n], cfg.fs_hz)[0]
ax2.plot(t_real[landed], poses_real[landed, pose_real.FOOT[0], 1], "v", color="tab:red", label="predicted contact")
ax.set(xlabel="time (s)", ylabel="force (N)", title="real recording: left force, predicted left ankle and contacts")
ax2.set_ylabel("ankle y (m, pelvis-centred)")
ax2.legend(loc="upper right", fontsize=8)
strip = fig.add_subplot(2, 1, 2)
frames = np.linspace(0, n - 1, 10).astype(int)
plots.skeleton_strip(strip, poses_real[frames], [f"{t_real[i]:.1f} s" for i in frames], view="side")
fig.tight_layout()

# %%
agreement = pd.concat([pose_real.contact_agreement(r, t, p).assign(fold=k, recording=f"recording {i + 1}")
                       for k, preds in enumerate(predicted_by_fold)
                       for i, (r, (t, p)) in enumerate(zip(real_recs, preds))], ignore_index=True)
display(pose_real.onsets_by_fold(agreement).round(1))
matched_fraction = agreement["matched within 0.15 s"].sum() / max(agreement["force onsets"].sum(), 1)
display(pose_real.onsets_verdict(agreement))
steps = pd.DataFrame([pose_real.step_time(r, t, p) | {"fold": k, "recording": f"recording {i + 1}"}
                      for k, preds in enumerate(predicted_by_fold)
                      for i, (r, (t, p)) in enumerate(zip(real_recs, preds))]).set_index(["recording", "fold"])
display(steps.sort_index().round(3))
step_error = float(steps["error (s)"].abs().mean())
display(pose_real.step_time_verdict(steps))

# %% [markdown]
# The first table gives each recording's share beside each model's. Where
# each recording's walking lies against the walking the models trained on
# (the simulated cohort's 5–95 % range of cadence and of stance duration, in
# the column names): a recording outside it asks the models to extrapolate.

# %%
display(pose_real.coverage(real_recs, pose_real.walking_segments(trials), agreement).round(2))

# %% [markdown]
# Where in a walk are the onsets missed? Each foot's first and last force
# onset of a recording belong to starting and stopping; the others lie inside
# the walk. The matches of the fold models, pooled, split that way:

# %%
matches = pd.concat([pose_real.onset_matches(r, t, p).assign(fold=k, recording=f"recording {i + 1}")
                     for k, preds in enumerate(predicted_by_fold)
                     for i, (r, (t, p)) in enumerate(zip(real_recs, preds))], ignore_index=True)
display(pose_real.onsets_by_place(matches).round(1))

# %% [markdown]
# How far does a foot travel in each of those steps? The insoles' own IMU
# tells, without the model: a foot is flat and still at mid-stance, so each
# swing can be integrated from the middle of one stance to the middle of the
# next with zero velocity at both ends (`stride.swings`, a zero-velocity
# update). That gives the foot's travel, a stride length. On the simulated
# walks the same estimate is set against the motion capture, and their swings
# stand beside the real ones:

# %%
swings_real = pd.concat([stride.swings(r).assign(recording=f"recording {i + 1}")
                         for i, r in enumerate(real_recs)], ignore_index=True)
swings_sim = stride.walk_swings(trials[:16]).assign(recording="simulated walks")
travel = stride.travel_by_place(pd.concat([swings_real, swings_sim], ignore_index=True))
display(travel.round(2))
estimate = (swings_sim["travel (m)"] / swings_sim["true (m)"]).dropna()
real_inside = swings_real[swings_real["step"] == "inside"].groupby("recording")["travel (m)"].median()
feet = travel[("right / left", "inside")]
truth = swings_sim[swings_sim["step"] == "inside"].groupby("side")["true (m)"].median()
print(f"The estimate on {len(estimate)} simulated swings: {estimate.median():.2f} × their travel in the motion capture "
      f"(10–90 %: {estimate.quantile(0.1):.2f}–{estimate.quantile(0.9):.2f}). Inside a walk, the real feet travel "
      f"{real_inside.min():.2f}–{real_inside.max():.2f} m per swing (median per recording), the simulated ones "
      f"{swings_sim.loc[swings_sim['step'] == 'inside', 'true (m)'].median():.2f} m (motion capture, median). "
      f"One foot's estimate against the other's (right / left, inside a walk): {feet.drop('simulated walks').min():.2f}–"
      f"{feet.drop('simulated walks').max():.2f} on the real insoles, {feet['simulated walks']:.2f} on the simulated "
      f"ones, whose motion capture gives {truth['right'] / truth['left']:.2f}: each insole's estimate has an error of "
      f"its own, which the medians over both feet average.")

# %% [markdown]
# ### A control on simulated walking
#
# The same check on the simulated walking of the subjects fold 0's model
# never saw, where the truth is known: once with the model's predicted poses,
# once with the *true* poses through the same contact detector. The true poses
# test the detector; the predicted ones, the model on its own kind of data.
# The detector needs no model, so its verdict takes every subject's walks.

# %%
test_trials = [t for t in trials if t.subject in full.folds[0].test_subjects]
control = pose_real.simulated_control(model, test_trials, window=cfg.window_frames, fs_hz=cfg.fs_hz,
                                      input_norm=cfg.input_norm)
control["matched (%)"] = 100 * control["matched within 0.15 s"] / control["force onsets"]
display(control.round(1))
display(pose_real.control_verdict(control))
truth = pose_real.walking_agreement(None, trials, window=cfg.window_frames, fs_hz=cfg.fs_hz)
display(pose_real.detector_verdict(truth))

# %% [markdown]
# ### Real and simulated signals, channel by channel
#
# How far does the real walking lie from the simulated walking, in each of
# the model's input channels? The two-sample Kolmogorov–Smirnov distance
# (0 = identical, 1 = disjoint) between the frames of the four real recordings
# and those of simulated walking segments, both from the first to the last
# complete stance (standing before and after a walk left out): raw, and as
# the model sees them. Where a channel stays above 0.2, the last column says
# what in the physics keeps it there.

# %%
sim_walk = pose_real.walking_segments(trials[:20])
window = int(round(cfg.window_s * 100))  # the model's window at the insoles' 100 Hz (relative yaw)
shift = pose_real.shift_table(sim_walk, real_recs, input_norm=cfg.input_norm, window=window)
with pd.option_context("display.max_colwidth", 200, "display.max_rows", 60):
    display(shift.round(2))
display(pose_real.shift_verdict(shift))

# %% tags=["hide-input"]
top = list(shift.index[:6])
sim_frames = pose_real.input_frames(sim_walk, input_norm=cfg.input_norm, window=window, walking_only=True)
real_frames = pose_real.input_frames(real_recs, input_norm=cfg.input_norm, window=window, walking_only=True)
both = pd.concat([f[top].sample(4000, random_state=0, replace=True).assign(recordings=kind)
                  for f, kind in ((sim_frames, "simulated"), (real_frames, "real"))]).melt(id_vars="recordings")
g = sns.catplot(data=both, x="recordings", y="value", col="variable", kind="violin", sharey=False, height=2.8,
                aspect=0.6, cut=0, inner="quartile", col_wrap=6)
g.set_titles("{col_name}")
_ = g.set_axis_labels("", "")

# %% [markdown]
# ### Is it the channels' distributions? A transplant
#
# The KS table says which channels differ, not whether the model stumbles on
# those differences. To find out, the control's simulated walking is fed to the
# model again with one group of its input channels mapped, quantile by
# quantile, onto the real walking's distribution
# (`pose_transplant.quantile_map`): each channel then has the real marginal
# distribution, while its timing and how it moves with the other channels stay
# simulated. The force onsets to match are the simulated ones, unchanged. If
# mapping every channel brings the control down to the real score, the
# distributions are the gap; what it does not close lies in the joint and
# temporal structure of real walking, which no per-channel map carries.

# %%
fold0 = agreement[agreement["fold"] == 0]                     # the model the control and the KS table use
fold0_matched = 100 * fold0["matched within 0.15 s"].sum() / fold0["force onsets"].sum()
transplant = pose_transplant.transplant_table(model, test_trials, sim_frames, real_frames, window=cfg.window_frames,
                                              fs_hz=cfg.fs_hz, input_norm=cfg.input_norm,
                                              real_matched=fold0_matched)
display(transplant.round(2))
display(pose_transplant.transplant_verdict(transplant))

# %% [markdown]
# One piece of that temporal structure is measured in the data chapter
# (*How realistic is simulated walking?*): within a stance the real centre of
# pressure rolls from heel to toes once, the simulated one travels back toward
# the heel, and the simulated body loses most of its forward speed at each heel
# strike, where the kinematic placement hands the body over from one planted
# foot to the other.

# %% [markdown]
# ### Robust to the device: the options side by side
#
# Two options make the model less sensitive to the insoles it reads: the
# per-recording normalisation above (`input_norm`) and a device augmentation
# of the training windows (`augment`: each window's cell sensitivities, the
# share of the weight the insoles register, the orientation filter's drift and
# the insole's tilt redrawn within the ranges measured on real insoles,
# `humaps.training.augment`). Models of fold 0, one per option (this
# chapter's own for the option it uses), scored the same way. The default is
# chosen on simulated *validation* subjects only (inside fold 0's training
# subjects), never on its test subjects or the real-recording columns: the
# option with the lowest validation MPJPE. Each real-recording column is one model's score: the
# spread between the fold models above is the scale to read their differences
# against. Beside it, an unsupervised view of the same question: how close
# each option's training inputs lie to the real inputs (the mean KS distance
# over the input channels, real walking against simulated walking as the
# option trains on it).

# %%
import dataclasses

from humaps.config import update
from humaps.experiments import pose_options

variant_data = {norm: pose_data(dataclasses.replace(run, configs={**run.configs, "pose": update(cfg, input_norm=norm)}),
                                show=False) for norm in ("none", "device")}
option_models = pose_options.option_folds(cfg, pose_options.NormData(**variant_data), full.folds[0])
options = pose_options.compare(option_models, test_trials, real_recs, window=cfg.window_frames, fs_hz=cfg.fs_hz)
options["mean KS, real vs training inputs"] = [
    pose_real.shift_table(sim_walk, real_recs, input_norm=norm, window=window, augment=aug)["KS, model input"].mean()
    for norm, aug in (pose_options.OPTIONS[name] for name in options.index)]
display(options.round(3))
for v in pose_options.verdicts(options, cfg):
    display(v)

# %% [markdown]
# ## How the results were obtained
#
# The frame the models are scored in, the windows, the training and its
# selection on validation subjects, the choices the paper leaves open, and
# the speed.

# %% [markdown]
# ### What the insoles can know: the heading
#
# The paper expresses poses in a pelvis-centred frame: the pelvis is moved to
# the origin, but the body keeps the direction it faces in the room. Insoles
# cannot see that direction. They have no magnetometer, and the heading an
# orientation filter integrates from the gyroscope starts at an arbitrary value
# and drifts. In the simulated cohort every trial starts facing a random
# direction, as people do in a lab. So in the paper's frame, *where* the
# shoulders and feet lie horizontally depends on something no insole signal
# carries.
#
# This companion therefore trains and scores every model in a
# **heading-normalised frame** (the root's yaw removed frame by frame, so the
# body always faces +y), as the sparse-IMU pose literature does, and reports
# the paper's frame beside it. To get back to the paper's frame, a
# prediction's heading has to be guessed; the guess that minimises the
# expected error over the headings seen in training replaces the unknown
# rotation by its average, which for uniformly spread headings shrinks the
# horizontal coordinates toward the vertical axis through the pelvis. Even the
# *true* pose, mapped this way, keeps an error: the floor below which no
# insole-driven model can go in the paper's frame.

# %% [markdown]
# ### Data
#
# Windows of `window_s` seconds slide with `stride_s` over every trial of the
# cohort, read back from its device files; windows crossing a long
# motion-capture gap are dropped and counted.

# %% tags=["nbval-check-output"]
print(f"{len(data)} windows of {data.P.shape[1]} frames at {data.fs:g} Hz from "
      f"{len(set(data.subject))} subjects; {data.dropped_gaps} windows dropped (mocap gaps)")

# %% [markdown]
# ### Training the full model (4 folds)
#
# Each fold's subjects are split three ways: its test subjects, scored once
# at the end; validation subjects, drawn from the others; and the training
# subjects. Settings chosen by looking at results are chosen on the
# validation subjects only: the epoch (training keeps the weights of the epoch
# with the lowest validation MPJPE) and, where the profile gives candidates
# (`w_mpjae_grid`), the weight of the MPJAE loss (one model per candidate; the
# fold keeps the one with the lowest validation MPJPE). The book profile trains
# the weight 0.3, which the validation subjects of all four folds chose over
# 1.0 when it tried both (`humaps/experiments/pose_config.py`). The baselines
# below are selected the same way, from as many candidates.

# %%
per_fold = pd.DataFrame([{"fold": f.job.fold, "test subjects": " ".join(f.test_subjects),
                          "validation subjects": " ".join(f.val_subjects), "training windows": f.n_train,
                          "test windows": f.n_test, "MPJAE weight": f.setting["w_mpjae"], "epoch": f.best_epoch,
                          **{f"MPJPE (cm), {FRAMES[fr]}": round(f.metrics(fr)["mpjpe_cm"], 2) for fr in FRAMES}}
                         for f in full.folds]).set_index("fold")
per_fold

# %% [markdown]
# What selection compared, fold by fold, on the validation subjects:

# %%
full.candidates.rename(columns={"w_mpjae": "MPJAE weight"}).set_index(["fold", "MPJAE weight"]).round(2)

# %% tags=["hide-input"]
curves = pd.concat([pd.DataFrame(f.curves).assign(fold=f.job.fold) for f in full.folds])
loss_cols = [c for c in curves.columns if c.startswith("loss_")]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
long = curves.melt(id_vars=["epoch", "fold"], value_vars=loss_cols, var_name="term", value_name="loss")
long["term"] = long["term"].str.replace("loss_", "", regex=False)
sns.lineplot(data=long, x="epoch", y="loss", hue="term", ax=axes[0], errorbar="sd")
axes[0].set(yscale="log", title="training loss terms (mean ± sd over folds)")
sns.lineplot(data=curves, x="epoch", y="valid_mpjpe_cm", hue="fold", ax=axes[1], palette="crest")
axes[1].set(ylabel="MPJPE on the validation subjects (cm)", title="validation MPJPE per epoch (selects the epoch)")
fig.tight_layout()

# %% [markdown]
# Has training converged? If it has, the validation MPJPE no longer moves
# across the last quarter of the epochs; fold by fold:

# %%
display(pose_report.converged(full))

# %% [markdown]
# ### Choices the paper leaves open
#
# The paper fixes the width (576 for the transformer, $\mathbf{z}$ and
# $\mathbf{z}^{pose}$), the encoders' structure, the loss terms and the
# 4-fold subject-wise protocol. What we chose where it is silent, and why:
#
# | choice | ours | why |
# | --- | --- | --- |
# | frame of training and scoring | heading-normalised | the insoles cannot see the heading (above) |
# | the two transformer streams | pressure stream and IMU/force stream, symmetric cross-attention | the paper names two streams and two encoders |
# | positional embedding | none | the encoders' LSTMs already make each frame order-aware |
# | supervision of the pose encoder | decode $\mathbf{z}^{pose}$ with the same decoder | without a target of its own, $\mathbf{z}$ and $\mathbf{z}^{pose}$ could both collapse |
# | cycle losses | L1 in z-scored units | PressNet/AccelNet predict z-scores, so both terms have the same scale |
# | poses on the insole grid | 120 Hz mocap resampled at the window rate | one clock for inputs and targets |
#
# The model at this run's profile, block by block:

# %% tags=["hide-output"]
summary = pose_model_summary(cfg)
print(f"{int(summary.iloc[-1]['parameters']):,} parameters at profile {profile!r} (pose encoder included)")
summary

# %% [markdown]
# ### Speed
#
# Training time per fold and batch inference throughput on this machine
# (`benchmarks/bench_pose.py` measures streaming inference too). The
# real-time factor is pose frames per second divided by the rate the model
# predicts at (`fs_hz`).

# %%
speed = pd.DataFrame([{"fold": f.job.fold, "training (s)": f.train_seconds,
                       "inference (frames/s)": f.inference_frames_per_s} for f in full.folds]).set_index("fold")
speed["real-time factor"] = speed["inference (frames/s)"] / cfg.fs_hz
speed.round(1)

# %%
chapter.record(**{"pose.mpjpe_cm.heading": model_h, "pose.mpjpe_cm.paper": model_p,
                  "pose.mpjae_deg.heading": full.mean("heading", "mpjae_deg"),
                  "pose.baseline.mean_pose.mpjpe_cm.heading": mean_h,
                  "pose.baseline.ridge.mpjpe_cm.heading": ridge_h,
                  "pose.baseline.mean_pose.mpjpe_cm.paper": base["mean_pose"].mean("paper"),
                  "pose.floor.mpjpe_cm.paper": floor_p,
                  "pose.real.onsets_matched_fraction": matched_fraction,
                  "pose.real.step_time_error_s": step_error})
