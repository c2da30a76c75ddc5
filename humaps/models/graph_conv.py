"""A graph convolution over a small fixed graph, as a dense matrix product.

The paper's spatial GCN (section 6.1) is H' = σ(Â H W) with Â = D̃^-½ Ã D̃^-½.
Our graphs are tiny and fixed (16 cells per foot, 16 or 24 joints), and we
apply them to every frame of every window, so the layer multiplies by the
dense (N, N) Â in one matrix product instead of scattering messages along
edges like torch_geometric's ``GCNConv``; the two give the same numbers
(tests/test_pose_models.py) and ``benchmarks/bench_graph_conv.py`` times them.
"""
from __future__ import annotations

import torch
import torch.nn as nn


class DenseGCNLayer(nn.Module):
    """H' = σ(Â H W + b) on a fixed graph.

    ``adjacency``: (N, N) normalised adjacency Â (e.g. ``FootGraph().normalized_adjacency()``),
    stored as a non-trainable buffer. Input (..., N, in_features) → output
    (..., N, out_features); any leading batch/time dimensions are allowed.
    ``activation=None`` gives the linear layer (what GCNConv computes).
    """

    def __init__(self, *, in_features: int, out_features: int, adjacency: torch.Tensor,
                 bias: bool = True, activation: nn.Module | None = None):
        super().__init__()
        if adjacency.ndim != 2 or adjacency.shape[0] != adjacency.shape[1]:
            raise ValueError(f"DenseGCNLayer adjacency must be square (N, N), got {tuple(adjacency.shape)}")
        if in_features < 1 or out_features < 1:
            raise ValueError(f"DenseGCNLayer needs positive widths, got {in_features} → {out_features}")
        self.register_buffer("adjacency", adjacency.detach().to(torch.float32).clone())
        self.lin = nn.Linear(in_features, out_features, bias=False)  # W, as in GCNConv.lin
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None
        self.activation = activation if activation is not None else nn.Identity()

    @property
    def n_nodes(self) -> int:
        return int(self.adjacency.shape[0])

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if h.shape[-2] != self.n_nodes:
            raise ValueError(f"DenseGCNLayer expects (..., {self.n_nodes}, F) input, got {tuple(h.shape)}")
        # Â (H W) = (Â H) W: aggregate over the neighbours on the narrower side of W (a foot cell enters
        # with 1 channel, a joint with 3; the hidden width is 16), as one matrix product over every
        # frame (einsum) rather than a batched product per frame: the book's foot GCN, forward + backward
        # on one training batch, 5.7 → 3.2 ms (benchmarks/bench_graph_conv.py, 1 thread)
        aggregate = lambda x: torch.einsum("nm,...mc->...nc", self.adjacency, x)  # (..., N, C) → (..., N, C)
        out = self.lin(aggregate(h)) if h.shape[-1] < self.lin.out_features else aggregate(self.lin(h))
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)


class GCNStack(nn.Module):
    """``n_layers`` DenseGCNLayers with ReLU between (and after) them: (..., N, in) → (..., N, out)."""

    def __init__(self, *, in_features: int, hidden: int, out_features: int, n_layers: int,
                 adjacency: torch.Tensor):
        super().__init__()
        if n_layers < 1:
            raise ValueError(f"GCNStack needs n_layers >= 1, got {n_layers}")
        widths = [in_features] + [hidden] * (n_layers - 1) + [out_features]
        self.layers = nn.Sequential(*[
            DenseGCNLayer(in_features=a, out_features=b, adjacency=adjacency, activation=nn.ReLU())
            for a, b in zip(widths[:-1], widths[1:])
        ])

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.layers(h)
