"""Where a chapter's data come from, and what they hold: the simulated cohort or a folder of recordings.

Every chapter that reads the cohort goes through :func:`load` (the trials) or
:func:`describe` (a :class:`SourceSummary`, cached, so a chapter whose windows are cached
does not parse the files just to say what they were). Both read one kind of folder —
recordings plus ``subjects.csv`` and ``trials.csv`` (:mod:`humaps.io.manifest`) — with one
loader (:func:`humaps.data.store.load_cohort_report`):

- ``run.recordings is None``: the folder the simulator writes for the run's ``cohort``
  config (:func:`humaps.data.cohort.ensure_written`, cached under ``<cache>/cohort/``);
- ``run.recordings = DIR``: that folder, as given (relative paths are taken from the current
  directory; ``python -m humaps notebooks`` makes them absolute before the kernel starts).

A chapter that needs what the folder lacks (motion capture, annotations, enough subjects)
stops with :class:`MissingData`, whose message says what is missing and where; it never
falls back to the simulated cohort.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

import numpy as np
import pandas as pd

from humaps.cache import cached
from humaps.constants import G
from humaps.data.store import Trial, load_cohort_report
from humaps.io.manifest import SUBJECT_COLUMNS
from humaps.paths import REPO


class MissingData(RuntimeError):
    """The recordings folder lacks something this chapter needs; the message says what."""


def folder(run) -> Path:
    """The folder of device files the run reads (the simulated cohort is written first if needed)."""
    if run.recordings is None:
        from humaps.data import cohort

        return cohort.ensure_written(run["cohort"], progress=False)
    d = Path(run.recordings).expanduser()
    if not d.is_dir():
        raise FileNotFoundError(f"recordings folder {str(run.recordings)!r} not found (relative to {Path.cwd()}); "
                                "pass an existing folder of exports with subjects.csv and trials.csv")
    return d.resolve()


def shown(path: Path) -> str:
    """A folder as the book shows it: relative to the repository when inside it (no machine paths)."""
    path = Path(path)
    try:
        return path.resolve().relative_to(REPO).as_posix() + "/"
    except ValueError:
        return str(path) + "/"


def fingerprint(directory: Path) -> tuple:
    """(folder, every file's relative path, size and mtime): changes whenever a file or the manifest does."""
    entries = []
    for p in sorted(directory.rglob("*")):
        st = p.stat()  # one stat per entry (follows links, like is_file)
        if S_ISREG(st.st_mode):
            entries.append((p.relative_to(directory).as_posix(), st.st_size, st.st_mtime_ns))
    return (str(directory), tuple(entries))


def source_key(run) -> tuple:
    """What the run's data are a function of: the cohort config, or the recordings folder's fingerprint."""
    if run.recordings is None:
        return ("simulated", run["cohort"])
    return ("recordings", fingerprint(folder(run)))


def _label(tr: Trial) -> str:
    return f"{tr.subject} {tr.trial_id}"


@dataclass(frozen=True)
class SourceSummary:
    """What a chapter's data are: the provenance every data-reading chapter prints.

    ``hours``: summed insole recording time; ``without_mocap`` / ``without_annotations``: trial
    labels ("S01 T01"); ``skipped``: (file, why) of files in the folder that are not read;
    ``estimated``: (trial label, offset ms, confidence, trusted) of clock offsets estimated from
    the data; ``blank``: (column, number of subjects) of anthropometrics left blank.
    """

    kind: str                     # "simulated" | "recordings"
    folder: str                   # as shown in the book (relative to the repository when inside it)
    profile: str
    n_subjects: int
    n_trials: int
    hours: float
    without_mocap: tuple[str, ...] = ()
    without_annotations: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    estimated: tuple[tuple[str, float, float, bool], ...] = ()
    blank: tuple[tuple[str, int], ...] = field(default=())

    @property
    def n_mocap(self) -> int:
        return self.n_trials - len(self.without_mocap)

    @property
    def n_annotated(self) -> int:
        return self.n_trials - len(self.without_annotations)

    def lines(self) -> list[str]:
        what = (f"the simulated cohort of profile {self.profile} (written to and read back from {self.folder})"
                if self.kind == "simulated" else f"recordings in {self.folder}")
        out = [f"data: {what}: {self.n_subjects} subjects, {self.n_trials} trials, {_span(self.hours)} of insole recordings",
               f"  motion capture in {self.n_mocap} of {self.n_trials} trials, annotations in {self.n_annotated} "
               f"of {self.n_trials}" + _few(" — no motion capture: ", self.without_mocap, self.n_trials)
               + _few(" — no annotations: ", self.without_annotations, self.n_trials)]
        if self.estimated:
            trusted = sum(t for *_, t in self.estimated)
            out.append(f"  clock offsets estimated from the data for {len(self.estimated)} trials "
                       f"({trusted} trusted): " + "; ".join(f"{lab} {ms:+.1f} ms (confidence {c:.2f}"
                                                            f"{'' if t else ', NOT trusted'})"
                                                            for lab, ms, c, t in self.estimated[:6])
                       + (" ..." if len(self.estimated) > 6 else ""))
        elif self.n_mocap:
            out.append(f"  clock offsets: all {self.n_mocap} given in trials.csv")
        if self.blank:
            out.append("  blank in subjects.csv: " + ", ".join(f"{c} for {n} of {self.n_subjects} subjects"
                                                            for c, n in self.blank))
        out.append(f"  skipped {len(self.skipped)} files: " + "; ".join(f"{f} ({why})" for f, why in self.skipped[:8])
                   + (" ..." if len(self.skipped) > 8 else "") if self.skipped else "  skipped files: none")
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        first, *rest = self.lines()
        return (f'<p class="provenance">{html.escape(first)}</p>'
                + "".join(f'<p class="provenance">{html.escape(line.strip())}</p>' for line in rest))

    def require(self, *, who: str, mocap: bool = False, annotations: bool = False) -> None:
        """Raise :class:`MissingData` when no trial has what ``who`` needs, saying what is missing and where."""
        needs = [("motion capture", "skeleton_file (a QTM skeleton TSV)", self.without_mocap)] if mocap else []
        needs += [("annotations", "annotations_file (action segments)", self.without_annotations)] if annotations else []
        missing = [(what, column, len(lacking)) for what, column, lacking in needs if len(lacking) == self.n_trials]
        if missing:
            raise MissingData(f"{who} need {' and '.join(w for w, _, _ in missing)}: in {self.folder}, "
                              + "; ".join(f"{k} of {self.n_trials} trials have no {c}" for _, c, k in missing)
                              + " in trials.csv. Nothing was run on simulated data instead; book/intro.md says "
                              "which chapters run on insoles alone")


def _span(hours: float) -> str:
    return f"{hours:.2f} h" if hours >= 0.1 else f"{hours * 60:.1f} min"


def _few(prefix: str, items, total: int) -> str:
    """The trials lacking something, named when only some do (up to 6)."""
    if not items or len(items) == total:
        return ""
    return prefix + ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "")


@dataclass
class Source:
    """A run's data: the subjects table, the trials (manifest order) and their :class:`SourceSummary`."""

    subjects: pd.DataFrame
    trials: list[Trial]
    summary: SourceSummary
    directory: Path


def load(run) -> Source:
    """Read the run's folder through the manifest loader → :class:`Source` (parsed trials are cached)."""
    directory = folder(run)
    trials, report = load_cohort_report(directory)
    subjects = report.subjects
    est = report.estimated_offsets
    summary = SourceSummary(
        kind="simulated" if run.recordings is None else "recordings", folder=shown(directory), profile=run.profile,
        n_subjects=int(subjects["subject"].isin([t.subject for t in trials]).sum()), n_trials=len(trials),
        hours=float(sum(t.insole.time[-1] - t.insole.time[0] for t in trials if t.insole.n_frames) / 3600.0),
        without_mocap=tuple(_label(t) for t in trials if t.mocap is None),
        without_annotations=tuple(_label(t) for t in trials if t.annotations is None),
        skipped=tuple(report.skipped or ()),
        estimated=tuple((f"{r.subject} {r.trial}", 1000.0 * r.offset_s, float(r.confidence), bool(r.trusted))
                        for r in est.itertuples()),
        blank=tuple((c, int(subjects[c].isna().sum())) for c in SUBJECT_COLUMNS[1:] if subjects[c].isna().any()))
    return Source(subjects=subjects, trials=trials, summary=summary, directory=directory)


def describe(run, key: tuple | None = None) -> SourceSummary:
    """The run's :class:`SourceSummary`, cached on :func:`source_key` (so cheap when nothing changed);
    ``key``: that key when the caller has it already (a recordings folder is then listed once)."""
    return cached("data_source", (key or source_key(run), run.profile), lambda: load(run).summary)


def with_mocap(trials: list[Trial]) -> list[Trial]:
    """The trials that have motion capture (insole-only ones left out)."""
    return [t for t in trials if t.mocap is not None]


def empty_annotations(tr: Trial) -> Trial:
    """``tr`` with an empty annotation table in place of None (windows then carry no action label)."""
    if tr.annotations is not None:
        return tr
    from dataclasses import replace

    return replace(tr, annotations=pd.DataFrame({"trial": pd.Series(dtype=object), "start_s": np.zeros(0),
                                                 "end_s": np.zeros(0), "label": pd.Series(dtype=object)}))


# ----------------------------------------------------------------------------- what the data chapter computes
def is_simulated(trials) -> bool:
    """True when every insole export says it was written by the simulator (``# Recording type: simulated``)."""
    return bool(trials) and all(t.insole.meta.get("Recording type") == "simulated" for t in trials)


def _stretches(tr: Trial, label: str) -> list:
    """The insole recording's annotated ``label`` segments, or all of it when the trial has no annotations."""
    if tr.annotations is None:
        return [tr.insole]
    segs = tr.annotations[tr.annotations["label"] == label]
    return [tr.insole.between(s.start_s, s.end_s) for s in segs.itertuples()]


def walking_statistics(trials, subjects: pd.DataFrame, *, label: str = "Walking") -> list[dict]:
    """Gait statistics (:func:`humaps.data.realism.gait_statistics`) of every walking stretch of ``trials``.

    A stretch is an annotated ``label`` segment, or the whole recording of a trial without
    annotations (only complete gait stances count, so standing and turning add nothing). Force is
    normalised by the subject's ``mass_kg`` × g when given, else by the body weight estimated from
    the force (``body_weight_estimated`` True). Stretches without a complete stance are skipped;
    every dict carries their count in ``n_skipped``. For annotated trials with known masses this
    is :func:`humaps.data.realism.simulated_walking`.
    """
    from humaps.data.realism import gait_statistics

    mass = subjects.set_index("subject")["mass_kg"]
    stats, skipped = [], 0
    for tr in trials:
        m = float(mass.get(tr.subject, np.nan))
        for rec in _stretches(tr, label):
            try:
                d = gait_statistics(rec, body_weight_n=m * G if np.isfinite(m) else None)
            except ValueError:
                skipped += 1
                continue
            stats.append(d | {"subject": tr.subject, "trial": tr.trial_id, "body_weight_estimated": not np.isfinite(m)})
    for d in stats:
        d["n_skipped"] = skipped
    return stats


def first_stance(trials, subjects: pd.DataFrame, *, label: str = "Walking"):
    """(trial, walking stretch, (start, end) frame indices of its first complete left stance, body weight N)
    from the first trial that has one (stretches as :func:`walking_statistics`), or None."""
    from humaps.data.realism import gait_stances

    mass = subjects.set_index("subject")["mass_kg"]
    for tr in trials:
        m = float(mass.get(tr.subject, np.nan))
        for walk in _stretches(tr, label):
            (left, _), bw = gait_stances(walk, m * G if np.isfinite(m) else None)
            if len(left[0]):
                return tr, walk, (int(left[0][0]), int(left[1][0])), bw
    return None
