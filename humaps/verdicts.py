"""The one verdict rule: how every claim in the book is decided, in both columns of the ledger.

A claim is decided by an :class:`Effect`, signed so that a positive value is the claimed
direction ("the MPJAE loss lowers the MPJPE" → effect = MPJPE without − MPJPE with), with

- a **95 % interval** that respects the design: a bootstrap over the units that were sampled
  (the test subjects of a run — every subject is tested exactly once, by a model that never saw
  it; the classes or subjects of a paper's table), or, where a table prints only mean ± sd over
  n folds, a Welch interval (an F interval for a ratio of spreads);
- a two-sided **p-value** for "no effect", the inversion of that interval (p < 0.05 exactly when
  the interval excludes 0), **Holm-adjusted** over the family of claims decided together
  (:func:`decide_family`: every claim of one run, or of the paper's tables);
- a **practical threshold** (:data:`THRESHOLDS`): an effect smaller than it is no finding even when
  it is real.

Then, with ``p`` the Holm-adjusted p-value:

- **holds** — the interval lies above 0, p < 0.05, and the effect is at least the threshold;
- **does not hold** — the interval lies below 0 and p < 0.05: the opposite is shown;
- **not distinguishable** — anything else, including a real effect below the threshold, and a
  bootstrap over fewer than :data:`MIN_UNITS` units (with 4 subjects there are only 35 distinct
  resamples: too few to trust a percentile interval).

A :class:`Verdict` carries its status, the claim, the evidence in words and the :class:`Effect`.
Checks that are not comparisons ("at least 75 % of onsets are matched") are measured values
against a stated bar; :func:`verdict` states them with the same three statuses.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
from scipy import stats

HOLDS = "holds"
DOES_NOT_HOLD = "does not hold"
NOT_DISTINGUISHABLE = "not distinguishable"
#: every status a verdict can have
STATUSES = (HOLDS, DOES_NOT_HOLD, NOT_DISTINGUISHABLE)

ALPHA = 0.05  # family-wise error rate of a family of claims (Holm)
CONFIDENCE = 0.95  # of every interval shown
N_RESAMPLES = 10_000  # bootstrap resamples
MIN_UNITS = 8  # a bootstrap over fewer units decides nothing
#: the practical threshold of an effect, by its scale: smaller effects are no finding
THRESHOLDS: dict[str, float] = {
    "cm": 0.2,  # MPJPE: a few millimetres are within marker placement error
    "°": 1.0,  # MPJAE
    "points": 2.0,  # accuracy (%): one window in 50 of a class
    "share": 5.0,  # percentage points of classes above a half (C6: "in most classes")
    "ratio": 0.1,  # a spread at least 10 % smaller
}


@dataclass(frozen=True)
class Effect:
    """An effect estimated on one run or table, signed so that > 0 is the claimed direction.

    ``value`` and its interval [``ci_low``, ``ci_high``] are in ``scale`` units (:data:`THRESHOLDS`);
    ``p`` is two-sided for "no effect", before any correction; ``n_units`` how many ``unit`` (subjects,
    classes, folds) the interval rests on; ``method`` how the interval was made; ``compared`` the
    numbers the effect is computed from, in words ("3.21 vs 3.52 cm").
    """

    value: float
    ci_low: float
    ci_high: float
    p: float
    n_units: int
    unit: str
    method: str
    scale: str
    compared: str = ""

    def __post_init__(self):
        if self.scale not in THRESHOLDS:
            raise ValueError(f"unknown effect scale {self.scale!r}; expected one of {tuple(THRESHOLDS)}")

    @property
    def threshold(self) -> float:
        return THRESHOLDS[self.scale]

    @property
    def decidable(self) -> bool:
        """False for a bootstrap over too few units (see :data:`MIN_UNITS`) or a missing estimate."""
        if not np.isfinite([self.value, self.ci_low, self.ci_high, self.p]).all():
            return False
        return self.method != "bootstrap" or self.n_units >= MIN_UNITS

    def describe(self, digits: int = 2) -> str:
        """"effect +0.31 cm, 95 % CI [+0.12, +0.50] (bootstrap over 32 subjects); threshold 0.2 cm"."""
        unit = {"points": " points", "share": " points", "ratio": ""}.get(self.scale, f" {self.scale}")
        f = lambda x: f"{x:+.{digits}f}"
        how = {"bootstrap": f"bootstrap over {self.n_units} {self.unit}",
               "welch": f"Welch interval over {self.n_units} {self.unit} per row",
               "f-ratio": f"F interval over {self.n_units} {self.unit} per row"}.get(self.method, self.method)
        return (f"effect {f(self.value)}{unit}, {100 * CONFIDENCE:.0f} % CI [{f(self.ci_low)}, {f(self.ci_high)}] ({how}); "
                f"threshold {self.threshold:g}{unit}")


# --------------------------------------------------------------------------- intervals

def _p_from_distribution(boot: np.ndarray) -> float:
    """Two-sided p for 0 from a bootstrap distribution: the smallest α whose percentile interval
    excludes 0, with the +1 correction (never exactly 0)."""
    n = len(boot)
    below, above = int((boot <= 0).sum()), int((boot >= 0).sum())
    return float(min(1.0, 2 * (min(below, above) + 1) / (n + 1)))


def bootstrap(statistic: Callable[[np.ndarray], np.ndarray], data: np.ndarray, *, scale: str, compared: str = "",
              unit: str = "subjects", strata: np.ndarray | None = None, seed: int = 0,
              n_resamples: int = N_RESAMPLES, chunk: int = 500) -> Effect:
    """The effect ``statistic(data[None])[0]`` and its percentile interval over resampled units.

    ``data``: (units, ...) one row per unit (a subject, a class); ``statistic``: (B, units, ...) →
    (B,), vectorised over resamples (NaN-aware where units can miss a value). ``strata`` (units,)
    resamples within each stratum (e.g. classes within their category): position i of a resample
    always holds a unit of unit i's stratum, so a statistic can group positions by stratum.
    Seeded: the same data give the same interval on every machine.
    """
    data = np.asarray(data, dtype=np.float64)
    n = len(data)
    value = float(statistic(data[None])[0])
    rng = np.random.default_rng(seed)
    groups = [np.arange(n)] if strata is None else [np.flatnonzero(strata == s) for s in np.unique(strata)]
    boot = np.empty(n_resamples)
    for start in range(0, n_resamples, chunk):
        b = min(chunk, n_resamples - start)
        idx = np.empty((b, n), dtype=np.int64)  # (b, units): a resample keeps every position in its stratum
        for g in groups:
            idx[:, g] = g[rng.integers(0, len(g), (b, len(g)))]
        with np.errstate(all="ignore"):
            boot[start:start + b] = statistic(data[idx])
    boot = boot[np.isfinite(boot)]
    if len(boot) < n_resamples // 2 or not np.isfinite(value):
        return Effect(value, np.nan, np.nan, np.nan, n, unit, "bootstrap", scale, compared)
    tail = 100 * (1 - CONFIDENCE) / 2
    lo, hi = np.percentile(boot, [tail, 100 - tail])
    return Effect(value, float(lo), float(hi), _p_from_distribution(boot), n, unit, "bootstrap", scale, compared)


def paired_mean(a, b, *, scale: str, compared: str = "", unit: str = "subjects", seed: int = 0) -> Effect:
    """The mean of the paired differences a − b (one pair per unit; NaN pairs left out), bootstrapped."""
    d = np.asarray(a, float) - np.asarray(b, float)
    d = d[np.isfinite(d)]
    return bootstrap(lambda x: x.mean(axis=1), d, scale=scale, compared=compared, unit=unit, seed=seed)


def welch(mean_a: float, sd_a: float, mean_b: float, sd_b: float, n: int, *, scale: str, compared: str = "",
          unit: str = "folds") -> Effect:
    """Effect mean_a − mean_b from two printed rows of mean ± sd over ``n`` runs each: Welch's t
    interval, unpaired (the table does not print which runs pair up)."""
    va, vb = sd_a ** 2 / n, sd_b ** 2 / n
    se = np.sqrt(va + vb)
    d = mean_a - mean_b
    if not np.isfinite(se) or se == 0 or n < 2:
        return Effect(d, np.nan, np.nan, np.nan, n, unit, "welch", scale, compared)
    df = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (n - 1))
    q = stats.t.ppf(1 - (1 - CONFIDENCE) / 2, df)
    p = float(2 * stats.t.sf(abs(d) / se, df))
    return Effect(float(d), float(d - q * se), float(d + q * se), p, n, unit, "welch", scale, compared)


def spread_ratio(sd_larger_claimed: float, sd_smaller_claimed: float, n: int, *, compared: str = "",
                 unit: str = "folds") -> Effect:
    """Effect sd_a / sd_b − 1 ("b varies less than a") from two printed sds over ``n`` runs each:
    the F interval for a ratio of variances (unpaired), mapped to a ratio of sds."""
    ratio = sd_larger_claimed / sd_smaller_claimed
    df = n - 1
    if not np.isfinite(ratio) or ratio <= 0 or df < 1:
        return Effect(ratio - 1, np.nan, np.nan, np.nan, n, unit, "f-ratio", "ratio", compared)
    tail = (1 - CONFIDENCE) / 2
    lo = ratio / np.sqrt(stats.f.ppf(1 - tail, df, df))
    hi = ratio / np.sqrt(stats.f.ppf(tail, df, df))
    F = ratio ** 2
    p = float(min(1.0, 2 * min(stats.f.cdf(F, df, df), stats.f.sf(F, df, df))))
    return Effect(float(ratio - 1), float(lo - 1), float(hi - 1), p, n, unit, "f-ratio", "ratio", compared)


# --------------------------------------------------------------------------- the rule

def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values (same order as given; NaN stays NaN and does not count)."""
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def status_of(effect: Effect | None, p_adjusted: float) -> str:
    """The rule of the module docstring, given the effect and its Holm-adjusted p-value."""
    if effect is None or not effect.decidable or not np.isfinite(p_adjusted) or p_adjusted >= ALPHA:
        return NOT_DISTINGUISHABLE
    if effect.ci_low > 0 and effect.value >= effect.threshold:
        return HOLDS
    if effect.ci_high < 0:
        return DOES_NOT_HOLD
    return NOT_DISTINGUISHABLE


@dataclass(frozen=True)
class Verdict:
    """A claim, its status (one of :data:`STATUSES`), the evidence in words and, for a comparison,
    the :class:`Effect` and its Holm-adjusted p-value that decided it."""

    claim: str
    status: str
    evidence: str = ""
    effect: Effect | None = None
    p_adjusted: float = float("nan")
    family: str = ""  # what the correction was over, e.g. "Holm over the 16 decisions of this run"

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown verdict status {self.status!r}; expected one of {STATUSES}")

    @property
    def holds(self) -> bool:
        """Whether the claim holds (False both when it does not and when this run cannot tell)."""
        return self.status == HOLDS

    @property
    def css_class(self) -> str:
        return "verdict-" + self.status.replace(" ", "-")

    def badge(self) -> str:
        """The status alone as an HTML badge (for a table of claims rendered with ``escape=False``)."""
        return f'<span class="verdict {self.css_class}">{html.escape(self.status)}</span>'

    def summary(self) -> dict:
        """The machine-readable form: status, effect, interval, threshold, units (``humaps results``)."""
        e = self.effect
        nums = lambda x: None if x is None or not np.isfinite(x) else float(x)
        return {"verdict": self.status, "effect": nums(e and e.value), "ci_low": nums(e and e.ci_low),
                "ci_high": nums(e and e.ci_high), "threshold": nums(e and e.threshold), "scale": e and e.scale,
                "n_units": e and e.n_units, "unit": e and e.unit, "p_holm": nums(self.p_adjusted)}

    # Jupyter and Jupyter Book (myst-nb) show the HTML; nbval compares it and the text form.
    def _repr_html_(self) -> str:
        esc = html.escape
        return (f'<div class="verdict-card {self.css_class}-card">{self.badge()} '
                f'<span class="verdict-claim">{esc(self.claim)}.</span> '
                f'<span class="verdict-evidence"><span class="verdict-evidence-label">Evidence:</span> '
                f'{esc(self.evidence)}</span></div>')

    def __repr__(self) -> str:  # the text/plain form nbval compares
        return f"[{self.status}] {self.claim}. Evidence: {self.evidence}"


def verdict(claim: str, holds, evidence: str) -> Verdict:
    """A measured value against a stated bar (not a comparison): "holds" or "does not hold"."""
    return Verdict(claim, HOLDS if bool(holds) else DOES_NOT_HOLD, evidence)


def undecided(claim: str, evidence: str) -> Verdict:
    """A claim that cannot be decided with what a run or table holds (said why in ``evidence``)."""
    return Verdict(claim, NOT_DISTINGUISHABLE, evidence)


def _why(effect: Effect, status: str, p_adj: float) -> str:
    if status != NOT_DISTINGUISHABLE:
        return ""
    if effect.method == "bootstrap" and effect.n_units < MIN_UNITS:
        return f": too few {effect.unit} to decide ({effect.n_units} < {MIN_UNITS})"
    if np.isfinite(p_adj) and p_adj < ALPHA and effect.ci_low > 0:
        return ": real, but smaller than the practical threshold"
    if effect.ci_high < effect.threshold:
        return ": the interval does not exclude 0, and lies below the practical threshold (any effect is smaller)"
    return ": the interval does not exclude 0 after the correction"


def decide_family(effects: dict[str, tuple[str, Effect | None]], *, family: str) -> dict[str, Verdict]:
    """Verdicts for claims decided together: {key: (claim, effect)} → {key: Verdict}.

    Holm's correction runs over every claim with an effect; ``family`` names that set in the evidence
    ("this run", "the paper's tables"). A claim without an effect (no data) is "not distinguishable".
    """
    keys = list(effects)
    p = np.array([e.p if e is not None and e.decidable else np.nan for _, e in (effects[k] for k in keys)])
    adjusted = holm(p)
    m = int(np.isfinite(p).sum())
    out = {}
    for key, p_adj in zip(keys, adjusted):
        claim, effect = effects[key]
        if effect is None:
            out[key] = undecided(claim, "no data to decide it")
            continue
        status = status_of(effect, p_adj)
        holm_text = ("" if not np.isfinite(p_adj) else f"p = {p_adj:.3g}" if m == 1 else
                     f"Holm-adjusted p = {p_adj:.3g} over the {m} claims of {family}")
        evidence = "; ".join(x for x in (effect.compared, effect.describe(), holm_text) if x) + _why(effect, status, p_adj)
        out[key] = Verdict(claim, status, evidence, effect, float(p_adj), f"Holm over the {m} claims of {family}")
    return out


def decide(claim: str, effect: Effect | None) -> Verdict:
    """One claim decided on its own (a family of one: no correction)."""
    return decide_family({"claim": (claim, effect)}, family="this check")["claim"]


def with_claim(v: Verdict, claim: str) -> Verdict:
    """The same verdict stated for another wording of its claim."""
    return replace(v, claim=claim)


__all__ = ["ALPHA", "CONFIDENCE", "DOES_NOT_HOLD", "Effect", "HOLDS", "MIN_UNITS", "NOT_DISTINGUISHABLE",
           "STATUSES", "THRESHOLDS", "Verdict", "bootstrap", "decide", "decide_family", "holm", "paired_mean",
           "spread_ratio", "status_of", "undecided", "verdict", "welch", "with_claim"]
