"""The causal PoseNet run incrementally: a chunk of new frames in, their poses out, state carried.

A causal :class:`~humaps.models.pose_net.PoseNet` (``causal=True``, ``attention_window`` W > 0)
depends on the past only through

- the LSTM states (h, c) of the pressure and IMU encoders, and
- every attention's keys and values of the last W − 1 frames (self-attention: of its own
  stream; cross-attention: of the other stream),

because everything else (GCNs, MLPs, LayerNorms, the decoder) acts on one frame at a
time. :class:`PoseStream` keeps exactly that (:class:`StreamState`) and runs the model's
arithmetic on each chunk of 1 ≤ k ≤ ``chunk`` new frames, so the chunks' poses are the
poses of one :meth:`PoseNet.forward` over the whole sequence, to float rounding
(tests/test_pose_stream.py checks 1e-4 m).

Why it is written out here rather than calling the model's modules (measured on the
shared 2-core CPU, 1 thread, ``benchmarks/bench_pose.py``):

- each step reads every weight once, whatever k, so at the ``paper`` width, where a
  one-frame step is a matrix-vector product over ~47 M weights (memory-bound), a chunk of
  k frames costs little more than one frame: a fixed latency of k − 1 frames buys the speed;
- for such skinny products (k rows) MKL is 2–3× faster with the weight stored input-major
  (``addmm(b, x, Wᵀ)`` on a contiguous Wᵀ) than through ``nn.Linear`` (W output-major), so
  the weights are kept transposed once here (the model's own weights are not touched);
- the key/value cache is a ring of W − 1 + ``chunk`` slots written in place: attention does
  not depend on the order of its keys, and copying a 300-frame cache every step cost as
  much as the attention itself;
- the LSTM recurrence is written out (one input projection per chunk, then the cell per
  frame): ``nn.LSTM`` with oneDNN re-packs its weights at every call, ~1.5 ms per call;
- a layer's two blocks (pressure and IMU stream) have the same shapes, so they run as one
  batch of two (batched products, one attention call for both): half the operations, each
  costing a few µs of overhead at the ``book`` width (eager −25 %, traced −15 % per step);
- every step of k frames has the same tensor shapes, so :meth:`PoseStream.traced` can freeze
  it with TorchScript, removing most of the per-operation Python overhead.

Shapes: P (B,k,32) N/cm², A (B,k,18) as :mod:`humaps.data.features`, joints (B,k,24,3) m.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from humaps.models.causal_attention import visible
from humaps.models.pose_net import PoseNet


@dataclass
class StreamState:
    """What a causal PoseNet remembers between chunks (batch size B); :meth:`PoseStream.step` updates it in place.

    ``frames``: frames processed so far (the absolute index of the next frame);
    ``lstm``: (h, c) of each LSTM layer of the pressure encoder, then of the IMU encoder, each (B, hidden);
    ``cache``: (n_layers, 2 attentions, 2 (K, V), 2 streams, B, H, R, d/H): per layer, attention (self, cross)
    and stream (pressure, IMU), the keys and values of the frames in a ring of R slots;
    ``slot_frame`` (R,): the frame each slot holds (−1: none yet).
    """

    frames: int
    lstm: list[torch.Tensor]
    cache: torch.Tensor
    slot_frame: torch.Tensor


class PoseStream(nn.Module):
    """Incremental inference of a causal :class:`PoseNet` with chunks of up to ``chunk`` frames."""

    def __init__(self, model: PoseNet, *, chunk: int = 1):
        super().__init__()
        cfg = model.cfg
        if not cfg.causal or cfg.attention_window < 1:
            raise ValueError("PoseStream needs a causal PoseNet with a finite attention window "
                             f"(PoseNetConfig(causal=True, attention_window=W > 0)); got causal={cfg.causal}, "
                             f"attention_window={cfg.attention_window}")
        if chunk < 1:
            raise ValueError(f"PoseStream chunk must be >= 1, got {chunk}")
        self.model = model.eval()
        self.chunk, self.window = chunk, cfg.attention_window
        self.n_layers, self.n_heads, self.d = cfg.n_layers, cfg.n_heads, cfg.d_model
        self.slots = cfg.attention_window - 1 + chunk  # frames t−W+1 … t for every t of a chunk
        self.n_press = 2 * model.pressure_encoder.lstm.num_layers  # (h, c) per layer
        self._names: list[str] = []
        with torch.no_grad():
            for name, mod in model.named_modules():
                if isinstance(mod, nn.Linear) and not name.startswith(("pose_encoder", "fusion.press_blocks",
                                                                        "fusion.imu_blocks")):
                    self._pack(name, mod.weight.t(), mod.bias)
            for layer in range(cfg.n_layers):  # the two streams' blocks of a layer, stacked: one product for both
                blocks = (model.fusion.press_blocks[layer], model.fusion.imu_blocks[layer])
                for name in ("self_attn.q", "self_attn.kv", "self_attn.out", "cross_attn.q", "cross_attn.kv",
                             "cross_attn.out", "mlp.0", "mlp.3"):
                    lins = [b.get_submodule(name) for b in blocks]
                    self._pack(f"layer{layer}.{name}", torch.stack([lin.weight.t() for lin in lins]),
                               torch.stack([lin.bias for lin in lins])[:, None])
                for name in ("ln_self", "ln_cross", "ln_ctx", "ln_mlp"):
                    lns = [b.get_submodule(name) for b in blocks]
                    self._pack(f"layer{layer}.{name}", torch.stack([ln.weight for ln in lns])[:, None, None],
                               torch.stack([ln.bias for ln in lns])[:, None, None])
                    self.ln_eps = lns[0].eps
            for enc in ("pressure_encoder", "imu_encoder"):
                lstm = getattr(model, enc).lstm
                for layer in range(lstm.num_layers):
                    w_ih, w_hh = getattr(lstm, f"weight_ih_l{layer}"), getattr(lstm, f"weight_hh_l{layer}")
                    bias = getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
                    self._pack(f"{enc}.lstm.ih{layer}", w_ih.t(), bias)
                    self._pack(f"{enc}.lstm.hh{layer}", w_hh.t(), None)

    def _pack(self, name: str, weight_t: torch.Tensor, bias: torch.Tensor | None) -> None:
        key = name.replace(".", "_")
        self.register_buffer(f"wt_{key}", weight_t.detach().contiguous().clone(), persistent=False)
        self.register_buffer(f"b_{key}", None if bias is None else bias.detach().clone(), persistent=False)

    def _lin(self, name: str, x: torch.Tensor) -> torch.Tensor:
        """The model's Linear ``name`` on x (..., in) → (..., out), with its input-major copy of the weight."""
        key = name.replace(".", "_")
        # linear(x, Wᵀᵀ) multiplies by the contiguous input-major matrix (addmm without a transpose)
        return F.linear(x, getattr(self, f"wt_{key}").t(), getattr(self, f"b_{key}"))

    def _mlp(self, name: str, x: torch.Tensor) -> torch.Tensor:
        """:func:`humaps.models.pose_net.mlp` (Linear, GELU, Dropout = identity at eval, Linear)."""
        return self._lin(f"{name}.3", F.gelu(self._lin(f"{name}.0", x)))

    # ------------------------------------------------------------------ state
    def initial_state(self, batch: int = 1) -> StreamState:
        """Zero LSTM states (what ``nn.LSTM`` starts from) and an empty ring of keys and values."""
        m = self.model
        lstm = [torch.zeros(batch, lstm_mod.hidden_size) for lstm_mod in (m.pressure_encoder.lstm, m.imu_encoder.lstm)
                for _ in range(2 * lstm_mod.num_layers)]
        # (layer, attention, K/V, stream, …): a ring's two streams are contiguous, viewed as one batch of 2B
        cache = torch.zeros(self.n_layers, 2, 2, 2, batch, self.n_heads, self.slots, self.d // self.n_heads)
        return StreamState(frames=0, lstm=lstm, cache=cache, slot_frame=torch.full((self.slots,), -1))

    # ------------------------------------------------------------------ the step as one tensor function
    def _lstm(self, enc: str, x: torch.Tensor, hc: list[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """``nn.LSTM`` (batch_first, gates i, f, g, o) on x (B,k,in) from hc = [h, c] per layer (each (B,hidden))."""
        out_hc = []
        for layer in range(len(hc) // 2):
            h, c = hc[2 * layer], hc[2 * layer + 1]
            xw = self._lin(f"{enc}.lstm.ih{layer}", x)  # (B,k,4·hidden): the input part of every frame at once
            outs = []
            for t in range(x.shape[1]):  # the recurrence: each frame needs the previous frame's h
                i, f, g, o = (xw[:, t] + self._lin(f"{enc}.lstm.hh{layer}", h)).chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                outs.append(h)
            x = torch.stack(outs, dim=1)
            out_hc += [h, c]
        return x, out_hc

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        # constant sizes only: a traced step then holds no shape arithmetic
        return x.unflatten(-1, (self.n_heads, self.d // self.n_heads)).transpose(1, 2)  # (B,k,d) → (B,H,k,d/H)

    def _blin(self, name: str, x: torch.Tensor) -> torch.Tensor:
        """Both streams' Linear ``name`` of a layer on x (2, B, k, in) → (2, B, k, out): one batched product."""
        key = name.replace(".", "_")
        two, B, k, _ = x.shape
        y = torch.baddbmm(getattr(self, f"b_{key}"), x.reshape(2, -1, x.shape[-1]), getattr(self, f"wt_{key}"))
        return y.view(2, B, k, -1)

    def _bln(self, name: str, x: torch.Tensor) -> torch.Tensor:
        """Both streams' LayerNorm ``name`` of a layer on x (2, B, k, d): normalised, then each stream's affine."""
        key = name.replace(".", "_")
        return torch.addcmul(getattr(self, f"b_{key}"), F.layer_norm(x, (self.d,), eps=self.ln_eps),
                             getattr(self, f"wt_{key}"))

    def _bheads(self, x: torch.Tensor) -> torch.Tensor:
        # (2,B,k,d) → (2B,H,k,d/H); constant sizes only: a traced step then holds no shape arithmetic
        return x.flatten(0, 1).unflatten(-1, (self.n_heads, self.d // self.n_heads)).transpose(1, 2)

    def _attend(self, name: str, x: torch.Tensor, ctx: torch.Tensor, ring: torch.Tensor, slots: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        """Attention ``name`` of both streams: queries from the chunk x (2,B,k,d); the chunk's keys/values from ctx
        (2,B,k,d) are written into ``ring`` (K/V, 2, B, H, R, d/H) at ``slots`` (k,), then every visible slot is
        attended to."""
        kv = self._blin(f"{name}.kv", ctx)
        keys, values = ring[0].flatten(0, 1), ring[1].flatten(0, 1)  # (2B,H,R,d/H) views of the ring
        keys.index_copy_(2, slots, self._bheads(kv[..., :self.d]))
        values.index_copy_(2, slots, self._bheads(kv[..., self.d:]))
        y = F.scaled_dot_product_attention(self._bheads(self._blin(f"{name}.q", x)), keys, values, attn_mask=mask)
        return self._blin(f"{name}.out", y.transpose(1, 2).flatten(-2).unflatten(0, (2, -1)))

    def _layer(self, layer: int, x: torch.Tensor, ring: torch.Tensor, slots: torch.Tensor,
               mask: torch.Tensor) -> torch.Tensor:
        """:meth:`StreamBlock.forward` of both streams of a layer on the chunk: x (2,B,k,d) = (pressure, IMU), each
        cross-attending to the other's layer input; ``ring`` (attention, K/V, 2, B, H, R, d/H); eval: no dropout."""
        name = f"layer{layer}"
        other = x.flip(0)
        h = self._bln(f"{name}.ln_self", x)
        x = x + self._attend(f"{name}.self_attn", h, h, ring[0], slots, mask)
        x = x + self._attend(f"{name}.cross_attn", self._bln(f"{name}.ln_cross", x), self._bln(f"{name}.ln_ctx", other),
                             ring[1], slots, mask)
        return x + self._blin(f"{name}.mlp.3", F.gelu(self._blin(f"{name}.mlp.0", self._bln(f"{name}.ln_mlp", x))))

    def core(self, p: torch.Tensor, a: torch.Tensor, lstm: list[torch.Tensor], cache: torch.Tensor,
             slots: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """One chunk, tensors only: joints (B,k,24,3) and the LSTM states after it; ``cache`` is written in place.

        ``slots`` (k,): the ring slots of the chunk's frames; ``mask`` (k, R): 0 where a new frame sees a slot, −inf elsewhere.
        """
        m = self.model
        pe = m.pressure_encoder
        cells = m.normalise_p(p).unflatten(-1, (2, 16)).unsqueeze(-1)  # (B,k,foot,cell,1)
        # per-frame foot GCNs, features of both feet concatenated, then the carried LSTM
        h = torch.cat([pe.gcn_left(cells[:, :, 0]), pe.gcn_right(cells[:, :, 1])], dim=2)
        h = h.flatten(-2)  # (B,k,32·C)
        h, press_hc = self._lstm("pressure_encoder", h, lstm[:self.n_press])
        press = h if isinstance(pe.proj, nn.Identity) else self._lin("pressure_encoder.proj", h)
        h, imu_hc = self._lstm("imu_encoder", m.normalise_a(a), lstm[self.n_press:])
        imu = self._mlp("imu_encoder.mlp", h)
        x = torch.stack([press, imu])  # (2,B,k,d): the two streams run as one batch
        for layer in range(self.n_layers):
            x = self._layer(layer, x, cache[layer], slots, mask)
        press, imu = x[0], x[1]
        fusion = m.fusion
        fused = self._lin("fusion.fuse", torch.cat([fusion.ln_press(press), fusion.ln_imu(imu)], dim=-1))
        z = self._mlp("latent", fused)
        joints = self._mlp("decoder", z).unflatten(-1, (-1, 3)) + m.joint_mean
        return joints, press_hc + imu_hc

    # ------------------------------------------------------------------ one chunk
    @torch.no_grad()
    def step(self, p: torch.Tensor, a: torch.Tensor, state: StreamState, *, core=None) -> torch.Tensor:
        """Poses (B,k,24,3) m of the k new frames P (B,k,32), A (B,k,18); ``state`` is advanced in place.

        ``core``: :meth:`traced` for this k (every chunk of one stream but the last has the same k);
        default the eager :meth:`core`.
        """
        k = p.shape[1] if p.ndim == 3 else 0
        if p.ndim != 3 or p.shape[-1] != 32 or a.shape != (*p.shape[:2], 18) or not 1 <= k <= self.chunk:
            raise ValueError(f"PoseStream.step expects P (B,k,32), A (B,k,18) with 1 <= k <= {self.chunk}; "
                             f"got {tuple(p.shape)} and {tuple(a.shape)}")
        frames = torch.arange(state.frames, state.frames + k)
        slots = frames % self.slots
        state.slot_frame[slots] = frames
        seen = visible(frames, state.slot_frame, self.window) & (state.slot_frame >= 0)
        # additive, made once per step: a boolean mask would be converted by each of the 4·n_layers attentions
        mask = torch.zeros(seen.shape).masked_fill_(~seen, float("-inf"))
        joints, lstm = (core or self.core)(p, a, state.lstm, state.cache, slots, mask)
        state.lstm = list(lstm)
        state.frames += k
        return joints

    @torch.no_grad()
    def traced(self, k: int | None = None, batch: int = 1):
        """:meth:`core` for chunks of ``k`` (default ``chunk``) frames, traced and frozen by TorchScript."""
        k = self.chunk if k is None else k
        state = self.initial_state(batch)
        frames = torch.arange(k)
        args = (torch.zeros(batch, k, 32), torch.zeros(batch, k, 18), state.lstm, state.cache, frames % self.slots,
                torch.zeros(k, self.slots))
        with warnings.catch_warnings():  # the shape checks it warns about hold for every step of k frames
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            fn = torch.jit.trace(_Core(self), args, check_trace=False)
        return torch.jit.freeze(fn.eval())

    def run(self, p: torch.Tensor, a: torch.Tensor, *, core=None) -> torch.Tensor:
        """All frames of P (B,T,32), A (B,T,18), ``chunk`` frames per step → joints (B,T,24,3) (tests, benchmarks)."""
        state, out, k = self.initial_state(p.shape[0]), [], self.chunk
        for s in range(0, p.shape[1], k):
            full = s + k <= p.shape[1]
            out.append(self.step(p[:, s:s + k], a[:, s:s + k], state, core=core if full else None))
        return torch.cat(out, dim=1)


class _Core(nn.Module):
    """:meth:`PoseStream.core` as a module's forward, for ``torch.jit.trace``."""

    def __init__(self, stream: PoseStream):
        super().__init__()
        self.stream = stream

    def forward(self, p, a, lstm: list[torch.Tensor], cache, slots, mask):
        joints, lstm = self.stream.core(p, a, lstm, cache, slots, mask)
        return joints, tuple(lstm)
