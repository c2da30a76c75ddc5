"""The two graphs the section-6 models convolve over: a foot's pressure cells and the skeleton.

Both expose ``edge_index`` (2, E) int64 — undirected, every edge in both
directions, no self loops, sorted: torch_geometric's ``coalesce(to_undirected(...))``
convention (``tests/test_pose_graphs.py`` checks they agree; torch_geometric itself is
not imported here, because importing it costs seconds and a tqdm widget warning in every
notebook kernel) — and
:meth:`normalized_adjacency`, the dense (N, N) matrix

    Â = D̃^-½ Ã D̃^-½,   Ã = A + I,   D̃_ii = Σ_j Ã_ij,

of the paper's GCN update H' = σ(Â H W) (section 6.1). The data chapter and the
activity model's ST-GCN import these classes, so the graphs are defined once.
"""
from __future__ import annotations

import numpy as np
import torch

from humaps import insole, skeleton


def undirected(edges: torch.Tensor, n_nodes: int) -> torch.Tensor:
    """(2, E) edges → every edge in both directions, once, self loops dropped, sorted by (source, target)."""
    both = torch.cat([edges, edges.flip(0)], dim=1)
    both = both[:, both[0] != both[1]]
    keys = torch.unique(both[0] * n_nodes + both[1])  # sorted and deduplicated
    return torch.stack([keys // n_nodes, keys % n_nodes])


class Graph:
    """What both graphs share: ``n_nodes``, ``edge_index`` (2, E) as above, and the GCN's adjacency."""

    n_nodes: int
    edge_index: torch.Tensor

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return int(self.edge_index.shape[1]) // 2

    def normalized_adjacency(self) -> torch.Tensor:
        """(N, N) float32 D̃^-½ (A + I) D̃^-½."""
        a = torch.eye(self.n_nodes)
        a[self.edge_index[0], self.edge_index[1]] = 1.0  # Ã = A + I
        d_inv_sqrt = a.sum(dim=1).pow(-0.5)  # every node has its self loop, so no zero degree
        return d_inv_sqrt[:, None] * a * d_inv_sqrt[None, :]


class FootGraph(Graph):
    """The 16 pressure cells of one OpenGo insole as an undirected graph.

    Nodes: cells 1–16 (node k = cell k+1, the order of the pressure columns),
    placed at :func:`humaps.insole.centroids` scaled to millimetres (length of
    insole ``size``; width = :data:`humaps.insole.WIDTH_OVER_LENGTH` × length).
    Edges, by ``rule``:

    - ``"delaunay"`` (default): the Delaunay triangulation of the centroids in
      mm — cells that are geometric neighbours are joined, whatever the local
      cell density (heel grid, midfoot, metatarsal row and toes all connect to
      their neighbours), and the graph is planar with no long cross-foot edges;
    - ``"knn"``: each cell joined to its ``k`` nearest cells in mm (made symmetric).

    The left and right graphs are mirror images with identical edges, because
    mirroring preserves distances.
    """

    n_nodes = insole.N_CELLS

    def __init__(self, *, side: str = "left", rule: str = "delaunay", k: int = 4, size: int = 4):
        if rule not in ("delaunay", "knn"):
            raise ValueError(f"FootGraph rule must be 'delaunay' or 'knn', got {rule!r}")
        if rule == "knn" and not 1 <= k < self.n_nodes:
            raise ValueError(f"FootGraph k must be in 1..{self.n_nodes - 1}, got {k!r}")
        insole.areas_cm2(size)  # validates size with a clear message
        length_mm = insole.LENGTH_BY_SIZE_M[size] * 1000.0
        self.side, self.rule, self.k, self.size = side, rule, k, size
        unit = insole.centroids(side)  # (16, 2) unit frame
        #: (16, 2) centroids in mm: x across the width, y from the toe tip toward the heel
        self.positions_mm = unit * np.array([insole.WIDTH_OVER_LENGTH * length_mm, length_mm])
        self.edge_index = self._edges()

    def _edges(self) -> torch.Tensor:
        pos = torch.as_tensor(self.positions_mm, dtype=torch.float64)
        if self.rule == "delaunay":
            from scipy.spatial import Delaunay

            tri = torch.as_tensor(Delaunay(self.positions_mm).simplices, dtype=torch.long)  # (F, 3)
            # each triangle gives its three sides
            edges = torch.cat([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]]).t()  # (2, 3F)
        else:
            dist = torch.cdist(pos, pos)  # (16, 16) mm
            dist.fill_diagonal_(float("inf"))
            nbrs = dist.topk(self.k, largest=False).indices  # (16, k)
            src = torch.arange(self.n_nodes).repeat_interleave(self.k)
            edges = torch.stack([src, nbrs.reshape(-1)])  # (2, 16k)
        return undirected(edges, self.n_nodes)

    def __repr__(self) -> str:
        return f"FootGraph(side={self.side!r}, rule={self.rule!r}, nodes=16, edges={self.n_edges})"


class SkeletonGraph(Graph):
    """The QTM m1 skeleton (:mod:`humaps.skeleton`) as an undirected graph.

    Nodes: the joints ``self.joints`` — all 24 in skeleton order, or with
    ``without_arms=True`` the 16 non-arm joints of :data:`humaps.skeleton.REPORTED`
    (the lower-body-and-trunk graph of the paper's pose encoder, section 6.1).
    Edges: the bones (child–parent) between those joints; node k is
    ``self.joints[k]``, so a (…, 24, 3) pose is mapped to the node order by
    ``pose[..., graph.index, :]``.
    """

    def __init__(self, *, without_arms: bool = False):
        self.without_arms = without_arms
        self.joints: tuple[str, ...] = skeleton.REPORTED if without_arms else skeleton.JOINTS
        #: (N,) skeleton indices of the nodes
        self.index = skeleton.indices(self.joints)
        bones = torch.as_tensor(skeleton.subtree_bones(self.joints), dtype=torch.long).t()  # (2, n_bones)
        self.edge_index = undirected(bones, self.n_nodes)

    @property
    def n_nodes(self) -> int:
        return len(self.joints)

    def __repr__(self) -> str:
        return f"SkeletonGraph(without_arms={self.without_arms}, nodes={self.n_nodes}, edges={self.n_edges})"
