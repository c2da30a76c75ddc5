"""Training throughput and inference real-time factors of the section-6 pose model on this CPU.

    .venv/bin/python benchmarks/bench_pose.py [--profiles book paper] [--threads 1] [--seconds 1] [--json]

Real-time factor (RTF) = model frames per second ÷ the profile's ``fs_hz`` (> 1: faster than
real time). Per profile, one run, ``--threads`` torch threads:

- training: windows/s (forward + backward of the full loss, cycle networks included);
- batch: the bidirectional model on a batch of windows (``batch_rtf``), and the causal one
  over one long recording in a single forward (``causal_batch_rtf``);
- streaming, the causal model (``attention_window`` = the window) stepped with
  :class:`~humaps.models.pose_stream.PoseStream`, one step per k = L + 1 frames for each
  latency L, eager and TorchScript-traced, in steady state (the cache full);
  ``stream_rtf`` is the faster engine at the default latency (0.1 s); the baseline is the
  old streaming mode (the bidirectional model re-run on the rolling window per frame);
- end to end: text lines → :class:`~humaps.io.moticon_stream.MoticonLineReader` →
  :class:`~humaps.inference.stream.PoseStreamer` at the default latency (``stream_e2e_rtf``);
- exactness: the largest |streamed − batch| joint coordinate (m) over 3 windows' frames.

Every figure is the best of 3 timed repeats, wall clock (``*_cpu_*``: CPU time of this thread,
what the code costs when the core is not shared). ``gemm_gflops`` is this core's fp32 matrix
product rate measured in the same run, and ``*_floor_rtf`` the RTF that rate would give if
the model's multiply-adds were all the work: a ceiling for the streaming figures.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from humaps.config import resolve, update
from humaps.inference.stream import PoseStreamer, default_latency
from humaps.io.moticon import write_moticon
from humaps.io.moticon_stream import MoticonLineReader
from humaps.models.cycle_nets import AccelNet, PressNet
from humaps.models.pose_checkpoint import PoseModelFile
from humaps.models.pose_net import PoseNet
from humaps.models.pose_stream import PoseStream
from humaps.training.losses import total_loss
from humaps.training.pose import ACC

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakes import random_insole  # noqa: E402  (the tests' random valid recording)

LATENCIES = {"book": (0, 1, 3, 7), "paper": (0, 10, 24, 49, 99)}


def timed(fn, seconds: float, repeats: int = 3) -> tuple[float, float, float]:
    """(best, median) wall seconds per call over ``repeats`` runs of ≥ ``seconds``, and the best CPU seconds."""
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(repeats):
        n, t0, c0 = 0, time.perf_counter(), time.thread_time()
        while time.perf_counter() - t0 < seconds or n < 2:
            fn()
            n += 1
        walls.append((time.perf_counter() - t0) / n)
        cpus.append((time.thread_time() - c0) / n)
    return min(walls), statistics.median(walls), min(cpus)


def gemm_gflops(seconds: float) -> float:
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    best, _, _ = timed(lambda: a @ b, seconds)
    return 2 * 1024 ** 3 / best / 1e9


def macs_per_frame(model: PoseNet) -> int:
    """Multiply-adds per frame at inference: every weight of the used Linear/LSTM layers once (attention scores aside)."""
    return model.n_parameters(inference_only=True)


def bench(profile: str, *, seconds: float, gflops: float, train_batch: int | None = None) -> dict:
    torch.manual_seed(0)
    cfg = resolve("pose", profile)
    fs, T, B = cfg.fs_hz, cfg.window_frames, cfg.train.batch_size
    Bt = B if train_batch is None else train_batch
    tcfg = cfg.train
    out: dict = {"profile": profile, "fs_hz": fs, "window": T}
    # ---------------------------------------------------------------- training and batch (bidirectional)
    model = PoseNet(cfg.model)
    out["params_M"] = model.n_parameters(inference_only=True) / 1e6
    P, A, J = torch.rand(B, T, 32) * 10, torch.randn(B, T, 18), torch.randn(B, T, 24, 3) * 0.3
    Pt, At, Jt = P[:Bt], A[:Bt], J[:Bt]
    weights = tcfg.weights(pose_encoder=cfg.model.use_pose_encoder)
    press = PressNet(hidden=tcfg.cycle_hidden, fs_hz=fs).freeze() if tcfg.use_cycle else None
    accel = AccelNet(hidden=tcfg.cycle_hidden, fs_hz=fs).freeze() if tcfg.use_cycle else None
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        loss, _ = total_loss(weights, out=model(Pt, At, Jt), joints=Jt, pressure=Pt, acceleration=At[..., ACC],
                             press_net=press, accel_net=accel)
        opt.zero_grad()
        loss.backward()
        opt.step()

    model.train()
    out["train_windows_per_s"] = Bt / timed(step, seconds, repeats=1)[0] if Bt else float("nan")
    out["train_batch"] = Bt
    model.eval()
    with torch.no_grad():
        best, med, cpu = timed(lambda: model(P, A), seconds)
        out["batch_rtf"], out["batch_rtf_median"] = B * T / best / fs, B * T / med / fs
        window_p, window_a = P[:1].clone(), A[:1].clone()

        def rolling():  # the old streaming mode: the whole window re-run for each new frame
            window_p.copy_(torch.roll(window_p, -1, dims=1))
            window_a.copy_(torch.roll(window_a, -1, dims=1))
            return model(window_p, window_a)["joints"][:, -1]

        out["rolling_rtf"] = 1 / timed(rolling, seconds)[0] / fs
    # ---------------------------------------------------------------- the causal model: batch and streaming
    causal = PoseNet(update(cfg, causal=True, attention_window=T).model).eval()
    torch.nn.init.normal_(causal.decoder[-1].weight, std=0.1)  # random poses, not the mean pose: exactness means something
    n_long = 3 * T
    Pl, Al = torch.rand(1, n_long, 32) * 10, torch.randn(1, n_long, 18)
    with torch.no_grad():
        best, _, _ = timed(lambda: causal(Pl, Al), seconds)
        out["causal_batch_rtf"] = n_long / best / fs
        reference = causal(Pl, Al)["joints"]
    out["floor_rtf"] = gflops * 1e9 / (2 * macs_per_frame(causal)) / fs
    out["stream"] = {}
    for L in LATENCIES[profile]:
        k = L + 1
        stream = PoseStream(causal, chunk=k)
        row = {"latency_frames": L, "latency_ms": 1000 * L / fs}
        for engine in ("eager", "traced"):
            core = stream.traced() if engine == "traced" else None
            err = float((stream.run(Pl, Al, core=core) - reference).abs().max())
            state = stream.initial_state()
            p, a = Pl[:, :k], Al[:, :k]
            for _ in range(T // k + 1):  # fill the cache: steady state
                stream.step(p, a, state, core=core)
            best, med, cpu = timed(lambda: stream.step(p, a, state, core=core), seconds)
            row[engine] = {"rtf": k / best / fs, "rtf_median": k / med / fs, "cpu_rtf": k / cpu / fs, "max_err_m": err}
        out["stream"][L] = row
    L0 = default_latency(fs)
    if L0 not in out["stream"]:
        raise AssertionError(f"the default latency {L0} must be among the measured ones {LATENCIES[profile]}")
    default = out["stream"][L0]
    engine = max(("eager", "traced"), key=lambda e: default[e]["rtf"])
    out.update(default_latency_frames=L0, stream_engine=engine, stream_rtf=default[engine]["rtf"],
               stream_cpu_rtf=default[engine]["cpu_rtf"], stream_max_err_m=default[engine]["max_err_m"])
    # ---------------------------------------------------------------- end to end: text lines → poses
    out["stream_e2e_rtf"] = e2e_rtf(causal, fs=fs, window=T, latency=L0)
    return out


def e2e_rtf(model: PoseNet, *, fs: float, window: int, latency: int) -> float:
    """Model frames per second ÷ fs through the line reader and the streamer (a random valid export)."""
    with tempfile.TemporaryDirectory() as d:
        path = write_moticon(random_insole(max(2000, int(8 * window * 100 / fs)), seed=0), Path(d) / "x.txt")
        lines = path.read_bytes().splitlines(keepends=True)
    loaded = PoseModelFile(model=model, fs_hz=fs, window=window, meta={})
    frames = []

    def run():
        reader = MoticonLineReader(name="bench")
        streamer = PoseStreamer(loaded, latency=latency, engine="traced")  # start-up (tracing) not timed
        t0 = time.perf_counter()
        for raw in lines:
            row = reader.feed(raw)
            if row is not None:
                streamer.push(np.array([row[0]]), row[1][None])
        streamer.finish()
        frames.append((streamer.arrived, time.perf_counter() - t0))

    for _ in range(3):
        run()
    best = max(n / dt for n, dt in frames)
    return best / fs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", nargs="+", default=["book", "paper"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.0, help="timing budget per repeat of a measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--train-batch", type=int, default=None,
                        help="windows per training step (default: the profile's batch size; the paper's 32 "
                             "windows of 300 frames need ~13 GB; 0 skips training)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    gflops = gemm_gflops(args.seconds)
    results = {}
    for p in args.profiles:
        results[p] = bench(p, seconds=args.seconds, gflops=gflops, train_batch=args.train_batch)
        print(f"{p}: done (stream RTF {results[p]['stream_rtf']:.1f})", file=sys.stderr, flush=True)
    flat = {"threads": args.threads, "torch": torch.__version__, "gemm_gflops": gflops}
    for p, r in results.items():
        for key in ("stream_rtf", "stream_cpu_rtf", "stream_e2e_rtf", "batch_rtf", "causal_batch_rtf", "rolling_rtf",
                    "floor_rtf", "train_windows_per_s", "stream_max_err_m", "default_latency_frames", "params_M"):
            flat[f"{key}_{p}"] = r[key]
        flat[f"stream_by_latency_{p}"] = r["stream"]
    if args.json:
        print(json.dumps(flat, indent=1))
        return
    print(f"pose model on CPU, {args.threads} thread(s), torch {torch.__version__}; fp32 GEMM on this core now: "
          f"{gflops:.0f} GFLOP/s. RTF = model frames/s ÷ fs (wall clock, best of 3; cpu = this thread's CPU time)")
    for p, r in results.items():
        print(f"\n{p}: {r['params_M']:.2f} M params (inference), fs {r['fs_hz']:g} Hz, window {r['window']} frames | "
              f"train {r['train_windows_per_s']:.1f} windows/s (batch {r['train_batch']})")
        print(f"  batch: bidirectional windows RTF {r['batch_rtf']:.1f} | causal, one long recording RTF "
              f"{r['causal_batch_rtf']:.1f} | old rolling-window streaming RTF {r['rolling_rtf']:.2f} | "
              f"compute floor (GEMM rate) RTF {r['floor_rtf']:.1f}")
        for L, row in r["stream"].items():
            cells = " | ".join(f"{e} RTF {row[e]['rtf']:7.1f} (median {row[e]['rtf_median']:7.1f}, cpu {row[e]['cpu_rtf']:7.1f}, "
                               f"×{row[e]['rtf'] / r['rolling_rtf']:.0f} vs rolling) err {row[e]['max_err_m']:.1e} m"
                               for e in ("eager", "traced"))
            print(f"  stream L={L:3d} ({row['latency_ms']:5.0f} ms): {cells}")
        print(f"  default latency {r['default_latency_frames']} frames: stream RTF {r['stream_rtf']:.1f} "
              f"({r['stream_engine']}), end to end from text lines RTF {r['stream_e2e_rtf']:.1f}")


if __name__ == "__main__":
    main()
