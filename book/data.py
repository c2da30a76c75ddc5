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
# # The data: a simulated HUMAPS-4D cohort
#
# The HUMAPS-4D recordings are not public, so this companion simulates a
# cohort and runs both experiments on it. The simulation is built so that the
# insole signals follow from the body's motion by physics, never from the
# action label:
#
# 1. **Bodies.** Each subject gets sampled anthropometrics (sex, height, mass,
#    segment lengths, masses and centres of mass from standard tables, insole
#    size from foot length) and a personal motion style.
# 2. **Motions.** Each of the 30 classes is a parametric motion program that
#    drives the joint angles of the 24-segment Qualisys skeleton and its root
#    through forward kinematics; a trial strings all 30 together in a shuffled
#    order with neutral-stance transitions.
# 3. **Insoles.** The vertical ground reaction force follows from the mass and
#    the centre-of-mass acceleration (plus external loads: a bag, a stool, a
#    hand on the ground); the centre of pressure from the inverted-pendulum
#    relation, shared between the feet by contact; 16 cell pressures per foot
#    from force and centre of pressure on the OpenGo layout; the IMU from the
#    foot's simulated motion.
# 4. **Devices.** Every trial is written as a Moticon OpenGo text export, a QTM
#    skeleton TSV, an annotation CSV and a manifest, and **read back by the
#    loaders that read real recordings**. Everything below comes from the
#    files read back.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps import insole, plots
from humaps.actions import CATEGORIES, CATEGORY_OF, CLASS_NAMES
from humaps.config import collect
from humaps.data import cohort, realism
from humaps.data.cohort import simulate_subject
from humaps.data.features import activity_windows
from humaps.graphs import FootGraph, SkeletonGraph
from humaps.provenance import show_run
from humaps.report import verdict
from humaps.skeleton import JOINTS

pd.set_option("display.precision", 3)
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

# %%
run = collect(globals(), "cohort", before=_before)
cfg = run["cohort"]
show_run(run)

# %%
subjects, trials = cohort.load(cfg)
print(f"{len(subjects)} subjects, {len(trials)} trials read back from {cohort.cohort_directory(cfg).name}/")

# %% [markdown]
# ## The cohort

# %% tags=["nbval-check-output"]
subjects[["subject", "sex", "age", "height_m", "mass_kg", "insole_size", "walk_cadence_spm"]].describe(
    include="all").loc[["count", "mean", "std", "min", "max"]].round(2)

# %% [markdown]
# ## Sensors and graphs
#
# The Moticon OpenGo layout (the paper's Figure 5): 16 cells per insole, drawn
# to scale of their area, numbered as in the device's export. The pose model's
# pressure encoder runs a graph convolution over each foot's cell graph (edges:
# the Delaunay triangulation of the cell centroids); the pose encoders use the
# skeleton's bones.

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1.1, 1.1, 1.4]})
for ax, graphed in zip(axes[:2], (False, True)):
    for side, x0 in (("left", 0.0), ("right", 0.5)):
        plots.insole_layout(ax, side=side, x0=x0, graph=FootGraph(side=side) if graphed else None)
    ax.set_title("cell layout (left, right)" if not graphed else f"foot graphs ({FootGraph().n_edges} edges each)")
skel = SkeletonGraph()
rest = trials[0].mocap.positions[np.isfinite(trials[0].mocap.positions).all(axis=(1, 2))][0]
plots.draw_skeleton(axes[2], rest - rest[0], view="front", color="0.3", lw=1.0)
sub = SkeletonGraph(without_arms=True)
plots.draw_graph(axes[2], rest - rest[0], sub, view="front")
axes[2].set_title(f"skeleton graph: {skel.n_nodes} joints, {skel.n_edges} bones\n"
                  f"(pose encoder of §6: {sub.n_nodes} non-arm joints)")
axes[2].set_axis_off()
fig.tight_layout()

# %% [markdown]
# ## One gait cycle, as the insoles see it
#
# A left stance from the first trial's walking segment: the pressure map at
# eight moments, then the foot's total force and centre of pressure over the
# stance. In the device's convention, COP X runs along the insole (toward the
# toes) and Y across it (toward the medial side).

# %%
tr = trials[0]
seg = tr.annotations[tr.annotations["label"] == "Walking"].iloc[0]
walk = tr.insole.between(seg.start_s, seg.end_s)
(stances, bw) = realism.gait_stances(walk, subjects.set_index("subject").loc[tr.subject, "mass_kg"] * 9.81)
on, off = stances[0][0][0], stances[0][1][0]
moments = np.linspace(on, off - 1, 8).astype(int)
fig = plt.figure(figsize=(11, 6))
vmax = float(walk.pressure[on:off, 0].max())
for k, i in enumerate(moments):
    ax = fig.add_subplot(2, 8, k + 1)
    sc = plots.insole_layout(ax, side="left", values=walk.pressure[i, 0], vmax=vmax, numbers=False)
    ax.set_title(f"{(i - on) / (off - on) * 100:.0f} %", fontsize=9)
fig.colorbar(sc, ax=fig.axes, shrink=0.4, label="N/cm²", location="right")
t = (np.arange(on, off) - on) / walk.rate_hz
ax = fig.add_subplot(2, 2, 3)
ax.plot(t, walk.total_force[on:off, 0] / bw)
ax.set(xlabel="time in stance (s)", ylabel="left force (body weights)")
ax = fig.add_subplot(2, 2, 4)
ax.plot(t, walk.cop[on:off, 0, 0], label="X (along, toes +)")
ax.plot(t, walk.cop[on:off, 0, 1], label="Y (across, medial +)")
ax.set(xlabel="time in stance (s)", ylabel="left COP (−0.5…0.5)")
_ = ax.legend(fontsize=8)

# %% [markdown]
# ## Actions and their durations
#
# Each subject performs every class once per repetition. The paper's Figure 11
# motivates 3-second windows with the distribution of action durations; the
# 60 % rule exists for the actions shorter than 3 s. Which ones are short here
# is computed below.

# %%
ann = pd.concat([t.annotations.assign(subject=t.subject) for t in trials], ignore_index=True)
ann["duration_s"] = ann["end_s"] - ann["start_s"]
ann["category"] = ann["label"].map(CATEGORY_OF)
fig, ax = plt.subplots(figsize=(8, 3.5))
sns.violinplot(data=ann, x="category", y="duration_s", order=list(CATEGORIES), cut=0, inner="quartile", ax=ax)
ax.axhline(3.0, color="k", ls="--", lw=1)
ax.set(ylabel="action duration (s)", xlabel="", title="Action durations per category (cf. the paper's Figure 11)")
fig.tight_layout()

# %% tags=["nbval-check-output"]
short = ann.groupby("category")["duration_s"].agg(actions="count", median_s="median",
                                                  shorter_than_3s=lambda d: int((d < 3).sum()))
short = short.loc[list(CATEGORIES)]
display(short.round(2))
share = short["shorter_than_3s"] / short["actions"]
display(verdict("Dynamic actions (jumps) are the category most often shorter than the 3-s window",
                share.idxmax() == "Dynamic",
                ", ".join(f"{c} {v:.0%}" for c, v in share.items()) + " of actions shorter than 3 s"))

# %% [markdown]
# A snapshot of every class, mid-action, from the first trial's motion capture
# (side view, pelvis-centred):

# %%
mo, first = tr.mocap, tr.annotations.set_index("label")
mid = ((first["start_s"] + first["end_s"]) / 2).reindex(CLASS_NAMES)
idx = np.clip(np.searchsorted(mo.time + tr.mocap_offset_s, mid.to_numpy()), 0, mo.n_frames - 1)
fig, axes = plt.subplots(5, 1, figsize=(10, 11))
for row, ax in enumerate(axes):
    k = slice(row * 6, row * 6 + 6)
    names = [n.replace(" the ", " ").replace("Putting ", "").replace(" on ", "\non ") for n in CLASS_NAMES[k]]
    plots.skeleton_strip(ax, np.nan_to_num(mo.positions[idx[k]]), names, view="side", spacing=1.0)
fig.tight_layout()

# %% [markdown]
# ## Windows for activity recognition
#
# The paper's rule (section 7): a window is the first 3 s from each action's
# onset; when an action is shorter than 3 s, the window is kept only if one
# class covers more than 60 % of it, and is then labelled with that class.
# Windows that run past the end of a stream, or cross a long motion-capture
# gap, are dropped too — every exclusion is counted.

# %% tags=["nbval-check-output"]
windows = activity_windows(trials)
counts = windows.counts.loc[list(CATEGORIES)].copy()
counts.loc["total"] = counts.sum()
print(f"{len(windows.label)} windows: insole {windows.insole.shape[1:]} at 100 Hz, pose {windows.pose.shape[1:]} at 120 Hz")
counts

# %% tags=["nbval-check-output"]
fills = pd.DataFrame([{"trial": f"{t.subject}_{t.trial_id}", **t.insole.filled} for t in trials]).set_index("trial")
gaps = pd.Series({f"{t.subject}_{t.trial_id}": int(np.isnan(t.mocap.positions).any(axis=(1, 2)).sum())
                  for t in trials}, name="mocap frames with a gap")
print("blank insole cells filled by the loader (summed over trials):")
print(fills.sum().to_string())
print(f"\nmocap frames with at least one missing joint: {gaps.sum()} of "
      f"{sum(t.mocap.n_frames for t in trials)} ({gaps.sum() / sum(t.mocap.n_frames for t in trials):.2%})")

# %% [markdown]
# ## The files are the data
#
# The experiments see only what the loaders read back. Re-simulating the first
# subject in memory and comparing it with the files shows what writing and
# reading the device formats costs: the export's rounding, nothing more.

# %% tags=["nbval-check-output"]
memory = simulate_subject((cfg, 0))[0]
disk = next(t for t in trials if t.subject == memory.subject and t.trial_id == memory.trial_id)
n = min(memory.insole.n_frames, disk.insole.n_frames)
rows = []
for name, step in (("pressure", 0.005), ("acceleration", 5e-7), ("angular_rate", 5e-7), ("total_force", 0.005),
                   ("cop", 5e-7)):
    a, b = getattr(memory.insole, name)[:n], getattr(disk.insole, name)[:n]
    rows.append((f"insole {name}", float(np.nanmax(np.abs(a - b))), step))
m = min(memory.mocap.n_frames, disk.mocap.n_frames)
both = np.isfinite(memory.mocap.positions[:m]) & np.isfinite(disk.mocap.positions[:m])
rows.append(("mocap positions (m)", float(np.abs(memory.mocap.positions[:m] - disk.mocap.positions[:m])[both].max()),
             5e-6 + 1e-9))
roundtrip = pd.DataFrame(rows, columns=["channel", "max |memory − file|", "export rounding bound"])
display(roundtrip)
display(verdict("Reading the device files back reproduces the simulation up to the export's rounding",
                (roundtrip["max |memory − file|"] <= roundtrip["export rounding bound"] * 1.01).all(),
                f"{(roundtrip['max |memory − file|'] <= roundtrip['export rounding bound'] * 1.01).sum()} of "
                f"{len(roundtrip)} channels within bound"))

# %% [markdown]
# ## How realistic is simulated walking?
#
# The real reference: four Moticon OpenGo walking recordings (two people,
# insole sizes 7 and 3) shipped with the `moticon-opengo` package, read by the
# same loader. Each statistic is computed for every simulated walking segment
# and for every real recording. A row's verdict says whether the *median*
# simulated segment falls inside the range the real recordings span; the
# `segments inside` column says how much of the simulated spread does — four
# recordings of two people cannot span what 32 simulated people do, so the
# per-segment share is the stricter and more informative figure. The two shape
# rows compare correlations with the mean real curve against the real
# recordings' own leave-one-out correlations.

# %% tags=["nbval-check-output"]
real = [realism.gait_statistics(r) for r in realism.real_walking_recordings()]
sim = realism.simulated_walking(trials, subjects)
table = realism.compare(real, sim)
print(f"{len(real)} real recordings, {len(sim)} simulated walking segments "
      f"({sim[0]['n_skipped'] if sim else 0} skipped: no complete stance)")
with pd.option_context("display.max_colwidth", 60):
    display(table.round(2))

# %% tags=["nbval-check-output"]
inside = table["verdict"].eq("inside real range")
display(verdict("The median simulated walking segment falls inside the range of the real recordings "
                "for every statistic", inside.all(), f"{int(inside.sum())} of {len(table)} statistics"))
for row in table[~inside].itertuples(index=False):
    print(f"  - median {row.verdict}: {row.statistic} (real {row[1]:.2f}–{row[2]:.2f}, "
          f"simulated median {row[4]:.2f})")
SHARE = 75.0
wide = table["segments inside [%]"] < SHARE
display(verdict(f"For every statistic at least {SHARE:.0f} % of the simulated walking segments fall inside "
                "the real range", not wide.any(),
                f"{int((~wide).sum())} of {len(table)} statistics; "
                f"lowest {table['segments inside [%]'].min():.0f} % ({table.loc[table['segments inside [%]'].idxmin(), 'statistic']})"))
for row in table[wide].itertuples(index=False):
    print(f"  - {row.statistic}: {row[6]:.0f} % of segments inside (simulated 5–95 % {row[3]:.2f}–{row[5]:.2f}, "
          f"real {row[1]:.2f}–{row[2]:.2f})")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
u = np.linspace(0, 100, len(real[0]["force_curve"]))
for d in real:
    axes[0].plot(u, d["force_curve"], color="k", lw=1.2, alpha=0.7)
for d in sim:
    axes[0].plot(u, d["force_curve"], color="tab:orange", lw=0.8, alpha=0.6)
axes[0].set(xlabel="% of stance", ylabel="force (body weights)", title="stance force: real (black) vs simulated")
cells = np.arange(1, 17)
axes[1].plot(cells, np.mean([d["stance_pressure"] for d in real], 0), "k-o", label="real (mean)")
axes[1].plot(cells, np.mean([d["stance_pressure"] for d in sim], 0), "-o", color="tab:orange", label="simulated (mean)")
axes[1].set(xlabel="cell", ylabel="mean stance pressure (N/cm²)", xticks=cells)
axes[1].legend()
fig.tight_layout()

# %% [markdown]
# ## What the simulation does not capture
#
# - **Real people.** Motions are parametric programs, not recorded movement:
#   their variability (between subjects, repetitions and classes) is what the
#   programs sample, and it is smaller and more regular than real variability.
# - **Soft tissue, shoes and sensor physics.** Pressure cells are a smooth
#   kernel around the centre of pressure with measured per-cell weights; there
#   is no shoe, no cell hysteresis or temperature drift.
# - **Motion capture.** Joint positions are the simulated skeleton's, with
#   white noise and gaps; there are no marker swaps, soft-tissue artefacts or
#   skeleton-solver errors.
# - **Centre-of-mass timing in gait.** The body's height in walking follows
#   from the joint-angle programs and the foot geometry, not from a dynamic
#   model of the legs; the stance force curve, which is the body's vertical
#   acceleration shared between the feet, is only as realistic as those
#   programs (the shape row above measures how closely it follows the real
#   curves).
# - **Walking only is checked against real data.** The real reference is four
#   walking recordings; for the other 29 classes realism rests on the physics,
#   not on a measurement. The table above says where even walking falls
#   outside the real range.
