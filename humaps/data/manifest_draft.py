"""``python -m humaps manifest DIR``: draft a folder's manifest from its device exports, or check it.

A folder of exports — Moticon OpenGo text exports, QTM skeleton TSVs, annotation CSVs, named as
the user likes, in sub-folders or not — becomes a cohort folder once it holds ``subjects.csv``
and ``trials.csv`` (:mod:`humaps.io.manifest`). This tool:

1. recognises each file's kind from its first line (:func:`humaps.io.inspect.detect_kind`);
   other files (reports, pictures) are listed as ignored;
2. assigns each export to a (subject, trial) by a regular expression with named groups
   ``subject`` and ``trial``, searched in the path relative to the folder ('/' separated).
   The default, :data:`DEFAULT_PATTERN`, takes names that begin ``<letters><digits>_<letters><digits>``
   then ``_`` or ``.``: the simulator's ``S01_T01_insoles.txt``, ``S01_T01_skeleton.tsv``,
   ``S01_T01_annotations.csv``. Exports that no match places are listed as unmatched and left
   out, or, with ``--unmatched subject``, grouped by their path without extension and made a
   subject each (id from that path, trial ``T01``) — for folders of one recording per person;
3. reads every assigned file with its reader and checks each trial as the loader does
   (:func:`humaps.data.store.check_trial`); estimates the clock offset of trials with motion
   capture, to show what loading will use;
4. writes both tables (``subjects.csv`` with the anthropometrics blank to fill in, except
   ``insole_size`` taken from the Moticon headers; ``trials.csv`` with ``mocap_offset_s`` blank).

When the folder already has both tables, the tool checks them instead (``--force`` redrafts,
keeping the anthropometrics already filled in). It prints what it matched and what it could
not, then one ``problem:`` line per problem on stderr, and exits 1 when there was any.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.io.errors import FormatError
from humaps.io.inspect import detect_kind
from humaps.io.manifest import (
    MANIFEST_FILES,
    SUBJECT_COLUMNS,
    SUBJECTS_CSV,
    TRIAL_COLUMNS,
    TRIALS_CSV,
    read_manifest,
    write_manifest,
)

DEFAULT_PATTERN = r"(?:^|/)(?P<subject>[A-Za-z]+[0-9]+)_(?P<trial>[A-Za-z]+[0-9]+)(?=[_.])[^/]*$"
COLUMN_OF = {"moticon": "insole_file", "qtm": "skeleton_file", "annotations": "annotations_file"}
KIND_NAME = {"moticon": "Moticon export", "qtm": "QTM skeleton", "annotations": "annotations"}
UNMATCHED = ("list", "subject")


@dataclass
class Draft:
    """What a scan found: printable ``lines``, one-line ``problems``, and the two tables."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    subjects: pd.DataFrame | None = None
    trials: pd.DataFrame | None = None


def device_files(directory: Path) -> list[tuple[str, str | None, str]]:
    """(relative path, kind or None, why ignored) of every file of the folder but the manifest and hidden ones."""
    out = []
    for p in sorted(directory.rglob("*")):
        rel = p.relative_to(directory)
        if not p.is_file() or any(part.startswith(".") for part in rel.parts) or rel.as_posix() in MANIFEST_FILES:
            continue
        try:
            out.append((rel.as_posix(), detect_kind(p), ""))
        except FormatError:
            out.append((rel.as_posix(), None, "not a Moticon, QTM or annotation export (by its first line)"))
        except OSError as err:
            out.append((rel.as_posix(), None, f"unreadable ({err.strerror or err})"))
    return out


def _own_id(rel: str) -> str:
    """A subject id from a file's path without extension (characters outside [A-Za-z0-9_.-] → '-')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", rel.rsplit(".", 1)[0] if "." in Path(rel).name else rel).strip("-")


def match(files, pattern: str, unmatched: str, draft: Draft) -> dict[tuple[str, str], dict[str, str]]:
    """Assign device files to (subject, trial) → {column: path}; prints every decision into ``draft``."""
    rx = re.compile(pattern)
    if not {"subject", "trial"} <= set(rx.groupindex):
        raise ValueError(f"the pattern {pattern!r} needs the named groups (?P<subject>...) and (?P<trial>...)")
    groups: dict[tuple[str, str], dict[str, str]] = {}
    width = max((len(f) for f, *_ in files), default=0)
    for rel, kind, why in files:
        head = f"  {rel:<{width}}  "
        if kind is None:
            draft.lines.append(head + f"ignored: {why}")
            continue
        m = rx.search(rel)
        if m is not None and m.group("subject") and m.group("trial"):
            key, how = (m.group("subject"), m.group("trial")), "matched by the pattern"
        elif unmatched == "subject":
            key, how = (_own_id(rel), "T01"), "unmatched: a subject of its own"
        else:
            draft.lines.append(head + f"{KIND_NAME[kind]:<14} UNMATCHED: the pattern places it nowhere; left out "
                               "(pass --pattern, or --unmatched subject)")
            continue
        _put(groups, key, kind, rel, draft)
        draft.lines.append(head + f"{KIND_NAME[kind]:<14} → subject {key[0]}, trial {key[1]} ({how})")
    return groups


def _put(groups, key, kind, rel, draft: Draft) -> None:
    column = COLUMN_OF[kind]
    slot = groups.setdefault(key, {})
    if column in slot:
        draft.problems.append(f"subject {key[0]} trial {key[1]}: two files for {column}: {slot[column]} and {rel}")
    else:
        slot[column] = rel


def _trial_rows(groups, draft: Draft) -> pd.DataFrame:
    rows = []
    for (subject, trial), files in sorted(groups.items()):
        if "insole_file" not in files:
            draft.problems.append(f"subject {subject} trial {trial}: no Moticon export, only "
                                  + ", ".join(files.values()))
            continue
        rows.append({"subject": subject, "trial": trial, "insole_file": files["insole_file"],
                     "skeleton_file": files.get("skeleton_file", ""),
                     "annotations_file": files.get("annotations_file", ""), "mocap_offset_s": np.nan})
    return pd.DataFrame(rows, columns=list(TRIAL_COLUMNS))


def check(directory: Path, trials: pd.DataFrame, draft: Draft) -> dict[str, dict]:
    """Read every listed file with its reader and check each trial as the loader does; per trial, facts
    for the summary ({"S01 T01": {size, seconds, mocap, annotations, estimate}}). Problems go to ``draft``."""
    from humaps.data.clock_offset import estimate_offset
    from humaps.data.store import Trial, check_names, check_trial, inside
    from humaps.io.annotations import read_annotations
    from humaps.io.moticon import read_moticon
    from humaps.io.qtm import read_qtm_skeleton

    readers = {"insole_file": read_moticon, "skeleton_file": read_qtm_skeleton, "annotations_file": read_annotations}
    rows = trials.to_dict(orient="records")
    trials_of: dict[str, list[str]] = {}
    for r in rows:
        trials_of.setdefault(r["subject"], []).append(r["trial"])
    try:
        check_names(directory / TRIALS_CSV, rows, trials_of)
    except FormatError as err:
        draft.problems.append(str(err))
    facts = {}
    for r in rows:
        got, ok = {}, True
        for column, reader in readers.items():
            name = r[column]
            if not isinstance(name, str) or not name:
                got[column] = None
                continue
            try:
                inside(directory.resolve(), directory / TRIALS_CSV, name)  # no path or link leaving the folder
                got[column] = reader(directory / name)
            except (FormatError, OSError) as err:  # one line per bad file, whatever the reader found
                draft.problems.append(str(err).replace("\n", " "))
                ok = False
            except Exception as err:  # a reader bug must still come out as one line naming the file
                draft.problems.append(f"{directory / name}: could not read ({type(err).__name__}: {err})")
                ok = False
        if not ok:
            continue
        offset = r["mocap_offset_s"]
        tr = Trial(subject=r["subject"], trial_id=r["trial"], insole=got["insole_file"], mocap=got["skeleton_file"],
                   annotations=got["annotations_file"], mocap_offset_s=np.nan if pd.isna(offset) else float(offset))
        try:
            check_trial(directory, r, tr, trials_of)
        except FormatError as err:
            draft.problems.append(str(err))
            continue
        est = None
        if tr.mocap is not None and pd.isna(offset):
            try:
                est = estimate_offset(tr)
            except ValueError as err:
                draft.problems.append(f"{directory / r['skeleton_file']}: the clock offset cannot be estimated ({err}); "
                                      f"fill in mocap_offset_s of {r['subject']} {r['trial']} in {TRIALS_CSV}")
            if est is not None and not est.trusted:  # loading would use it; training on a wrong lag is silent
                draft.problems.append(
                    f"{directory / r['skeleton_file']}: the clock offset estimated from the data "
                    f"({est.offset_s * 1000:+.1f} ms) is not trusted (confidence {est.confidence:.2f}, halves differ by "
                    f"{est.halves_ms:.1f} ms); fill in mocap_offset_s of {r['subject']} {r['trial']} in {TRIALS_CSV}")
        ins = tr.insole
        facts[f"{r['subject']} {r['trial']}"] = {
            "subject": r["subject"], "size": ins.meta.get("Size", ""), "estimate": est, "mocap": tr.mocap is not None,
            "seconds": float(ins.time[-1] - ins.time[0]) if ins.n_frames else 0.0,
            "annotations": tr.annotations is not None}
    return facts


def _subjects_from(trials: pd.DataFrame, facts: dict, previous: pd.DataFrame | None, draft: Draft) -> pd.DataFrame:
    """One row per subject; ``insole_size`` from the Moticon headers when they agree; values of ``previous``
    (an existing subjects.csv) kept."""
    rows = []
    for subject in dict.fromkeys(trials["subject"]):
        sizes = {f["size"] for f in facts.values() if f["subject"] == subject and str(f["size"]).strip()}
        size = np.nan
        if len(sizes) == 1 and str(next(iter(sizes))).strip().isdigit():
            size = int(next(iter(sizes)))
        elif len(sizes) > 1:
            draft.lines.append(f"note: subject {subject}: the Moticon headers give insole sizes {sorted(sizes)}; "
                               "insole_size left blank")
        rows.append({"subject": subject, "height_m": np.nan, "mass_kg": np.nan, "sex": np.nan, "insole_size": size})
    kept = previous.set_index("subject").to_dict(orient="index") if previous is not None else {}
    for row in rows:  # what the user filled in before a --force redraft stays
        row.update({k: v for k, v in kept.get(row["subject"], {}).items() if not pd.isna(v)})
    out = pd.DataFrame(rows)
    return out[list(SUBJECT_COLUMNS) + [c for c in out.columns if c not in SUBJECT_COLUMNS]]


def _summary(directory: Path, trials: pd.DataFrame, subjects: pd.DataFrame, facts: dict, draft: Draft) -> None:
    n, hours = len(trials), sum(f["seconds"] for f in facts.values()) / 3600
    n_mocap = int((trials["skeleton_file"].fillna("") != "").sum())
    n_ann = int((trials["annotations_file"].fillna("") != "").sum())
    span = f"{hours:.2f} h" if hours >= 0.1 else f"{hours * 60:.1f} min"
    draft.lines.append(f"{len(subjects)} subjects, {n} trials, {span} of insole recordings; motion capture in "
                       f"{n_mocap} of {n} trials, annotations in {n_ann} of {n}")
    for label, f in facts.items():
        e = f["estimate"]
        if e is not None:
            draft.lines.append(f"  {label}: mocap_offset_s blank; loading estimates it at {e.offset_s * 1000:+.1f} ms "
                               f"(confidence {e.confidence:.2f}, {'trusted' if e.trusted else 'NOT trusted'})")
    blank = [f"{c} ({int(subjects[c].isna().sum())} of {len(subjects)})" for c in SUBJECT_COLUMNS[1:]
             if subjects[c].isna().any()]
    if blank:
        draft.lines.append(f"to fill in {directory / SUBJECTS_CSV}: " + ", ".join(blank) + " are blank "
                           "(the data chapter needs mass_kg to express force in body weights; blank: estimated "
                           "from the force)")


def run(directory, *, pattern: str | None = None, unmatched: str = "list", force: bool = False,
        dry_run: bool = False) -> Draft:
    """Draft (or check, when the folder has both tables and not ``force``) → :class:`Draft`; writes the
    tables unless ``dry_run`` or checking."""
    directory = Path(directory)
    draft = Draft()
    if not directory.is_dir():
        draft.problems.append(f"{directory}: not a folder")
        return draft
    files = device_files(directory)
    existing = all((directory / name).is_file() for name in MANIFEST_FILES)
    previous = None
    if existing and not force:
        draft.lines.append(f"checking the manifest of {directory} ({SUBJECTS_CSV}, {TRIALS_CSV}; "
                           "--force redrafts it from the file names)")
        try:
            subjects, trials = read_manifest(directory)
        except (FormatError, FileNotFoundError) as err:
            draft.problems.append(str(err))
            return draft
        listed = {v for c in ("insole_file", "skeleton_file", "annotations_file") for v in trials[c] if isinstance(v, str)}
        for r in trials.itertuples():
            draft.lines.append(f"  subject {r.subject}, trial {r.trial}: " + ", ".join(
                f"{c.split('_')[0]} {v if isinstance(v, str) and v else '-'}"
                for c, v in (("insole_file", r.insole_file), ("skeleton_file", r.skeleton_file),
                             ("annotations_file", r.annotations_file))))
        for rel, kind, why in files:
            if kind is not None and rel not in listed:
                draft.lines.append(f"  {rel}  {KIND_NAME[kind]} NOT LISTED in {TRIALS_CSV}: the loader skips it")
            elif kind is None:
                draft.lines.append(f"  {rel}  ignored: {why}")
    else:
        if existing:
            try:
                previous = read_manifest(directory)[0]
            except (FormatError, FileNotFoundError):
                previous = None
        pattern = pattern or DEFAULT_PATTERN
        draft.lines.append(f"drafting a manifest for {directory} from {len(files)} files (pattern {pattern}; "
                           f"unmatched exports: {unmatched})")
        trials = _trial_rows(match(files, pattern, unmatched, draft), draft)
        subjects = None
    if trials.empty:
        draft.problems.append(f"{directory}: no trial (a Moticon export placed by the pattern); "
                              "pass --pattern with groups subject and trial, or --unmatched subject")
        return draft
    facts = check(directory, trials, draft)
    if subjects is None:
        subjects = _subjects_from(trials, facts, previous, draft)
    draft.subjects, draft.trials = subjects, trials
    _summary(directory, trials, subjects, facts, draft)
    if not (existing and not force) and not dry_run:
        write_manifest(subjects, trials, directory)
        draft.lines.append(f"wrote {directory / SUBJECTS_CSV} and {directory / TRIALS_CSV}")
    verdict = f"{len(draft.problems)} problem(s)" if draft.problems else "every file read by its reader; no problem"
    draft.lines.append(f"checked {len(trials)} trials: {verdict}")
    return draft


def add_arguments(p) -> None:
    p.add_argument("directory", help="the folder of exports (subjects.csv and trials.csv are written there)")
    p.add_argument("--pattern", help="regular expression with groups (?P<subject>...) and (?P<trial>...), searched "
                                     "in each file's path relative to the folder (default: S01_T01_... names)")
    p.add_argument("--unmatched", choices=UNMATCHED, default="list",
                   help="exports the pattern does not place: list them and leave them out (default), or make "
                        "each a subject of its own (grouped by path without extension, trial T01)")
    p.add_argument("--force", action="store_true", help="redraft an existing manifest (filled anthropometrics kept)")
    p.add_argument("--dry-run", action="store_true", help="print the draft, write nothing")


def command(args) -> int:
    try:
        draft = run(args.directory, pattern=args.pattern, unmatched=args.unmatched, force=args.force,
                    dry_run=args.dry_run)
    except (ValueError, re.error) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("\n".join(draft.lines), flush=True)
    for problem in draft.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if draft.problems else 0
