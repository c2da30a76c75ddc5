"""Can reduced precision buy the ``paper`` width its 10× streaming real-time factor? Measured: no.

    .venv/bin/python benchmarks/bench_pose_precision.py [--profile paper] [--latency 10] [--json]

At the ``paper`` width a frame costs ~47 M multiply-adds, so a real-time factor of 10 at
100 Hz needs ≈ 95 GFLOP/s of fp32 products on one thread: more than this core's whole
fp32 matrix-product rate (``benchmarks/bench_pose.py`` prints it as ``floor_rtf``). The two
cheaper arithmetics the CPU offers were tried on the same streamed causal model
(:class:`~humaps.models.pose_stream.PoseStream`), with their products swapped in:

- ``bf16``: every Linear's weight and input rounded to bfloat16 (oneDNN's bf16 product);
- ``int8``: the transformer layers' products (~90 % of the multiply-adds) as int8 × int8
  → int32 (``torch._int_mm``), weights per output column and inputs per frame scaled to
  ±127, so each frame's product does not depend on the other frames of its chunk.

For each: the real-time factor at the latency asked for (one step of L + 1 frames, cache
full, 1 thread, best of 3), the largest |stream − batch| joint coordinate of *that*
arithmetic (chunks of L + 1 frames vs one pass over 900 frames; the issue asks ≤ 1e-4 m),
and how far its poses move from the fp32 model's. A rounding that lands on the other side
of a bf16/int8 step because an fp32 sum was added up in another order (chunk vs whole)
changes that input by a whole step, and the network carries it to the poses: that is why
the stream and the batch of a reduced-precision model disagree by millimetres while fp32
ones agree to 1e-7 m. The weights are random (the ``bench_pose.py`` model), which is
enough for speed and for the stream-vs-batch comparison.
"""
from __future__ import annotations

import argparse
import json

import torch

from humaps.config import resolve, update
from humaps.models.pose_net import PoseNet
from humaps.models.pose_stream import PoseStream

from bench_pose import timed  # this folder: the same best-of-3 timer

BF16 = torch.bfloat16


def _row_int8(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(M, K) float → (M, K) int8 and (M, 1) scale: each row (frame) scaled to ±127 on its own."""
    scale = x.abs().amax(-1, keepdim=True).clamp_min(1e-12) / 127.0
    return torch.round(x / scale).to(torch.int8), scale


class Bf16Stream(PoseStream):
    """:class:`PoseStream` with every packed Linear weight in bfloat16 and its input rounded to bfloat16."""

    def __init__(self, model: PoseNet, *, chunk: int):
        super().__init__(model, chunk=chunk)
        for name, buf in list(self.named_buffers()):
            if name.startswith("wt_") and buf.ndim >= 2 and "lstm_hh" not in name:  # the recurrence stays fp32
                setattr(self, name, buf.to(BF16))

    def _lin(self, name: str, x: torch.Tensor) -> torch.Tensor:
        key = name.replace(".", "_")
        w, b = getattr(self, f"wt_{key}"), getattr(self, f"b_{key}")
        if w.dtype != BF16:
            return super()._lin(name, x)
        y = torch.mm(x.reshape(-1, x.shape[-1]).to(BF16), w).float().view(*x.shape[:-1], -1)
        return y if b is None else y + b

    def _blin(self, name: str, x: torch.Tensor) -> torch.Tensor:
        key = name.replace(".", "_")
        two, B, k, _ = x.shape
        y = torch.bmm(x.reshape(2, -1, x.shape[-1]).to(BF16), getattr(self, f"wt_{key}")).float()
        return (y + getattr(self, f"b_{key}")).view(2, B, k, -1)


class Int8Stream(PoseStream):
    """:class:`PoseStream` with the transformer layers' products in int8 (weights per column, inputs per frame)."""

    def __init__(self, model: PoseNet, *, chunk: int):
        super().__init__(model, chunk=chunk)
        for name, buf in list(self.named_buffers()):
            if name.startswith("wt_layer") and buf.ndim == 3:  # (2 streams, in, out)
                scale = buf.abs().amax(1, keepdim=True).clamp_min(1e-12) / 127.0
                self.register_buffer(f"q{name}", torch.round(buf / scale).to(torch.int8).contiguous(), persistent=False)
                self.register_buffer(f"s{name}", scale, persistent=False)

    def _blin(self, name: str, x: torch.Tensor) -> torch.Tensor:
        key = name.replace(".", "_")
        two, B, k, _ = x.shape
        wq, ws = getattr(self, f"qwt_{key}"), getattr(self, f"swt_{key}")
        xq, xs = _row_int8(x.reshape(2, -1, x.shape[-1]))
        y = torch.stack([torch._int_mm(xq[i], wq[i]) for i in range(2)]).float()  # exact integer sums
        return torch.addcmul(getattr(self, f"b_{key}"), y, xs * ws).view(2, B, k, -1)


ARITHMETIC = {"fp32": PoseStream, "bf16": Bf16Stream, "int8": Int8Stream}


def step_seconds(stream: PoseStream, p: torch.Tensor, a: torch.Tensor, *, window: int, seconds: float) -> float:
    """Best of 3 wall seconds per traced step of ``stream.chunk`` frames, the key/value cache full."""
    core, state = stream.traced(), stream.initial_state()
    for _ in range(window // stream.chunk + 2):
        stream.step(p, a, state, core=core)
    return timed(lambda: stream.step(p, a, state, core=core), seconds)[0]


@torch.no_grad()
def measure(profile: str, latency: int, seconds: float) -> dict:
    torch.manual_seed(0)
    cfg = resolve("pose", profile)
    fs, T = cfg.fs_hz, cfg.window_frames
    model = PoseNet(update(cfg, causal=True, attention_window=T).model).eval()
    torch.nn.init.normal_(model.decoder[-1].weight, std=0.1)  # random poses, as in bench_pose.py
    n_long, k = 3 * T, latency + 1
    P, A = torch.rand(1, n_long, 32) * 10, torch.randn(1, n_long, 18)
    fp32 = model(P, A)["joints"]
    out = {"profile": profile, "fs_hz": fs, "latency_frames": latency, "latency_ms": 1000 * latency / fs}
    for name, cls in ARITHMETIC.items():
        batch = cls(model, chunk=n_long).run(P, A)  # one pass over all frames, the same arithmetic
        stream = cls(model, chunk=k)
        streamed = stream.run(P, A, core=stream.traced())
        dt = step_seconds(stream, P[:, :k], A[:, :k], window=T, seconds=seconds)
        out[name] = {"rtf": k / dt / fs, "stream_vs_batch_max_m": float((streamed - batch).abs().max()),
                     "vs_fp32_model_max_m": float((batch - fp32).abs().max()),
                     "vs_fp32_model_mean_m": float((batch - fp32).abs().mean())}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="paper")
    parser.add_argument("--latency", type=int, default=10, help="frames (paper, 100 Hz: 10 = the default 0.1 s)")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    r = measure(args.profile, args.latency, args.seconds)
    if args.json:
        print(json.dumps(r, indent=1))
        return
    print(f"{r['profile']}: streaming at L = {r['latency_frames']} frames ({r['latency_ms']:.0f} ms), 1 thread, "
          f"torch {torch.__version__}")
    for name in ARITHMETIC:
        x = r[name]
        print(f"  {name}: RTF {x['rtf']:5.2f} | stream vs batch max {x['stream_vs_batch_max_m']:.1e} m "
              f"(≤ 1e-4 asked) | vs the fp32 model max {x['vs_fp32_model_max_m']:.1e} m, "
              f"mean {x['vs_fp32_model_mean_m']:.1e} m")


if __name__ == "__main__":
    main()
