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
# # The claims ledger
#
# The eleven claims of sections 6.7–7 in one table: the claim, where the
# paper supports it, what the paper's own tables say about it, and what this
# run says — for the pose claims in both frames (heading-normalised, the frame
# the insoles can explain, and the paper's). Every verdict below is computed
# in the run that rendered this page, by the functions the chapters display;
# each claim links to the chapter that computes it, with its full evidence.
#
# How a verdict is decided — one rule, the same in every column and chapter
# (`humaps.verdicts`). Each claim has an *effect*, signed so that a positive
# value is what the paper claims (its column "effect" says what it measures),
# with a **95 % interval** over the units that were sampled: on this run the
# test subjects (each tested exactly once, by models that never saw them, so
# the per-subject differences between methods pair up); on the paper's
# tables the classes or subjects they print, or, where a table prints only
# mean ± sd over its 4 folds, a Welch interval (an F interval for a spread).
# A claim **holds** when the interval lies above 0, the effect reaches a
# stated practical threshold (0.2 cm of MPJPE, 1° of MPJAE, 2 points of
# accuracy, 5 points of classes beyond a half, 10 % less spread) and the
# p-value stays below 5 % after **Holm's correction** over the claims of its
# section decided together (section 6: C1–C5 in both frames; section 7:
# C6–C11; the paper's tables likewise). It **does not hold** when the interval
# lies below 0 (the opposite is shown); otherwise it is **not
# distinguishable** — as is any claim resting on fewer than 8 resampled units.
# Settings chosen by looking at results were chosen on validation subjects
# inside the training folds, never on a test subject.

# %%
from IPython.display import display

from humaps.book import chapter, claims

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper (the ledger summarises that profile's chapters)
recordings = None  # a folder of device exports and their manifest (None: the simulated cohort)

# %%
run = chapter.setup(globals(), "cohort", before=_before)
ledger, results = claims.for_run(run)

# %%
display(ledger)

# %%
chapter.record(**ledger.summary())

# %% tags=["nbval-check-output", "remove-cell"]
# the regression check: the claims and the paper's own verdicts (this run's depend on training)
print(ledger.paper_table().to_string())
