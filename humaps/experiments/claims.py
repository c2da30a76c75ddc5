"""The eleven claims of sections 6.7–7 in one ledger: the paper's evidence, its own verdict, and this run's.

Every verdict is computed — on the paper's transcribed tables, or on this run's
cross-validation results — by the same functions the chapters display
(:mod:`~humaps.experiments.pose_report`, :mod:`~humaps.experiments.activity_report`).
Pose claims get one verdict per frame (heading-normalised, the paper's); activity
claims do not depend on the pose frame.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from humaps import paper
from humaps.experiments import activity_report as ar
from humaps.experiments import pose_report as pr
from humaps.experiments.activity_loso import sweep_table, table7
from humaps.experiments.pose_cv import PoseCV
from humaps.experiments.pose_frames import FRAMES
from humaps.report import Verdict, not_distinguishable


@dataclass(frozen=True)
class Claim:
    id: str
    text: str  # the claim, in short
    evidence: str  # where the paper supports it
    chapter: str  # the chapter (notebook name) that computes it


CLAIMS: tuple[Claim, ...] = (
    Claim("C1", "Upper-body joints are estimated more accurately than lower-body joints", "Table 4, §6.7",
          "pose_per_joint"),
    Claim("C2", "The MPJAE loss lowers the MPJAE", "Table 5, §6.8.1", "pose_ablations"),
    Claim("C3", "The MPJAE loss also lowers the MPJPE", "Table 5, §6.8.1", "pose_ablations"),
    Claim("C4", "The MPJAE loss makes results vary less across folds", "Table 5, §6.8.1", "pose_ablations"),
    Claim("C5", "PressNet/AccelNet cycle losses make a model with a pose encoder worse (MPJPE)", "Table 6, §6.8.2",
          "pose_ablations"),
    Claim("C6", "Concatenating MoCap and insole features is best in most classes", "Table 7, §7.1",
          "activity_strategies"),
    Claim("C7", "With insoles alone, locomotion is recognised best", "Table 7, §7.1", "activity_strategies"),
    Claim("C8", "With insoles alone, upper-body and no-contact actions are recognised worst", "Table 7, §7.1",
          "activity_strategies"),
    Claim("C9", "Student-teacher distillation beats insoles-only training", "Table 7, §7.1", "activity_strategies"),
    Claim("C10", "α = 0.5 is the best distillation weight", "text of §7.2 (no table)", "activity_distillation"),
    Claim("C11", "The benefits generalise across subjects", "Table 8, §7.1", "activity_strategies"),
)
BY_ID = {c.id: c for c in CLAIMS}


def _all(claim: str, verdicts: list[Verdict]) -> Verdict:
    """One verdict for a claim made of several (e.g. for MPJPE and MPJAE, or for each loss)."""
    statuses = {v.status for v in verdicts}
    evidence = "; ".join(v.evidence for v in verdicts)
    if len(statuses) == 1:
        return Verdict(claim, statuses.pop(), evidence)
    return not_distinguishable(claim, evidence + " (the parts disagree)")


def pose_verdicts(full: PoseCV, no_mpjae: PoseCV, no_cycle: PoseCV, frame: str) -> dict[str, Verdict]:
    """C1–C5 on this run, in ``frame``."""
    c2, c3, c4 = pr.mpjae_ablation(full, no_mpjae, frame)
    return {"C1": pr.upper_vs_lower(full, frame), "C2": c2, "C3": c3, "C4": c4,
            "C5": pr.cycle_ablation(full, no_cycle, frame)[0]}  # the paper's evidence is the MPJPE


def paper_pose_verdicts() -> dict[str, Verdict]:
    """C1–C5 on the paper's Tables 4–6."""
    c2, c3, c4 = pr.paper_mpjae_ablation(paper.load_table(5).set_index("mpjae_loss"))
    return {"C1": pr.paper_upper_vs_lower(paper.load_table(4).set_index("body_part")), "C2": c2, "C3": c3,
            "C4": c4, "C5": pr.paper_cycle_ablation(paper.load_table(6).set_index("cycle_networks"))[0]}


def activity_verdicts(preds: pd.DataFrame) -> dict[str, Verdict]:
    """C6–C11 on this run's predictions (the main runs and the student's sweep)."""
    t7 = table7(preds)
    c7, c8 = ar.insoles_by_category(t7)
    return {"C6": ar.concat_best(t7), "C7": c7, "C8": c8, "C9": ar.student_beats_insoles_by_fold(preds),
            "C10": _all(BY_ID["C10"].text, ar.alpha_half_best(sweep_table(preds, by_fold=True))),
            "C11": ar.benefit_across_subjects(preds)}


def paper_activity_verdicts() -> dict[str, Verdict | None]:
    """C6–C11 on the paper's Tables 7–8 (C10 has no table to decide it)."""
    t7 = paper.load_table(7)
    c7, c8 = ar.insoles_by_category(t7)
    return {"C6": ar.concat_best(t7), "C7": c7, "C8": c8, "C9": ar.student_beats_insoles(t7), "C10": None,
            "C11": ar.paper_benefit_across_subjects(paper.load_table(8))}


@dataclass
class Ledger:
    """Claims × (the paper's verdict, this run's verdict per frame); renders as ``<table class="claims">``."""

    paper: dict[str, Verdict | None]
    ours: dict[str, dict[str, Verdict]]  # claim id → {frame or "any": verdict}
    detail: bool = True  # with evidence (the closing chapter) or compact (the landing page)

    def table(self) -> pd.DataFrame:
        """The ledger as text: one row per claim, statuses only (what nbval compares)."""
        rows = []
        for c in CLAIMS:
            p, ours = self.paper.get(c.id), self.ours.get(c.id, {})
            rows.append({"claim": f"{c.id} {c.text}", "paper's evidence": c.evidence,
                         "paper's tables": p.status if p else "no table",
                         **{f"this run, {FRAMES[f]}": ours[f].status if f in ours else ours["any"].status
                            if "any" in ours else "not run" for f in FRAMES}})
        return pd.DataFrame(rows).set_index("claim")

    def paper_table(self) -> pd.DataFrame:
        """The claims with the paper's evidence and the verdicts of the paper's own tables."""
        return self.table()[["paper's evidence", "paper's tables"]]

    def __repr__(self) -> str:
        return self.table().to_string()

    def _cell(self, v: Verdict | None, missing: str) -> str:
        if v is None:
            return f'<span class="verdict">{missing}</span>'
        if not self.detail:
            return v.badge()
        return f'{v.badge()}<br><span class="claims-evidence">{html.escape(v.evidence)}</span>'

    def _repr_html_(self) -> str:
        head = ["claim", "evidence", "verdict on the paper's tables"] + [f"this run, {FRAMES[f]}" for f in FRAMES]
        rows = []
        for c in CLAIMS:
            ours = self.ours.get(c.id, {})
            link = f'<a href="{c.chapter}.html">{c.id}</a> {html.escape(c.text)}'
            cells = [link, html.escape(c.evidence), self._cell(self.paper.get(c.id), "no table")]
            if "any" in ours:  # one verdict for both frames
                cells.append(f'<td colspan="{len(FRAMES)}">{self._cell(ours["any"], "not run")}</td>')
                rows.append("".join(f"<td>{x}</td>" for x in cells[:-1]) + cells[-1])
            else:
                cells += [self._cell(ours.get(f), "not run") for f in FRAMES]
                rows.append("".join(f"<td>{x}</td>" for x in cells))
        header = "".join(f"<th>{h}</th>" for h in head)
        body = "".join(f"<tr>{r}</tr>" for r in rows)
        return f'<table class="claims"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def ledger(pose: dict[str, PoseCV] | None, activity_preds: pd.DataFrame | None, *, detail: bool = True) -> Ledger:
    """The ledger from this run's pose CVs ({"full", "no_mpjae", "no_cycle"}) and activity predictions."""
    ours: dict[str, dict[str, Verdict]] = {}
    if pose is not None:
        for frame in FRAMES:
            for cid, v in pose_verdicts(pose["full"], pose["no_mpjae"], pose["no_cycle"], frame).items():
                ours.setdefault(cid, {})[frame] = v
    if activity_preds is not None:
        for cid, v in activity_verdicts(activity_preds).items():
            ours[cid] = {"any": v}
    return Ledger(paper=paper_pose_verdicts() | paper_activity_verdicts(), ours=ours, detail=detail)


def for_run(run, *, detail: bool = True) -> tuple[Ledger, dict]:
    """The ledger of a chapter's run (its profile and recordings), computing — or, normally, loading
    from the cache the other chapters filled — every result it needs. Also returns those results:
    {"pose": {variant: PoseCV}, "baselines": {name: PoseCV}, "activity": predictions}."""
    from IPython.display import display

    from humaps.config import Run, resolve
    from humaps.data import source
    from humaps.experiments.activity_classical import run_classical
    from humaps.experiments.activity_loso import run_strategies
    from humaps.experiments.datasets import activity_data, pose_data
    from humaps.experiments.pose_baselines import run_baselines
    from humaps.experiments.pose_cv import run_cv

    configs = {"cohort": run["cohort"]}
    pose_run = Run(run.profile, run.recordings, {}, configs | {"pose": resolve("pose", run.profile)})
    act_run = Run(run.profile, run.recordings, {}, configs | {"activity": resolve("activity", run.profile)})
    display(source.describe(run))  # once: both experiments read the same recordings
    data = pose_data(pose_run, show=False)
    pose = {v: run_cv(pose_run["pose"], data, v) for v in ("full", "no_mpjae", "no_cycle")}
    windows = activity_data(act_run, show=False)
    results = run_strategies(act_run["activity"], windows)
    preds = pd.concat([results.predictions, run_classical(act_run["activity"], windows).predictions],
                      ignore_index=True)
    return ledger(pose, preds, detail=detail), {"pose": pose, "baselines": run_baselines(pose_run["pose"], data),
                                                 "activity": preds}
