"""Dense GCN layer vs torch_geometric's GCNConv on a 16-node foot graph, CPU.

    .venv/bin/python benchmarks/bench_graph_conv.py [--threads 2]

The pose model applies the foot GCN to every frame of every window (B·T graphs
of 16 nodes), so the comparison is on a batch of many small graphs: dense = one
batched (16,16) matmul; GCNConv = message passing over the disjoint union of
the graphs (edge_index offset per graph), as torch_geometric batches them.

Then the book's foot GCN stack (1 → 16 → 2 channels, a batch of 64 windows × 25 frames),
forward + backward, as the layer computes it (Â aggregated on the narrower side of W, one
einsum over all frames) against Â (H W) as a batched matmul per frame (its first version).
"""
from __future__ import annotations

import argparse
import time

import torch
from torch_geometric.nn import GCNConv

from humaps.models.graph_conv import DenseGCNLayer, GCNStack
from humaps.models.graphs import FootGraph


def timeit(fn, repeats: int) -> float:
    fn()  # warm-up
    t0 = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - t0) / repeats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    graph = FootGraph()
    for graphs, c_in, c_out in ((32 * 200, 1, 16), (32 * 200, 16, 18), (16 * 300, 16, 18)):
        torch.manual_seed(0)
        conv = GCNConv(c_in, c_out, cached=True)
        dense = DenseGCNLayer(in_features=c_in, out_features=c_out, adjacency=graph.normalized_adjacency())
        x = torch.randn(graphs, 16, c_in)
        offsets = (torch.arange(graphs) * 16).repeat_interleave(graph.edge_index.shape[1])
        big_edges = graph.edge_index.repeat(1, graphs) + offsets  # (2, graphs·E)
        flat = x.reshape(-1, c_in)
        with torch.no_grad():
            t_dense = timeit(lambda: dense(x), args.repeats)
            t_pyg = timeit(lambda: conv(flat, big_edges), args.repeats)
        print(f"{graphs:6d} graphs × 16 nodes, {c_in:2d}→{c_out:2d} channels: dense {1e3 * t_dense:7.2f} ms, "
              f"GCNConv {1e3 * t_pyg:7.2f} ms, dense is {t_pyg / t_dense:4.1f}× faster ({args.threads} threads)")

    per_frame = lambda layer, h: layer.activation(torch.matmul(layer.adjacency, layer.lin(h)) + layer.bias)
    stack = GCNStack(in_features=1, hidden=16, out_features=2, n_layers=2, adjacency=graph.normalized_adjacency())
    x = torch.randn(64, 25, 16, 1, requires_grad=True)

    def train_step(forward):
        return lambda: forward(x).sum().backward()

    def old(h):
        for layer in stack.layers:
            h = per_frame(layer, h)
        return h

    t_new, t_old = (min(timeit(train_step(f), args.repeats) for _ in range(3)) for f in (stack, old))
    print(f"foot GCN stack 1→16→2, 64×25 frames, forward + backward: {1e3 * t_new:5.2f} ms as the layer computes it, "
          f"{1e3 * t_old:5.2f} ms as Â (H W) per frame ({args.threads} threads)")


if __name__ == "__main__":
    main()
