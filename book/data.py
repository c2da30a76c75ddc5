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
# # The data: a simulated HUMAPS-4D cohort, or your recordings
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
#    skeleton TSV, an annotation CSV and a manifest (`subjects.csv`,
#    `trials.csv`), and **read back by the loaders that read real
#    recordings**. Everything below comes from the files read back.
#
# With `-p recordings DIR` (see the introduction) this chapter reads that
# folder instead, through the same loader: every section below describes it,
# the sections that need what the folder lacks (motion capture, annotations)
# say so and are skipped, and a last section sets the folder's walking beside
# the simulated cohort's.

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import display

from humaps import chapter, plots
from humaps.actions import CATEGORIES, CATEGORY_OF, CLASS_NAMES
from humaps.data import realism, source
from humaps.data.clock_offset import offset_table
from humaps.data.cohort import simulate_subject
from humaps.data.features import activity_windows
from humaps.graphs import FootGraph, SkeletonGraph
from humaps.report import verdict

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper; any hyperparameter can be passed too: `python -m humaps profiles`
recordings = None  # a folder of device exports and their manifest (None: the simulated cohort)

# %%
run = chapter.setup(globals(), "cohort", before=_before)
cfg = run["cohort"]

# %% [markdown]
# ## The source
#
# Which folder the chapter read, how much it holds, which files in it were
# not read and why, and which clock offsets were estimated from the data
# because the manifest left them blank.

# %%
src = source.load(run)
subjects, trials, about = src.subjects, src.trials, src.summary
with_mocap = source.with_mocap(trials)
annotated = [t for t in trials if t.annotations is not None]
display(about)

# %% tags=["nbval-check-output"]
print(f"{about.n_subjects} subjects, {about.n_trials} trials, {about.hours:.3f} h of insole recordings; "
      f"motion capture in {about.n_mocap}, annotations in {about.n_annotated} of {about.n_trials} trials")
chapter.record(**{"data.subjects": about.n_subjects, "data.trials": about.n_trials,
                  "data.hours": round(about.hours, 4)})

# %% [markdown]
# ## The cohort

# %% tags=["nbval-check-output"]
shown = [c for c in ("subject", "sex", "age", "height_m", "mass_kg", "insole_size", "walk_cadence_spm") if c in subjects]
subjects[shown].describe(include="all").reindex(["count", "mean", "std", "min", "max"]).round(2)

# %% [markdown]
# ## Sensors and graphs
#
# The Moticon OpenGo layout (the paper's Figure 5): 16 cells per insole, drawn
# to scale of their area, numbered as in the device's export. The pose model's
# pressure encoder runs a graph convolution over each foot's cell graph (edges:
# the Delaunay triangulation of the cell centroids); the pose encoders use the
# skeleton's bones.

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 3, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1.1, 1.1, 1.4]})
for ax, graphed in zip(axes[:2], (False, True)):
    for side, x0 in (("left", 0.0), ("right", 0.5)):
        plots.insole_layout(ax, side=side, x0=x0, graph=FootGraph(side=side) if graphed else None)
    ax.set_title("cell layout (left, right)" if not graphed else f"foot graphs ({FootGraph().n_edges} edges each)")
skel, sub = SkeletonGraph(), SkeletonGraph(without_arms=True)
if with_mocap:
    pos = with_mocap[0].mocap.positions
    rest = pos[np.isfinite(pos).all(axis=(1, 2))][0]
    plots.draw_skeleton(axes[2], rest - rest[0], view="front", color="0.3", lw=1.0)
    plots.draw_graph(axes[2], rest - rest[0], sub, view="front")
else:
    axes[2].text(0.5, 0.5, "no motion capture\nin this folder", ha="center", va="center", transform=axes[2].transAxes)
axes[2].set_title(f"skeleton graph: {skel.n_nodes} joints, {skel.n_edges} bones\n"
                  f"(pose encoder of §6: {sub.n_nodes} non-arm joints)")
axes[2].set_axis_off()
fig.tight_layout()

# %% [markdown]
# ## One gait cycle, as the insoles see it
#
# A left stance from the first trial's walking segment (a trial without
# annotations: its whole recording): the pressure map at eight moments, then
# the foot's total force and centre of pressure over the stance. In the
# device's convention, COP X runs along the insole (toward the toes) and Y
# across it (toward the medial side). Force is in body weights: the subject's
# `mass_kg` × g, or, where `subjects.csv` leaves it blank, the body weight
# estimated from the force over whole strides.

# %% tags=["hide-input"]
found = source.first_stance(trials, subjects)
if found is None:
    print("skipped: no complete gait stance in any walking stretch")
else:
    tr, walk, (on, off), bw = found
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

# %% tags=["hide-input"]
if annotated:
    ann = pd.concat([t.annotations.assign(subject=t.subject) for t in annotated], ignore_index=True)
    ann["duration_s"] = ann["end_s"] - ann["start_s"]
    ann["category"] = ann["label"].map(CATEGORY_OF)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    sns.violinplot(data=ann, x="category", y="duration_s", order=list(CATEGORIES), cut=0, inner="quartile", ax=ax)
    ax.axhline(3.0, color="k", ls="--", lw=1)
    ax.set(ylabel="action duration (s)", xlabel="", title="Action durations per category (cf. the paper's Figure 11)")
    fig.tight_layout()
else:
    print(f"skipped: no annotations in {about.folder} (annotations_file blank for all {about.n_trials} trials)")

# %% tags=["nbval-check-output"]
if annotated:
    short = ann.groupby("category")["duration_s"].agg(actions="count", median_s="median",
                                                      shorter_than_3s=lambda d: int((d < 3).sum()))
    short = short.reindex([c for c in CATEGORIES if c in short.index])
    display(short.round(2))
    share = short["shorter_than_3s"] / short["actions"]
    display(verdict("Dynamic actions (jumps) are the category most often shorter than the 3-s window",
                    share.idxmax() == "Dynamic",
                    ", ".join(f"{c} {v:.0%}" for c, v in share.items()) + " of actions shorter than 3 s"))
else:
    print("skipped: action durations need annotations")

# %% [markdown]
# A snapshot of every class, mid-action, from the motion capture of the first
# trial that has both motion capture and annotations (side view,
# pelvis-centred; a class the trial lacks shows the last frame):

# %% tags=["hide-input"]
both = [t for t in with_mocap if t.annotations is not None]
if both:
    mo, first = both[0].mocap, both[0].annotations.drop_duplicates("label").set_index("label")
    mid = ((first["start_s"] + first["end_s"]) / 2).reindex(CLASS_NAMES)
    idx = np.clip(np.searchsorted(mo.time + both[0].mocap_offset_s, mid.to_numpy()), 0, mo.n_frames - 1)
    fig, axes = plt.subplots(5, 1, figsize=(10, 11))
    for row, ax in enumerate(axes):
        k = slice(row * 6, row * 6 + 6)
        names = [n.replace(" the ", " ").replace("Putting ", "").replace(" on ", "\non ") for n in CLASS_NAMES[k]]
        plots.skeleton_strip(ax, np.nan_to_num(mo.positions[idx[k]]), names, view="side", spacing=1.0)
    fig.tight_layout()
else:
    print("skipped: no trial has both motion capture and annotations")

# %% [markdown]
# ## Windows for activity recognition
#
# The paper's rule (section 7): a window is the first 3 s from each action's
# onset; when an action is shorter than 3 s, the window is kept only if one
# class covers more than 60 % of it, and is then labelled with that class.
# Windows that run past the end of a stream, or cross a long motion-capture
# gap, are dropped too — every exclusion is counted.

# %% tags=["nbval-check-output"]
if both:
    windows = activity_windows(both)
    counts = windows.counts.reindex(list(CATEGORIES)).fillna(0).astype(int)
    counts.loc["total"] = counts.sum()
    print(f"{len(windows.label)} windows from {len(both)} of {len(trials)} trials: insole {windows.insole.shape[1:]} "
          f"at 100 Hz, pose {windows.pose.shape[1:]} at 120 Hz")
    chapter.record(**{"data.activity_windows": len(windows.label)})
    display(counts)
else:
    print("skipped: activity windows need annotations and motion capture; no trial has both")

# %% tags=["nbval-check-output"]
fills = pd.DataFrame([{"trial": f"{t.subject}_{t.trial_id}", **t.insole.filled} for t in trials]).set_index("trial")
print("blank insole cells filled by the loader (summed over trials):")
print(fills.sum().to_string())
if with_mocap:
    gaps = sum(int(np.isnan(t.mocap.positions).any(axis=(1, 2)).sum()) for t in with_mocap)
    frames = sum(t.mocap.n_frames for t in with_mocap)
    print(f"\nmocap frames with at least one missing joint: {gaps} of {frames} ({gaps / frames:.2%})")
else:
    print("\nno motion capture: no mocap gaps to count")

# %% [markdown]
# ## The files are the data
#
# The experiments see only what the loaders read back. Re-simulating the first
# subject in memory and comparing it with the files shows what writing and
# reading the device formats costs: the export's rounding, nothing more. (On a
# recordings folder this runs only when the simulator wrote it — its Moticon
# exports say `Recording type: simulated` — and then compares it with this
# run's cohort parameters.)

# %% tags=["nbval-check-output"]
memory = simulate_subject((cfg, 0))[0] if source.is_simulated(trials) else None
disk = next((t for t in with_mocap if memory is not None and (t.subject, t.trial_id) == (memory.subject, memory.trial_id)),
            None)
if disk is None:
    print("skipped: not a folder written by the simulator, so there is nothing to simulate again")
else:
    n = min(memory.insole.n_frames, disk.insole.n_frames)
    rows = []
    for name, step in (("pressure", 0.005), ("acceleration", 5e-7), ("angular_rate", 5e-7), ("total_force", 0.005),
                       ("cop", 5e-7)):
        a, b = getattr(memory.insole, name)[:n], getattr(disk.insole, name)[:n]
        rows.append((f"insole {name}", float(np.nanmax(np.abs(a - b))), step))
    m = min(memory.mocap.n_frames, disk.mocap.n_frames)
    valid = np.isfinite(memory.mocap.positions[:m]) & np.isfinite(disk.mocap.positions[:m])
    rows.append(("mocap positions (m)", float(np.abs(memory.mocap.positions[:m] - disk.mocap.positions[:m])[valid].max()),
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
# recordings' own leave-one-out correlations. The simulated insoles' device
# values (IMU offsets, drift and noise, mounting tilt, the cells' noise, the
# merged clocks) are fitted on these recordings by `python -m humaps calibrate`
# (`humaps/sim/calibration.json` names the files). On a recordings folder the
# folder's walking takes the place of the simulated segments (labelled
# `recorded`); a folder holding these four recordings is not compared with
# itself.

# %% tags=["nbval-check-output"]
real_recs = realism.real_walking_recordings()
real = [realism.gait_statistics(r) for r in real_recs]
sim = source.walking_statistics(trials, subjects)  # this chapter's data: simulated, or the folder's recordings
what = "simulated" if source.is_simulated(trials) else "recorded"
itself = len(trials) == len(real_recs) and all(t.insole.n_frames == r.n_frames and np.array_equal(
    t.insole.pressure, r.pressure) for t, r in zip(trials, real_recs))
table = None
if itself:
    print(f"skipped: {about.folder} holds the real reference recordings themselves; the last section sets them "
          "beside the simulated cohort")
elif not sim:
    print(f"skipped: no complete gait stance in the {what} walking")
else:
    table = realism.compare(real, sim)
    if what == "recorded":
        table = table.rename(columns=lambda c: c.replace("sim ", "recorded "))
    print(f"{len(real)} real recordings, {len(sim)} {what} walking segments "
          f"({sim[0]['n_skipped']} skipped: no complete stance)")
    with pd.option_context("display.max_colwidth", 60):
        display(table.round(2))

# %% tags=["nbval-check-output"]
if table is not None:
    claims, lines, min_share = realism.verdicts(table, what)
    display(*claims)
    print("\n".join(lines))
    if what == "simulated":
        chapter.record(**{"data.realism.min_share_inside": min_share})
else:
    print("skipped: no comparison with the real reference (see above)")

# %% tags=["hide-input"]
if table is not None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    u = np.linspace(0, 100, len(real[0]["force_curve"]))
    for d in real:
        axes[0].plot(u, d["force_curve"], color="k", lw=1.2, alpha=0.7)
    for d in sim:
        axes[0].plot(u, d["force_curve"], color="tab:orange", lw=0.8, alpha=0.6)
    axes[0].set(xlabel="% of stance", ylabel="force (body weights)", title=f"stance force: real (black) vs {what}")
    cells = np.arange(1, 17)
    axes[1].plot(cells, np.mean([d["stance_pressure"] for d in real], 0), "k-o", label="real (mean)")
    axes[1].plot(cells, np.mean([d["stance_pressure"] for d in sim], 0), "-o", color="tab:orange",
                 label=f"{what} (mean)")
    axes[1].set(xlabel="cell", ylabel="mean stance pressure (N/cm²)", xticks=cells)
    axes[1].legend()
    fig.tight_layout()

# %% [markdown]
# ## Clock synchronisation
#
# Insoles and motion capture run on separate clocks, and a real session never
# records the offset between them exactly. When `trials.csv` leaves
# `mocap_offset_s` blank, the loader estimates it from the data: per foot, the
# insole IMU's angular-rate and specific-force magnitudes are cross-correlated
# with the same quantities computed from the motion-capture foot
# (`humaps.data.clock_offset`); the confidence says how clearly one lag wins.
# Here every trial whose offset the manifest *gives* is estimated again as if
# it were blank, and the estimate is compared with the given offset — on the
# simulated cohort that is the true offset the simulator drew (±50 ms).
# Offsets the loader had to estimate are listed with their confidence.

# %% tags=["nbval-check-output"]
given = [t for t in with_mocap if "offset_estimate" not in t.mocap.meta]
off = offset_table(given) if given else None
if off is not None:
    err = off["error_ms"].abs()
    within = float((err <= 10.0).mean())
    print(f"{len(off)} trials with a given offset, estimated again: |estimate − given| median {err.median():.1f} ms, "
          f"95th percentile {err.quantile(0.95):.1f} ms, max {err.max():.1f} ms; confidence "
          f"{off['confidence'].min():.2f}–{off['confidence'].max():.2f}, trusted {int(off['trusted'].sum())} of {len(off)}")
    display(verdict("The estimated clock offset is within 10 ms of the given one for at least 95 % of trials",
                    within >= 0.95, f"{int((err <= 10.0).sum())} of {len(off)} trials ({within:.0%})"))
    chapter.record(**{"data.clock_offset.within_10ms_fraction": within})
elif not with_mocap:
    print("skipped: no motion capture, so no clock to synchronise")
else:
    print("every offset was left blank in trials.csv: estimated at load, listed below")

# %%
if about.estimated:  # offsets the loader estimated because trials.csv left them blank
    display(pd.DataFrame(about.estimated, columns=["trial", "estimated offset (ms)", "confidence", "trusted"]).round(2))

# %% tags=["hide-input"]
if off is not None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
    axes[0].hist(off["error_ms"], bins=np.linspace(-10, 10, 41), color="tab:blue")
    axes[0].set(xlabel="estimate − given offset (ms)", ylabel="trials", title="clock-offset estimation error")
    axes[1].scatter(off["confidence"], off["error_ms"].abs(), s=14)
    axes[1].set(xlabel="confidence", ylabel="|error| (ms)", title="error against confidence")
    fig.tight_layout()

# %% [markdown]
# ## Your recordings beside the simulated cohort
#
# On a recordings folder, its walking (annotated `Walking` segments; the whole
# recording of a trial without annotations, of which only complete gait
# stances count) is set beside the walking of the simulated cohort at the
# same profile: first each recording's statistics, then the folder's range
# against the simulated spread, read as the table above (`recordings` in
# place of `real`). Force is in body weights from `mass_kg`, or, where
# `subjects.csv` leaves it blank, from the body weight the force itself gives.

# %%
if run.recordings is None:
    print("this chapter reads the simulated cohort; run it with `-p recordings DIR` to set a folder beside it")
elif not sim:
    print(f"skipped: no complete gait stance in the walking of {about.folder}")
else:
    own = pd.DataFrame([{"recording": f"{d['subject']} {d['trial']}",
                         **{label: d[k] for k, label in realism.SCALARS.items()}} for d in sim]).set_index("recording")
    print(f"{len(sim)} walking stretches of {about.folder} ({sum(d['body_weight_estimated'] for d in sim)} with the "
          "body weight estimated from the force):")
    display(own.T.round(2))

# %%
if run.recordings is not None and sim:
    cohort_src = source.load(dataclasses.replace(run, recordings=None))
    cohort_walk = source.walking_statistics(cohort_src.trials, cohort_src.subjects)
    beside = realism.compare(sim, cohort_walk).rename(columns=lambda c: c.replace("real", "recordings"))
    beside["verdict"] = beside["verdict"].str.replace("real", "recordings")
    print(f"beside {len(cohort_walk)} walking segments of the simulated cohort ({cohort_src.summary.n_subjects} "
          f"subjects, profile {run.profile}):")
    with pd.option_context("display.max_colwidth", 60):
        display(beside.round(2))
    fig, ax = plt.subplots(figsize=(6, 3.6))
    u = np.linspace(0, 100, len(sim[0]["force_curve"]))
    for d in cohort_walk:
        ax.plot(u, d["force_curve"], color="tab:orange", lw=0.8, alpha=0.5)
    for d in sim:
        ax.plot(u, d["force_curve"], color="k", lw=1.4)
    ax.set(xlabel="% of stance", ylabel="force (body weights)", title="stance force: recordings (black) vs simulated")
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
