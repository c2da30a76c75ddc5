"""Causal attention over a sequence, optionally limited to the last ``window`` frames.

Frame t may attend to frames s with ``t - window < s <= t`` (``window = 0``: every
s <= t). Two forms compute it:

- :func:`causal_attention` — a whole sequence at once (training, batch inference).
  With a window, queries are cut into blocks of ``window`` frames and each block
  attends to its own and the previous block (2·window keys), so memory grows as
  T·window instead of T², and long recordings fit in one call with no loop;
- :func:`visible` — the mask of a chunk of new frames against a key/value cache,
  used by the incremental model (:mod:`humaps.models.pose_stream`).

Both give frame t the same keys, so they agree to float rounding (tests/test_pose_stream.py).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def visible(q_pos: torch.Tensor, k_pos: torch.Tensor, window: int) -> torch.Tensor:
    """(n_q, n_k) bool: query at absolute frame ``q_pos[i]`` may attend to key at frame ``k_pos[j]``."""
    ok = k_pos[None, :] <= q_pos[:, None]
    if window:
        ok &= k_pos[None, :] > q_pos[:, None] - window
    return ok


def causal_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, *, window: int = 0,
                     dropout_p: float = 0.0) -> torch.Tensor:
    """Causal multi-head attention: q, k, v (B, H, T, dh) → (B, H, T, dh); ``window`` frames (0 = unlimited)."""
    B, H, T, dh = q.shape
    if window < 0:
        raise ValueError(f"causal_attention window must be >= 0, got {window}")
    if window == 0 or T <= window:
        # every key inside the window: the plain causal triangle
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout_p)
    W = window
    nb = -(-T // W)  # query blocks
    pad = nb * W - T
    qb = F.pad(q, (0, 0, 0, pad)).reshape(B, H * nb, W, dh)  # block b holds frames bW … bW+W-1
    # keys of block b: frames (b-1)W … bW+W-1, i.e. the previous block and its own (zeros before frame 0)
    kp, vp = (F.pad(x, (0, 0, W, pad)).unfold(2, 2 * W, W).transpose(-1, -2).reshape(B, H * nb, 2 * W, dh)
              for x in (k, v))
    i = torch.arange(W)[:, None]
    j = torch.arange(2 * W)[None, :]
    band = (j > i) & (j <= i + W)  # key frame (b-1)W+j within (t-W, t] for query frame t = bW+i
    mask = band.expand(nb, W, 2 * W).clone()
    mask[0, :, :W] = False  # block 0 has no previous block: its first W keys are padding
    mask = mask.expand(H, nb, W, 2 * W).reshape(H * nb, W, 2 * W)
    y = F.scaled_dot_product_attention(qb, kp, vp, attn_mask=mask, dropout_p=dropout_p)  # (B, H·nb, W, dh)
    return y.reshape(B, H, nb * W, dh)[:, :, :T]
