"""Findings in the book are computed, never typed: verdicts and result formatting.

A chapter states a finding only through :func:`verdict`, which renders the
claim with the numbers that decide it, so a rerun that contradicts a claim
shows "does not hold" instead of silently keeping an outdated sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Verdict:
    claim: str
    holds: bool
    evidence: str

    def markdown(self) -> str:
        mark = "✅ **holds**" if self.holds else "❌ **does not hold**"
        return f"{mark} — {self.claim}. *Evidence:* {self.evidence}"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:  # the text/plain form nbval compares
        return f"[{'holds' if self.holds else 'does not hold'}] {self.claim}. Evidence: {self.evidence}"


def verdict(claim: str, holds, evidence: str) -> Verdict:
    """A claim, whether this run's numbers support it, and those numbers."""
    return Verdict(claim, bool(holds), evidence)


def verdict_table(verdicts: list[Verdict]) -> pd.DataFrame:
    return pd.DataFrame([{"claim": v.claim, "holds": v.holds, "evidence": v.evidence} for v in verdicts])


def mean_pm_std(mean, std, digits: int = 1) -> str:
    """'31.1 ± 0.8' (empty when the mean is missing, as the paper's '–')."""
    if mean is None or (isinstance(mean, float) and np.isnan(mean)):
        return "–"
    if std is None or (isinstance(std, float) and np.isnan(std)):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"
