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
# cohort of people performing the paper's 30 actions, writes it in the
# devices' own formats, and reads it back with the loaders that read real
# recordings. This chapter shows what the experiments get: who is in the
# cohort, what the insoles record, how long the actions last and how many
# classification windows they give, and three checks with their verdicts —
# the files reproduce the simulation up to the export's rounding, the clocks
# of insoles and motion capture are recovered from the data, and simulated
# walking lies in the range of real Moticon recordings. How the cohort is
# simulated closes the chapter.
#
# With `-p recordings DIR` (see the introduction) this chapter reads that
# folder instead, through the same loader: every section below describes it,
# the sections that need what the folder lacks (motion capture, annotations)
# say so and are skipped, and a last section sets the folder's walking beside
# the simulated cohort's.

# %%
import dataclasses

import numpy as np
import pandas as pd
from IPython.display import display

from humaps.book import chapter
from humaps.book import cohort_figures as figures
from humaps.data import checks, realism, source

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
# Which folder the chapter read, how much it holds, and which of its files
# were not read and why.

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
# The Moticon OpenGo layout (the paper's Figure 5): 16 cells per insole, to
# scale, numbered as in the export. The pose model convolves over each foot's
# cell graph (Delaunay edges) and over the skeleton's bones.

# %% tags=["hide-input"]
_ = figures.sensors_and_graphs(with_mocap)

# %% [markdown]
# ## One gait cycle, as the insoles see it
#
# A left stance from the first walking segment: the pressure map at eight
# moments, then the foot's force (in body weights) and centre of pressure. COP
# X runs along the insole (toward the toes), Y across it (medial +).

# %% tags=["hide-input"]
found = source.first_stance(trials, subjects)
if found is None:
    print("skipped: no complete gait stance in any walking stretch")
else:
    tr, walk, (on, off), bw = found
    _ = figures.stance(walk, on, off, bw)

# %% [markdown]
# ## Actions and their durations
#
# The paper's Figure 11 motivates 3-second windows with the distribution of
# action durations; the 60 % rule exists for the actions shorter than 3 s.

# %% tags=["hide-input"]
if annotated:
    ann, short, dynamic_short = checks.action_durations(annotated)
    _ = figures.durations(ann)
else:
    print(f"skipped: no annotations in {about.folder} (annotations_file blank for all {about.n_trials} trials)")

# %% tags=["nbval-check-output"]
if annotated:
    display(short.round(2), dynamic_short)
else:
    print("skipped: action durations need annotations")

# %% [markdown]
# A snapshot of every class, mid-action, from the motion capture of the first
# trial that has both motion capture and annotations (side view,
# pelvis-centred; a class the trial lacks shows the last frame):

# %% tags=["hide-input"]
both = [t for t in with_mocap if t.annotations is not None]
if both:
    _ = figures.class_snapshots(both[0])
else:
    print("skipped: no trial has both motion capture and annotations")

# %% [markdown]
# ## Windows for activity recognition
#
# The paper's rule (section 7): a window is the first 3 s from each action's
# onset; when an action is shorter than 3 s, the window is kept only if one
# class covers more than 60 % of it, and is then labelled with that class.
# Windows past a stream's end or across a long motion-capture gap are dropped
# and counted.

# %% tags=["nbval-check-output"]
if both:
    line, counts, n_windows = checks.window_counts(both, len(trials))
    print(line)
    chapter.record(**{"data.activity_windows": n_windows})
    display(counts)
else:
    print("skipped: activity windows need annotations and motion capture; no trial has both")

# %% tags=["nbval-check-output"]
print(checks.loader_repairs(trials, with_mocap))

# %% [markdown]
# ## The files are the data
#
# The experiments see only what the loaders read back. Re-simulating the first
# subject in memory and comparing it with its files shows what the device
# formats cost: the export's rounding, nothing more (on a recordings folder,
# only when the simulator wrote it).

# %% tags=["nbval-check-output"]
roundtrip, reproduced, skipped = checks.readback_of(cfg, trials, with_mocap)
if roundtrip is None:
    print(skipped)
else:
    display(roundtrip, reproduced)

# %% [markdown]
# ## How realistic is simulated walking?
#
# The real reference: four Moticon OpenGo walking recordings (two people)
# shipped with the `moticon-opengo` package, read by the same loader. A row's
# verdict says whether the *median* simulated walking segment falls inside the
# range of the real recordings; `segments inside` says how much of the
# simulated spread does, the stricter figure. The shape rows compare
# correlations with the mean real curve against the real recordings' own
# leave-one-out correlations. The simulated devices are fitted on these
# recordings by `python -m humaps calibrate` (`humaps/sim/calibration.json`
# names the files). On a recordings folder, its walking takes the place of
# the simulated segments.

# %% tags=["nbval-check-output"]
walking = checks.walking_realism(trials, subjects, about.folder)
print(walking.note)
if walking.table is not None:
    with pd.option_context("display.max_colwidth", 60):
        display(walking.table.round(2), *walking.verdicts)
    print("\n".join(walking.lines))
    if walking.what == "simulated":
        chapter.record(**{"data.realism.min_share_inside": walking.min_share_inside})

# %% tags=["hide-input"]
if walking.table is not None:
    _ = figures.walking_against(walking.real, walking.walking, what=walking.what)

# %% [markdown]
# The table gives the maximum cell pressure per body weight and insole area,
# as it gives the force peaks per body weight. In N/cm² the peak follows the
# wearer: the real range comes from two wearers, and simulated people differ in
# how much body weight each square centimetre of insole carries. Grouping the
# segments by that load shows the peak in N/cm² and how much of it is who wears
# the insoles rather than how they are simulated.

# %% tags=["nbval-check-output"]
if walking.table is not None:
    by_load, _, load_verdict = realism.max_cell_by_load(walking.real, walking.walking, walking.what)
    display(by_load.round(2), load_verdict)

# %% [markdown]
# The third panel of the figure follows the centre of pressure along the
# insole through each stance. A foot that rolls from heel to toes once never
# sends it back toward the heel; the row *COP X travel back toward the heel*
# measures how far it goes back. The simulated centre of pressure comes
# from moment balance about the body's centre of mass (`humaps.sim.physics`):
# it runs ahead of the centre of mass while the body brakes and behind it
# while the body speeds up, so it follows the body's forward speed. The
# simulated body is placed on the ground kinematically
# (`humaps.sim.placement`): its joint angles follow normative gait curves and
# the planted foot is held still, so its forward speed is whatever those
# curves give it, and at each heel strike the landing foot takes over as the
# foot held still. How much speed the simulated pelvis keeps through that
# hand-over (the real recordings have no motion capture to measure it on)
# is printed below. A walker's centre of mass keeps most of its speed between
# steps; the simulated one slows far more, and fed to the moment balance these
# swings sent the centre of pressure back toward the heel by most of the
# insole's length in every stance. The ground's braking and propulsive force
# is therefore taken from the centre of mass's horizontal acceleration
# low-passed at 1.5 Hz (`physics.HORIZONTAL_CUTOFF_HZ`; low-passing the body's
# own velocity instead made the planted feet slide), and a heel touching down
# alone carries the centre of pressure from its first contact.

# %% tags=["nbval-check-output"]
if walking.what == "simulated":
    kept = realism.handover_speed(trials)
    print(f"lowest pelvis speed over the 0.25 s after a heel strike, as a fraction of its speed 0.1 s before: "
          f"median {np.median(kept):.2f} (quartiles {np.percentile(kept, 25):.2f}–{np.percentile(kept, 75):.2f}) "
          f"over {len(kept)} heel strikes")

# %% [markdown]
# ## Clock synchronisation
#
# Insoles and motion capture run on separate clocks. Where `trials.csv`
# leaves `mocap_offset_s` blank, the loader estimates it by cross-correlating
# the insole IMU with the motion-capture foot (`humaps.data.clock_offset`).
# Here every offset the manifest *gives* (on the simulated cohort, the true
# one, ±50 ms) is estimated again as if blank and compared.

# %% tags=["nbval-check-output"]
off, line, recovered, within = checks.clock_offsets(with_mocap)
print(line)
if off is not None:
    display(recovered)
    chapter.record(**{"data.clock_offset.within_10ms_fraction": within})

# %%
if about.estimated:  # offsets the loader estimated because trials.csv left them blank
    display(pd.DataFrame(about.estimated, columns=["trial", "estimated offset (ms)", "confidence", "trusted"]).round(2))

# %% tags=["hide-input"]
if off is not None:
    _ = figures.clock_errors(off)

# %% [markdown]
# ## Your recordings beside the simulated cohort
#
# On a recordings folder, its walking stretches (annotated `Walking`, or a
# whole unannotated recording) are set beside the simulated cohort's walking
# at the same profile, read as the table above with `recordings` as the
# reference.

# %%
if run.recordings is None:
    print("this chapter reads the simulated cohort; run it with `-p recordings DIR` to set a folder beside it")
elif not walking.walking:
    print(f"skipped: no complete gait stance in the walking of {about.folder}")
else:
    own, beside, line = checks.beside_simulated(walking.walking, dataclasses.replace(run, recordings=None))
    print(line)
    with pd.option_context("display.max_colwidth", 60):
        display(own.T.round(2), beside.table.round(2))
    _ = figures.walking_against(walking.walking, beside.walking, what="simulated", reference_name="recordings")

# %% [markdown]
# ## How the cohort is simulated
#
# The physics of bodies, motions, insoles and devices, and what the
# simulation does not capture, are on their own page:
# {doc}`How the cohort is simulated <../simulation>`.
