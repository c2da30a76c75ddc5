"""Replay a Moticon export at its own rate into ``python -m humaps pose - --stream --out -`` and time the poses.

    .venv/bin/python benchmarks/stream_replay.py RECORDING [--model M.pt | --profile book] [--latency L] [--speed 1]

A writer thread sends the export's lines to the command's standard input as a device would
(each data line at its time stamp ÷ ``--speed``); a reader takes the pose lines from its
standard output as they appear. Each pose's delay is the time it appeared minus the time
the line completing frame t + L was sent (L = the latency): what the command adds on top
of its fixed latency. Prints the number of poses, the delay's median / 95th percentile /
maximum, and the fixed latency in ms. Without ``--model``, a causal model of the profile's
dimensions with random weights is written to a temporary file (timing does not depend on
the weights).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import torch

from humaps.config import resolve, update
from humaps.models.pose_checkpoint import save_pose_model
from humaps.models.pose_net import PoseNet


def random_model(profile: str, path: Path) -> tuple[float, int]:
    cfg = resolve("pose", profile)
    torch.manual_seed(0)
    model = PoseNet(update(cfg, causal=True, attention_window=cfg.window_frames).model).eval()
    save_pose_model(path, model, fs_hz=cfg.fs_hz, window=cfg.window_frames, meta={"note": "random weights"})
    return cfg.fs_hz, cfg.window_frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recording")
    parser.add_argument("--model")
    parser.add_argument("--profile", default="book")
    parser.add_argument("--latency", type=int, default=None)
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed (1 = the device's rate)")
    args = parser.parse_args()
    lines = Path(args.recording).read_bytes().splitlines(keepends=True)
    with tempfile.TemporaryDirectory() as d:
        model = args.model or str(Path(d) / "model.pt")
        if args.model is None:
            random_model(args.profile, Path(model))
        cmd = [sys.executable, "-m", "humaps", "pose", "-", "--model", model, "--stream", "--out", "-"]
        if args.latency is not None:
            cmd += ["--latency", str(args.latency)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sent: list[tuple[float, float]] = []  # (row time s, wall time sent)
        got: list[tuple[float, float]] = []  # (pose time s, wall time received)
        header: list[str] = []

        def write():
            t_start = None
            for raw in lines:
                if not raw.startswith(b"#"):
                    t = float(raw.split(b"\t", 1)[0])
                    if t_start is None:
                        t_start, wall0 = t, time.perf_counter()
                    wait = wall0 + (t - t_start) / args.speed - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                    proc.stdin.write(raw)
                    proc.stdin.flush()
                    sent.append((t, time.perf_counter()))
                else:
                    proc.stdin.write(raw)
            proc.stdin.close()

        writer = threading.Thread(target=write)
        ready = proc.stderr.readline().decode()  # "humaps pose: streaming at …": model loaded, step traced
        if not ready.startswith("humaps pose: streaming"):
            raise SystemExit(f"the pose command did not start: {ready}{proc.stderr.read().decode()}")
        writer.start()
        for line in proc.stdout:
            if line.startswith(b"#"):
                header.append(line.decode().strip())
                continue
            got.append((float(line.split(b"\t", 1)[0]), time.perf_counter()))
        writer.join()
        err = proc.stderr.read().decode()
        proc.wait()
    lat = next((h for h in header if "latency" in h), "")
    L = int(lat.split("latency ")[1].split(" frames")[0]) if "frames" in lat else 0
    fs = float(lat.split("; ")[1].split(" Hz")[0]) if lat else 25.0
    t_sent, w_sent = np.array(sent).T
    t_pose, w_pose = np.array(got).T
    # the row completing frame t + L: the first row at or after its grid time
    due = np.searchsorted(t_sent, t_pose + L / fs - 1e-9)
    ok = due < len(t_sent)  # the last L poses leave at the end of the stream
    delay_ms = (w_pose[ok] - w_sent[due[ok]]) * 1000
    print(f"{args.recording}: {len(got)} poses from {len(sent)} rows replayed at {args.speed:g}× "
          f"({'model ' + args.model if args.model else args.profile + ' dimensions, random weights'}); "
          f"fixed latency {L} frames = {1000 * L / fs:.0f} ms; delay added by the command: median "
          f"{np.median(delay_ms):.1f} ms, 95th percentile {np.percentile(delay_ms, 95):.1f} ms, max {delay_ms.max():.1f} ms")
    if proc.returncode:
        print(err, file=sys.stderr)


if __name__ == "__main__":
    main()
