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
# How a verdict is decided: a comparison between two models on the same folds
# *holds* when every fold's difference has the claimed sign, *does not hold*
# when every fold's difference has the opposite sign, and is *not
# distinguishable* when folds disagree. The paper prints only means and
# standard deviations, so its tables are read at face value, and a difference
# within the larger standard deviation is "not distinguishable".

# %%
from IPython.display import display

from humaps import chapter
from humaps.experiments import claims

_before = set(globals())

# %% tags=["parameters"]
profile = "book"  # smoke | book | paper (the ledger summarises that profile's chapters)
recordings = None  # a folder of device exports and their manifest (None: the simulated cohort)

# %%
run = chapter.setup(globals(), "cohort", before=_before)
ledger, results = claims.for_run(run, detail=True)

# %%
display(ledger)

# %% tags=["nbval-check-output", "remove-cell"]
# the regression check: the claims and the paper's own verdicts (this run's depend on training)
print(ledger.paper_table().to_string())
