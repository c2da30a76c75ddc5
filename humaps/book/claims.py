"""The eleven claims of sections 6.7–7: each stated once, decided on the paper's tables and on this run.

A :class:`Claim` holds the paper's wording (in short), where the paper supports it, the chapter that
computes it, its section and what its effect measures. Its decisions come from one rule
(:mod:`humaps.verdicts`): the effect, signed so that > 0 is the claim, with a 95 % interval over the
units sampled (this run: the test subjects; the paper: the classes or subjects its tables print, or
a Welch interval over the 4 folds behind a mean ± sd), a practical threshold and Holm's correction
over the claims of a section decided together. Both columns compare the same things.

Pose claims are decided in both frames (heading-normalised, the paper's); their family on this run
is C1–C5 in both frames (10 decisions). Activity claims do not depend on the frame (C6–C11).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from humaps.book import paper
from humaps.experiments import activity_report as ar
from humaps.experiments import pose_report as pr
from humaps.experiments.pose_cv import PoseCV
from humaps.experiments.pose_frames import FRAMES
from humaps.verdicts import STATUSES, Effect, Verdict, decide_family


@dataclass(frozen=True)
class Claim:
    id: str
    text: str  # the claim, in short: the one place it is worded
    evidence: str  # where the paper supports it
    chapter: str  # the notebook that computes it
    section: str  # "pose" or "activity": the family it is decided with
    effect: str  # what a positive effect means

    def link(self) -> str:
        return f'<a href="{self.chapter}.html">{self.id}</a> {html.escape(self.text)}'


CLAIMS: tuple[Claim, ...] = (
    Claim("C1", "Upper-body joints are estimated more accurately than lower-body joints", "Table 4, §6.7",
          "pose_per_joint", "pose", "lower-body minus upper-body MPJPE (cm)"),
    Claim("C2", "The MPJAE loss lowers the MPJAE", "Table 5, §6.8.1", "pose_ablations", "pose",
          "MPJAE without minus with the loss (°)"),
    Claim("C3", "The MPJAE loss also lowers the MPJPE", "Table 5, §6.8.1", "pose_ablations", "pose",
          "MPJPE without minus with the loss (cm)"),
    Claim("C4", "The MPJAE loss makes results vary less", "Table 5, §6.8.1", "pose_ablations", "pose",
          "sd of the MPJPE without ÷ with the loss, − 1 (over subjects on this run, over folds in the paper)"),
    Claim("C5", "PressNet/AccelNet cycle losses make a model with a pose encoder worse (MPJPE)", "Table 6, §6.8.2",
          "pose_ablations", "pose", "MPJPE with minus without the cycle networks (cm)"),
    Claim("C6", "Concatenating MoCap and insole features is best in most classes", "Table 7, §7.1",
          "activity_strategies", "activity", "share of classes where concatenation is best or tied, − 50 (points)"),
    Claim("C7", "With insoles alone, locomotion is recognised best", "Table 7, §7.1", "activity_strategies",
          "activity", "insoles-only accuracy of Locomotion minus the best other category (points)"),
    Claim("C8", "With insoles alone, upper-body and no-contact actions are recognised worst", "Table 7, §7.1",
          "activity_strategies", "activity", "insoles-only accuracy of the other actions minus those (points)"),
    Claim("C9", "Student-teacher distillation beats insoles-only training", "Table 7, §7.1", "activity_strategies",
          "activity", "student-teacher minus insoles-only accuracy (points)"),
    Claim("C10", "α = 0.5 is the best distillation weight", "text of §7.2 (no table)", "activity_distillation",
          "activity", "student accuracy at α = 0.5 minus the best other α (points)"),
    Claim("C11", "The benefit of training with MoCap (student-teacher) over insoles alone generalises across "
          "subjects", "Table 8, §7.1", "activity_strategies", "activity",
          "per-subject student-teacher minus insoles-only accuracy, Table 8's reading (points)"),
)
BY_ID = {c.id: c for c in CLAIMS}
POSE = tuple(c.id for c in CLAIMS if c.section == "pose")
ACTIVITY = tuple(c.id for c in CLAIMS if c.section == "activity")


def _decide(effects: dict, family: str) -> dict:
    return decide_family({key: (BY_ID[key[0] if isinstance(key, tuple) else key].text, e)
                          for key, e in effects.items()}, family=family)


def decide_pose(full: PoseCV, no_mpjae: PoseCV, no_cycle: PoseCV) -> dict[str, dict[str, Verdict]]:
    """C1–C5 on this run: {frame: {claim id: verdict}}, Holm over the claims of both frames."""
    effects = {(cid, frame): e for frame in FRAMES
               for cid, e in pr.run_effects(full, no_mpjae, no_cycle, frame).items()}
    decided = _decide(effects, "section 6 on this run (C1–C5 in both frames)")
    return {frame: {cid: decided[(cid, frame)] for cid in POSE} for frame in FRAMES}


def decide_activity(preds: pd.DataFrame, *, distill_loss: str) -> dict[str, Verdict]:
    """C6–C11 on this run's predictions (the student's sweep for C10), Holm over them."""
    return _decide(ar.run_effects(preds, distill_loss=distill_loss), "section 7 on this run")


def decide_paper() -> dict[str, Verdict]:
    """C1–C11 on the paper's Tables 4–8 (C10 has no table), Holm within each section."""
    t = paper.load_table
    pose = pr.paper_effects(t(4).set_index("body_part"), t(5).set_index("mpjae_loss"), t(6).set_index("cycle_networks"))
    activity = ar.paper_effects(t(7), t(8))
    return _decide(pose, "section 6 on the paper's tables") | _decide(activity, "section 7 on the paper's tables")


@dataclass
class Ledger:
    """Claims × (the paper's verdict, this run's verdict per frame); renders as ``<table class="claims">``."""

    paper: dict[str, Verdict]
    ours: dict[str, dict[str, Verdict]]  # claim id → {frame or "any": verdict}

    def _ours(self, cid: str, frame: str) -> Verdict | None:
        mine = self.ours.get(cid, {})
        return mine.get(frame, mine.get("any"))

    def table(self) -> pd.DataFrame:
        """The ledger as text: one row per claim, statuses only (what nbval compares)."""
        rows = []
        for c in CLAIMS:
            p = self.paper.get(c.id)
            rows.append({"claim": f"{c.id} {c.text}", "paper's evidence": c.evidence,
                         "paper's tables": "no table" if p is None or p.effect is None else p.status,
                         **{f"this run, {FRAMES[f]}": v.status if (v := self._ours(c.id, f)) else "not run"
                            for f in FRAMES}})
        return pd.DataFrame(rows).set_index("claim")

    def tally(self) -> pd.DataFrame:
        """Verdict × column (the paper's tables, this run per frame): which claims got it, e.g. "2: C1, C6"."""
        table = self.table()
        ids = [c.id for c in CLAIMS]
        cols = ["paper's tables"] + [f"this run, {FRAMES[f]}" for f in FRAMES]
        statuses = list(dict.fromkeys([*STATUSES, *table[cols].stack().unique()]))
        out = pd.DataFrame({col: {st: [i for i, v in zip(ids, table[col]) if v == st] for st in statuses}
                            for col in cols})
        out = out.map(lambda got: f"{len(got)}: {', '.join(got)}" if got else "0")
        out.index.name = "verdict"
        return out[(out != "0").any(axis=1)]

    def paper_table(self) -> pd.DataFrame:
        """The claims with the paper's evidence and the verdicts of the paper's own tables."""
        return self.table()[["paper's evidence", "paper's tables"]]

    def summary(self) -> dict[str, dict]:
        """{"claims.C1": {verdict, effect, ci_low, ci_high, threshold, n_units, …, paper_verdict}, …}: this
        run's heading-normalised verdict (the frame the insoles can explain), the paper frame's beside it."""
        out = {}
        for c in CLAIMS:
            ours, p = self._ours(c.id, "heading"), self.paper.get(c.id)
            if ours is None:
                continue
            row = ours.summary() | {"effect_measures": c.effect,
                                    "paper_verdict": None if p is None or p.effect is None else p.status}
            if c.id in self.ours and "paper" in self.ours[c.id]:
                row["paper_frame"] = self.ours[c.id]["paper"].summary()
            out[f"claims.{c.id}"] = row
        return out

    def __repr__(self) -> str:
        return self.table().to_string()

    def _cell(self, v: Verdict | None, missing: str) -> str:
        if v is None or (v.effect is None and missing == "no table"):
            return f'<span class="verdict">{missing}</span>'
        e = v.effect
        numbers = "" if e is None else (f'<br><span class="claims-effect">{e.value:+.2f} '
                                        f'[{e.ci_low:+.2f}, {e.ci_high:+.2f}], threshold {e.threshold:g}</span>')
        return f'{v.badge()}{numbers}<br><span class="claims-evidence">{html.escape(v.evidence)}</span>'

    def _repr_html_(self) -> str:
        head = ["claim", "evidence", "verdict on the paper's tables"] + [f"this run, {FRAMES[f]}" for f in FRAMES]
        rows = []
        for c in CLAIMS:
            cells = [c.link() + f'<br><span class="claims-effect">effect: {html.escape(c.effect)}</span>',
                     html.escape(c.evidence), self._cell(self.paper.get(c.id), "no table")]
            ours = self.ours.get(c.id, {})
            if "any" in ours:  # one verdict for both frames
                row = "".join(f"<td>{x}</td>" for x in cells)
                row += f'<td colspan="{len(FRAMES)}">{self._cell(ours["any"], "not run")}</td>'
            else:
                row = "".join(f"<td>{x}</td>" for x in cells + [self._cell(ours.get(f), "not run") for f in FRAMES])
            rows.append(row)
        header = "".join(f"<th>{h}</th>" for h in head)
        body = "".join(f"<tr>{r}</tr>" for r in rows)
        return f'<table class="claims"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def ledger(pose: dict[str, PoseCV] | None, activity_preds: pd.DataFrame | None, *, distill_loss: str = "mse"
           ) -> Ledger:
    """The ledger from this run's pose CVs ({"full", "no_mpjae", "no_cycle"}) and activity predictions."""
    ours: dict[str, dict[str, Verdict]] = {}
    if pose is not None:
        for frame, verdicts in decide_pose(pose["full"], pose["no_mpjae"], pose["no_cycle"]).items():
            for cid, v in verdicts.items():
                ours.setdefault(cid, {})[frame] = v
    if activity_preds is not None:
        for cid, v in decide_activity(activity_preds, distill_loss=distill_loss).items():
            ours[cid] = {"any": v}
    return Ledger(paper=decide_paper(), ours=ours)


def for_run(run) -> tuple[Ledger, dict]:
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
    from humaps.experiments.pose_cv import run_cvs

    configs = {"cohort": run["cohort"]}
    pose_run = Run(run.profile, run.recordings, {}, configs | {"pose": resolve("pose", run.profile)})
    act_run = Run(run.profile, run.recordings, {}, configs | {"activity": resolve("activity", run.profile)})
    display(source.describe(run))  # once: both experiments read the same recordings
    data = pose_data(pose_run, show=False)
    pose = run_cvs(pose_run["pose"], data, ("full", "no_mpjae", "no_cycle"))
    windows = activity_data(act_run, show=False)
    results = run_strategies(act_run["activity"], windows)
    preds = pd.concat([results.predictions, run_classical(act_run["activity"], windows).predictions],
                      ignore_index=True)
    return (ledger(pose, preds, distill_loss=act_run["activity"].distill_loss),
            {"pose": pose, "baselines": run_baselines(pose_run["pose"], data), "activity": preds})


__all__ = ["ACTIVITY", "BY_ID", "CLAIMS", "Claim", "Effect", "Ledger", "POSE", "decide_activity", "decide_paper",
           "decide_pose", "for_run", "ledger"]
