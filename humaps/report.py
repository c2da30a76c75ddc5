"""Findings in the book are computed, never typed: verdicts and result formatting.

A chapter states a finding only through :func:`verdict` (or :func:`margin_verdict`), which renders
the claim with the numbers that decide it, so a rerun that contradicts a claim shows "does not hold"
instead of silently keeping an outdated sentence. A verdict has one of three statuses: the claim
holds, does not hold, or is not distinguishable (the deciding difference lies within the
fold-to-fold spread, so this run cannot tell either way).

In the book a verdict is an HTML badge (classes ``verdict verdict-<status>``, styled by
``book/_static/humaps.css``) followed by the claim and its evidence; as text (what nbval compares)
it is ``[status] claim. Evidence: evidence``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

HOLDS = "holds"
DOES_NOT_HOLD = "does not hold"
NOT_DISTINGUISHABLE = "not distinguishable"
#: every status a verdict can have
STATUSES = (HOLDS, DOES_NOT_HOLD, NOT_DISTINGUISHABLE)


@dataclass(frozen=True, init=False)
class Verdict:
    """A claim, its status (one of :data:`STATUSES`) and the numbers that decide it.

    ``Verdict(claim, True, evidence)`` and ``Verdict(claim, holds=False, evidence=...)`` still work:
    a bool second argument means "holds" / "does not hold".
    """
    claim: str
    status: str
    evidence: str = field(default="")

    def __init__(self, claim: str, status=None, evidence: str = "", *, holds=None):
        if (status is None) == (holds is None):
            raise TypeError("give a verdict either a status or holds=")
        if status is None or isinstance(status, (bool, np.bool_)):
            status = HOLDS if bool(holds if status is None else status) else DOES_NOT_HOLD
        if status not in STATUSES:
            raise ValueError(f"unknown verdict status {status!r}; expected one of {STATUSES}")
        object.__setattr__(self, "claim", claim)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "evidence", evidence)

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

    # Jupyter and Jupyter Book (myst-nb) show the HTML; nbval compares it and the text form. No
    # Markdown form: it would only repeat the text.
    def _repr_html_(self) -> str:
        esc = html.escape
        return (f'<div class="verdict-card {self.css_class}-card">{self.badge()} '
                f'<span class="verdict-claim">{esc(self.claim)}.</span> '
                f'<span class="verdict-evidence"><span class="verdict-evidence-label">Evidence:</span> '
                f'{esc(self.evidence)}</span></div>')

    def __repr__(self) -> str:  # the text/plain form nbval compares
        return f"[{self.status}] {self.claim}. Evidence: {self.evidence}"


def verdict(claim: str, holds, evidence: str, *, distinguishable=True) -> Verdict:
    """A claim, whether this run's numbers support it, and those numbers.

    ``distinguishable=False`` (the deciding difference is within the fold-to-fold spread) makes the
    verdict "not distinguishable" whatever ``holds`` says.
    """
    if not bool(distinguishable):
        return Verdict(claim, NOT_DISTINGUISHABLE, evidence)
    return Verdict(claim, HOLDS if bool(holds) else DOES_NOT_HOLD, evidence)


def not_distinguishable(claim: str, evidence: str) -> Verdict:
    """A claim this run cannot decide: its evidence lies within the fold-to-fold spread."""
    return Verdict(claim, NOT_DISTINGUISHABLE, evidence)


def margin_verdict(claim: str, margin: float, spread: float, evidence: str) -> Verdict:
    """Decide a claim by a signed ``margin`` (positive: in the claim's favour) against a ``spread``.

    "holds" when ``margin > spread``, "does not hold" when ``margin < -spread``, and "not
    distinguishable" when ``|margin| <= spread`` (e.g. the gain of one model over another against
    the standard deviation of that gain over folds).
    """
    margin, spread = float(margin), abs(float(spread))
    if np.isnan(margin) or np.isnan(spread) or abs(margin) <= spread:
        return Verdict(claim, NOT_DISTINGUISHABLE, evidence)
    return Verdict(claim, HOLDS if margin > 0 else DOES_NOT_HOLD, evidence)


def mean_pm_std(mean, std, digits: int = 1) -> str:
    """'31.1 ± 0.8' (empty when the mean is missing, as the paper's '–')."""
    if mean is None or (isinstance(mean, float) and np.isnan(mean)):
        return "–"
    if std is None or (isinstance(std, float) and np.isnan(std)):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"
