"""Tables 4–6 from cross-validation results, in the paper's layout, and the section-6 verdicts."""
from __future__ import annotations

import pandas as pd

from humaps.report import Verdict, verdict

METRICS = ("mpjpe_cm", "instability_cm", "mpjae_deg")


def global_rows(results: dict[str, dict]) -> pd.DataFrame:
    """One row per labelled CV result: Global ``<metric>_mean`` / ``_std`` over folds (Tables 5–6 layout)."""
    rows = {label: {f"{m}_{s}": res["table"].loc["Global", f"{m}_{s}"] for m in METRICS for s in ("mean", "std")}
            for label, res in results.items()}
    return pd.DataFrame(rows).T


def upper_vs_lower(table: pd.DataFrame) -> Verdict:
    """Section 6.7: upper-body joints are estimated more accurately than lower-body joints (MPJPE)."""
    up, low = table.loc["Upper Body", "mpjpe_cm_mean"], table.loc["Lower Body", "mpjpe_cm_mean"]
    return verdict("Upper-body joints are estimated more accurately than lower-body joints (MPJPE)", up < low,
                   f"Upper Body {up:.2f} cm vs Lower Body {low:.2f} cm")


def mpjae_ablation(rows: pd.DataFrame, with_: str = "w/", without: str = "w/o") -> list[Verdict]:
    """Section 6.8.1: the MPJAE loss lowers MPJAE and MPJPE and makes runs more stable (smaller spread)."""
    w, wo = rows.loc[with_], rows.loc[without]
    return [
        verdict("Training with the MPJAE loss lowers the MPJAE", w["mpjae_deg_mean"] < wo["mpjae_deg_mean"],
                f"{w['mpjae_deg_mean']:.2f}° with vs {wo['mpjae_deg_mean']:.2f}° without"),
        verdict("Training with the MPJAE loss lowers the MPJPE", w["mpjpe_cm_mean"] < wo["mpjpe_cm_mean"],
                f"{w['mpjpe_cm_mean']:.2f} cm with vs {wo['mpjpe_cm_mean']:.2f} cm without"),
        verdict("Training with the MPJAE loss makes runs more stable (smaller spread over folds of MPJPE and MPJAE)",
                (w["mpjpe_cm_std"] < wo["mpjpe_cm_std"]) and (w["mpjae_deg_std"] < wo["mpjae_deg_std"]),
                f"MPJPE ± {w['mpjpe_cm_std']:.2f} vs ± {wo['mpjpe_cm_std']:.2f} cm; "
                f"MPJAE ± {w['mpjae_deg_std']:.2f} vs ± {wo['mpjae_deg_std']:.2f}°"),
    ]


def cycle_ablation(rows: pd.DataFrame, with_: str = "Yes", without: str = "No") -> list[Verdict]:
    """Section 6.8.2: adding PressNet/AccelNet to the model that has a pose encoder makes it worse."""
    w, wo = rows.loc[with_], rows.loc[without]
    return [
        verdict("Adding PressNet/AccelNet to the model with a pose encoder raises the MPJPE",
                w["mpjpe_cm_mean"] > wo["mpjpe_cm_mean"],
                f"{w['mpjpe_cm_mean']:.2f} cm with vs {wo['mpjpe_cm_mean']:.2f} cm without"),
        verdict("Adding PressNet/AccelNet to the model with a pose encoder raises the MPJAE",
                w["mpjae_deg_mean"] > wo["mpjae_deg_mean"],
                f"{w['mpjae_deg_mean']:.2f}° with vs {wo['mpjae_deg_mean']:.2f}° without"),
    ]
