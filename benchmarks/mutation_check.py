"""Do the regression checks catch real breakage? Break the code on purpose, run `make test`'s checks, report.

    .venv/bin/python benchmarks/mutation_check.py [--only NAME ...] [--keep]

Each mutation is a one-line change to a copy of the tracked tree (the working tree is never
touched). For each, the copy runs what ``make test`` runs after its set-up — the smoke book
(``python -m humaps notebooks --profile smoke``, from an empty result cache) and ``pytest tests
--nbval-lax`` — with this checkout's virtual environment, and the script prints how many tests
failed and which. Every mutation must make at least one test fail. About 8–10 min per mutation
on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: name → (file, the exact text, its replacement, what the change breaks)
MUTATIONS: dict[str, tuple[str, str, str, str]] = {
    "distillation": ("humaps/training/distill.py",
                     "    return F.mse_loss(student, teacher.detach())",
                     "    return 0.0 * F.mse_loss(student, teacher.detach())",
                     "the feature-MSE distillation loss contributes nothing"),
    "concat-ignores-poses": ("humaps/models/activity_net.py",
                             "            parts.append(self.pose_encoder(pose))  # (B, pose_latent)",
                             "            parts.append(0 * self.pose_encoder(pose) if self.insole_encoder is not None "
                             "else self.pose_encoder(pose))",
                             "the concatenated model's pose latent is zeroed (skeleton-only models keep theirs)"),
    "shuffled-labels": ("humaps/training/activity.py",
                        "    labels = np.asarray(labels)\n    n_classes = model_cfg.n_classes",
                        "    labels = np.random.default_rng(0).permutation(np.asarray(labels))\n"
                        "    n_classes = model_cfg.n_classes",
                        "every classifier trains on labels shuffled across its windows"),
    "mpjae-loss": ("humaps/training/losses.py",
                   '        "mpjae": lambda: mpjae_loss(pred, joints),',
                   '        "mpjae": lambda: 0.0 * mpjae_loss(pred, joints),',
                   "the MPJAE loss term contributes nothing"),
    "mpjae-metric": ("humaps/metrics.py",
                     "    err = np.degrees(np.abs(joint_angles(pred) - joint_angles(true))).mean(axis=(0, 1))  # (12,)",
                     "    err = 1.02 * np.degrees(np.abs(joint_angles(pred) - joint_angles(true))).mean(axis=(0, 1))",
                     "the MPJAE metric reads 2 % high"),
}


def tracked_copy(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        if (REPO / f).is_file():
            (target / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / f, target / f)
    shutil.copytree(REPO / ".cache" / "real", target / ".cache" / "real")


def mutate(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    if text.count(old) != 1:
        raise SystemExit(f"{file}: the text to mutate occurs {text.count(old)} times (expected once): {old!r}")
    path.write_text(text.replace(old, new))


def run_checks(root: Path) -> tuple[int, list[str], float]:
    """(exit status of pytest, failed test ids, seconds) of make test's checks in ``root``."""
    env = os.environ | {"PYTHONPATH": str(root), "HUMAPS_CACHE": str(root / ".cache" / "humaps"),
                        "HUMAPS_EXECUTED": str(root / "_build" / "executed" / "smoke"), "PYTHONHASHSEED": "0",
                        "OMP_NUM_THREADS": "2"}
    py = REPO / ".venv" / "bin" / "python"
    t0 = time.perf_counter()
    subprocess.run([str(py), "-m", "humaps", "notebooks", "--profile", "smoke", "--out", "_build/executed/smoke"],
                   cwd=root, env=env, capture_output=True)
    out = subprocess.run([str(py), "-m", "pytest", "tests", "--nbval-lax", "--nbval-sanitize-with",
                          "tests/nbval_sanitize.cfg", "-q", "-p", "no:cacheprovider", "-k", "not browser"],
                         cwd=root, env=env, capture_output=True, text=True)
    failed = re.findall(r"^FAILED (\S+)", out.stdout, flags=re.M)
    return out.returncode, failed, time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=list(MUTATIONS))
    parser.add_argument("--keep", action="store_true", help="keep the mutated copies (printed)")
    args = parser.parse_args()
    caught = True
    for name in args.only or MUTATIONS:
        file, old, new, what = MUTATIONS[name]
        root = Path(tempfile.mkdtemp(prefix=f"mutant-{name}-"))
        tracked_copy(root)
        mutate(root, file, old, new)
        status, failed, seconds = run_checks(root)
        caught &= status != 0 and bool(failed)
        print(f"{name}: {what} ({file})\n  make test's checks: {'FAILED' if failed else 'passed'} "
              f"({len(failed)} failing tests, {seconds / 60:.1f} min)", flush=True)
        for test in failed:
            print(f"    {test}")
        if args.keep:
            print(f"  kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("every mutation was caught" if caught else "some mutation passed the checks")
    return 0 if caught else 1


if __name__ == "__main__":
    sys.exit(main())
