"""Training throughput and inference real-time factor of the section-6 pose model on this CPU.

    .venv/bin/python benchmarks/bench_pose.py [--profiles book paper] [--threads 2]

For each profile: training windows/s (forward + backward of the full loss, cycle
networks included when the profile uses them); inference in batch (frames/s and
real-time factor = frames/s ÷ the window rate ``fs_hz``); and streaming — one new
window frame at a time, the model re-run on the rolling window of the last T
frames, the newest frame's pose kept (attention sees the whole window, so a
rolling window is the streaming mode of this architecture). RTF > 1 = faster than real time.
"""
from __future__ import annotations

import argparse
import time

import torch

from humaps.config import resolve
from humaps.losses import total_loss
from humaps.training.pose import ACC
from humaps.models.cycle_nets import AccelNet, PressNet
from humaps.models.pose_net import PoseNet

def bench(profile: str, *, threads: int, seconds: float) -> dict:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = resolve("pose", profile)
    tcfg = cfg.train
    model = PoseNet(cfg.model)
    T, B = cfg.window_frames, tcfg.batch_size
    P, A, J = torch.rand(B, T, 32) * 10, torch.randn(B, T, 18), torch.randn(B, T, 24, 3) * 0.3
    weights = tcfg.weights(pose_encoder=cfg.model.use_pose_encoder)
    press = PressNet(hidden=tcfg.cycle_hidden, fs_hz=cfg.fs_hz).freeze() if tcfg.use_cycle else None
    accel = AccelNet(hidden=tcfg.cycle_hidden, fs_hz=cfg.fs_hz).freeze() if tcfg.use_cycle else None
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        out = model(P, A, J)
        loss, _ = total_loss(weights, out=out, joints=J, pressure=P, acceleration=A[..., ACC],
                             press_net=press, accel_net=accel)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def rate(fn, units: float) -> float:
        fn()  # warm-up
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds or n < 2:
            fn()
            n += 1
        return n * units / (time.perf_counter() - t0)

    model.train()
    train_windows_s = rate(step, B)
    model.eval()
    with torch.no_grad():
        batch_frames_s = rate(lambda: model(P, A), B * T)
        window_p, window_a = P[:1].clone(), A[:1].clone()

        def stream_one_frame():
            window_p.copy_(torch.roll(window_p, -1, dims=1))  # drop the oldest frame, new one at the end
            window_a.copy_(torch.roll(window_a, -1, dims=1))
            return model(window_p, window_a)["joints"][:, -1]  # (1, 24, 3) newest pose

        stream_frames_s = rate(stream_one_frame, 1)
    return {"profile": profile, "params_M": model.n_parameters(inference_only=True) / 1e6, "T": T, "batch": B,
            "train_windows_per_s": train_windows_s, "batch_frames_per_s": batch_frames_s,
            "batch_rtf": batch_frames_s / cfg.fs_hz, "stream_frames_per_s": stream_frames_s,
            "stream_rtf": stream_frames_s / cfg.fs_hz}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", nargs="+", default=["book", "paper"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0, help="timing budget per measurement")
    args = parser.parse_args()
    print(f"pose model on CPU, {args.threads} threads, {torch.__version__}")
    for profile in args.profiles:
        r = bench(profile, threads=args.threads, seconds=args.seconds)
        print(f"{r['profile']:>6}: {r['params_M']:6.2f} M params (inference), T={r['T']}, batch {r['batch']} | "
              f"train {r['train_windows_per_s']:7.1f} windows/s | batch inference {r['batch_frames_per_s']:9.0f} "
              f"frames/s (RTF {r['batch_rtf']:7.1f}) | streaming {r['stream_frames_per_s']:7.1f} frames/s "
              f"(RTF {r['stream_rtf']:5.2f})")


if __name__ == "__main__":
    main()
