"""``python -m humaps``: the jobs that are not notebooks.

    python -m humaps notebooks --profile book [--only NAME ...] [-p name value ...] [--cluster ADDRESS|local:N]
    python -m humaps stage-book --executed DIR --out DIR
    python -m humaps simulate --profile P --out DIR
    python -m humaps inspect FILE
    python -m humaps manifest DIR [--pattern REGEX] [--unmatched {list,subject}] [--force] [--dry-run]
    python -m humaps model-summary {pose,activity} --profile P
    python -m humaps profiles [SECTION ...]
    python -m humaps results DIR [--json]
    python -m humaps calibrate [--folder DIR] [--out FILE]
    python -m humaps train-pose --profile P [-p name value ...] [--recordings DIR] [--causal] --out model.pt
                                [--cluster ADDRESS|local:N]
    python -m humaps pose RECORDING|- --model model.pt --out poses.npz|FILE|- [--stream] [--latency L]

A command given ``--cluster`` (:func:`humaps.experiments.cluster.add_cluster_argument`) runs its fold
jobs on that Dask cluster: ``main`` sets ``$HUMAPS_CLUSTER`` for it, the papermill kernels inherit it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parse_value(text: str):
    """papermill-like typing for ``-p name value``: int, float, bool, else string."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.lower() in {"true", "false"}:
        return text.lower() == "true"
    return text


def _cmd_notebooks(args) -> int:
    from humaps.book.notebooks import execute_all

    params = {name: _parse_value(value) for name, value in args.parameter or []}
    if isinstance(params.get("recordings"), str):  # the kernel runs in book/: a relative folder means the caller's
        params["recordings"] = str(Path(params["recordings"]).expanduser().resolve())
    execute_all(profile=args.profile, out_dir=Path(args.out), only=args.only, parameters=params)
    return 0


def _cmd_stage(args) -> int:
    from humaps.book.notebooks import stage_book

    print(stage_book(Path(args.executed), Path(args.out)))
    return 0


def _cmd_simulate(args) -> int:
    from humaps.data.cohort import simulate_to_directory

    simulate_to_directory(profile=args.profile, out_dir=Path(args.out))
    return 0


def _cmd_inspect(args) -> int:
    from humaps.io.inspect import main_inspect

    return main_inspect([args.file])


def _cmd_manifest(args) -> int:
    from humaps.data.manifest_draft import command

    return command(args)


def _cmd_model_summary(args) -> int:
    from humaps.experiments.model_summary import main_model_summary

    return main_model_summary([args.experiment, "--profile", args.profile])


def _cmd_profiles(args) -> int:
    from humaps.config import PROFILES, SECTIONS, flatten, resolve

    for section in args.section or list(SECTIONS):
        print(f"[{section}]")
        values = {p: flatten(resolve(section, p)) for p in PROFILES}
        for name in values[PROFILES[0]]:
            print(f"  {name:<22} " + "  ".join(f"{p}={values[p][name]!r}" for p in PROFILES))
    return 0


def _cmd_calibrate(args) -> int:
    from humaps.data.calibration import calibrate

    doc = calibrate(None if args.folder is None else Path(args.folder), None if args.out is None else Path(args.out))
    print(f"fitted on {len(doc['files'])} recordings: " + ", ".join(f["name"] for f in doc["files"]))
    return 0


def _cmd_results(args) -> int:
    from humaps.book.results import main_results

    return main_results(args.directory, as_json=args.json)


def _cmd_train_pose(args) -> int:
    from humaps.book.provenance import git_commit
    from humaps.experiments.pose_export import export_pose_model, training_run

    params = {name: _parse_value(value) for name, value in args.parameter or []}
    recordings = None if args.recordings is None else str(Path(args.recordings).expanduser().resolve())
    run = training_run(args.profile, params, recordings)
    meta = export_pose_model(args.out, run, causal=args.causal, commit=git_commit(), progress=not args.quiet)
    last = meta["curves"][-1] if meta["curves"] else {}
    print(f"{args.out}: {'causal' if args.causal else 'bidirectional'} pose model, profile {args.profile}, "
          f"{meta['train_windows']} windows of {len(meta['subjects'])} subjects, {meta['epochs']} epochs in "
          f"{meta['train_seconds']:.0f} s (final loss {last.get('loss_total', float('nan')):.4f})")
    return 0


def _cmd_pose(args) -> int:
    from humaps.inference.pose_command import command

    return command(args)


def build_parser() -> argparse.ArgumentParser:
    from humaps.experiments.cluster import add_cluster_argument

    parser = argparse.ArgumentParser(prog="python -m humaps", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("notebooks", help="execute the book's notebooks with papermill")
    p.add_argument("--profile", default="book")
    p.add_argument("--out", default="_build/executed/book")
    p.add_argument("--only", nargs="+", help="notebook names (default: all of the TOC)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    add_cluster_argument(p)
    p.set_defaults(func=_cmd_notebooks)
    p = sub.add_parser("stage-book", help="assemble the Jupyter Book source tree from executed notebooks")
    p.add_argument("--executed", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=_cmd_stage)
    p = sub.add_parser("simulate", help="write a simulated cohort in the devices' export formats")
    p.add_argument("--profile", default="book")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_cmd_simulate)
    p = sub.add_parser("inspect", help="validate and summarise a Moticon or QTM export")
    p.add_argument("file")
    p.set_defaults(func=_cmd_inspect)
    p = sub.add_parser("manifest", help="draft (or check) the manifest of a folder of device exports")
    from humaps.data.manifest_draft import add_arguments

    add_arguments(p)
    p.set_defaults(func=_cmd_manifest)
    p = sub.add_parser("model-summary", help="every block of a model with parameters and output shape")
    p.add_argument("experiment", choices=["pose", "activity"])
    p.add_argument("--profile", default="paper")
    p.set_defaults(func=_cmd_model_summary)
    p = sub.add_parser("profiles", help="print every parameter's value at each profile")
    p.add_argument("section", nargs="*", help="cohort, pose, activity (default: all)")
    p.set_defaults(func=_cmd_profiles)
    p = sub.add_parser("calibrate", help="fit the insole simulator's device values on real recordings")
    p.add_argument("--folder", help="a recordings folder with a manifest (default: the real Moticon walking recordings)")
    p.add_argument("--out", help="where to write the values (default: humaps/sim/calibration.json)")
    p.set_defaults(func=_cmd_calibrate)
    p = sub.add_parser("results", help="headline results recorded by a folder of executed notebooks")
    p.add_argument("directory")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_results)
    p = sub.add_parser("train-pose", help="train one pose model on a cohort and save it (for `pose`)")
    p.add_argument("--profile", default="book")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    p.add_argument("--recordings", help="a folder of exports with motion capture and a manifest (default: simulated)")
    p.add_argument("--causal", action="store_true", help="the causal variant, for `pose --stream`")
    p.add_argument("--out", required=True, help="the model file to write (e.g. model.pt)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    add_cluster_argument(p)
    p.set_defaults(func=_cmd_train_pose)
    p = sub.add_parser("pose", help="3-D poses from a Moticon export with a trained model, whole or streamed")
    from humaps.inference.pose_command import add_arguments as pose_arguments

    pose_arguments(p)
    p.set_defaults(func=_cmd_pose)
    return parser


def main(argv: list[str] | None = None) -> int:
    from humaps.config import ParameterError
    from humaps.experiments.cluster import use_cluster

    args = build_parser().parse_args(argv)
    try:
        with use_cluster(getattr(args, "cluster", None)):  # before any kernel starts: they inherit it
            return int(args.func(args) or 0)
    except ParameterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
