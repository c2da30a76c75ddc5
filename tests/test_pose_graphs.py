"""Foot and skeleton graphs: structure, symmetry, normalisation."""
import numpy as np
import pytest
import torch

from humaps import skeleton
from humaps.models.graphs import FootGraph, SkeletonGraph


@pytest.mark.parametrize("graph", [FootGraph(), FootGraph(side="right"), FootGraph(rule="knn", k=3),
                                   SkeletonGraph(), SkeletonGraph(without_arms=True)], ids=repr)
def test_normalized_adjacency_is_symmetric_gcn_normalisation(graph):
    a_hat = graph.normalized_adjacency()
    n = graph.n_nodes
    assert a_hat.shape == (n, n) and a_hat.dtype == torch.float32
    assert torch.allclose(a_hat, a_hat.T)
    # rebuild D̃^-½ (A + I) D̃^-½ by hand from the edge list
    a = np.eye(n)
    a[graph.edge_index[0].numpy(), graph.edge_index[1].numpy()] = 1.0
    d = a.sum(1) ** -0.5
    np.testing.assert_allclose(a_hat.numpy(), d[:, None] * a * d[None], rtol=1e-6)
    # undirected, no self loops in edge_index
    e = set(map(tuple, graph.edge_index.t().tolist()))
    assert all((j, i) in e for i, j in e) and all(i != j for i, j in e)


def test_foot_graph_is_connected_planar_and_mirrored():
    left, right = FootGraph(side="left"), FootGraph(side="right")
    assert torch.equal(left.edge_index, right.edge_index)  # mirroring keeps Delaunay edges
    assert left.n_edges <= 3 * 16 - 6  # planar
    reach = torch.linalg.matrix_power(left.normalized_adjacency() > 0, 1).float()
    assert torch.all(torch.linalg.matrix_power(reach, 15) > 0)  # connected
    # the two heel cells side by side (cells 1 and 2) are neighbours; heel and toes are not
    edges = set(map(tuple, left.edge_index.t().tolist()))
    assert (0, 1) in edges and (0, 14) not in edges


def test_skeleton_graph_without_arms_is_the_16_node_tree():
    g = SkeletonGraph(without_arms=True)
    assert g.joints == skeleton.REPORTED and g.n_nodes == 16 and g.n_edges == 15  # a tree
    assert all(skeleton.JOINTS[i] not in skeleton.ARM_JOINTS for i in g.index)
    assert SkeletonGraph().n_edges == 23


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="rule"):
        FootGraph(rule="grid")
    with pytest.raises(ValueError, match="side"):
        FootGraph(side="middle")
    with pytest.raises(ValueError, match="size"):
        FootGraph(size=12)


@pytest.mark.parametrize("graph", [FootGraph(), FootGraph(rule="knn", k=3), SkeletonGraph(),
                                   SkeletonGraph(without_arms=True)], ids=repr)
def test_edge_index_and_adjacency_equal_torch_geometric(graph):
    from torch_geometric.utils import (
        add_self_loops,
        coalesce,
        to_dense_adj,
        to_undirected,
    )

    n = graph.n_nodes
    assert torch.equal(graph.edge_index, coalesce(to_undirected(graph.edge_index.flip(0), num_nodes=n), num_nodes=n))
    loops, _ = add_self_loops(graph.edge_index, num_nodes=n)
    a = to_dense_adj(loops, max_num_nodes=n)[0]
    d = a.sum(1).pow(-0.5)
    assert torch.allclose(graph.normalized_adjacency(), d[:, None] * a * d[None], atol=1e-7)
