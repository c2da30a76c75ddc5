"""Pose model, dense GCN layer, cycle networks and losses: shapes, equivalence, gradients."""
import numpy as np
import pytest
import torch
from torch_geometric.nn import GCNConv

from humaps.data.normalise import Normaliser
from humaps.experiments.model_summary import pose_model_summary, summary
from humaps.models.cycle_nets import AccelNet, PressNet
from humaps.models.graph_conv import DenseGCNLayer
from humaps.models.graphs import FootGraph, SkeletonGraph
from humaps.models.pose_net import PoseNet, PoseNetConfig
from humaps.training.losses import (
    TERMS,
    joint_angles,
    mpjae_loss,
    mpjpe_loss,
    total_loss,
)


@pytest.mark.parametrize("graph", [FootGraph(), SkeletonGraph(without_arms=True)], ids=repr)
def test_dense_gcn_matches_torch_geometric_gcnconv(graph):
    torch.manual_seed(0)
    conv = GCNConv(5, 7)  # symmetric normalisation with self loops, like the paper
    dense = DenseGCNLayer(in_features=5, out_features=7, adjacency=graph.normalized_adjacency())
    with torch.no_grad():
        dense.lin.weight.copy_(conv.lin.weight)
        dense.bias.copy_(torch.randn(7))
        conv.bias.copy_(dense.bias)
    x = torch.randn(graph.n_nodes, 5)
    torch.testing.assert_close(dense(x), conv(x, graph.edge_index), rtol=1e-5, atol=1e-6)
    batched = dense(torch.stack([x, 2 * x]))  # leading batch dims are allowed
    torch.testing.assert_close(batched[1], conv(2 * x, graph.edge_index), rtol=1e-5, atol=1e-6)


def test_pose_net_shapes_and_inference_without_pose():
    torch.manual_seed(0)
    cfg = PoseNetConfig.tiny()
    model = PoseNet(cfg)
    P, A, J = torch.rand(3, 20, 32) * 10, torch.randn(3, 20, 18), torch.randn(3, 20, 24, 3)
    out = model(P, A, J)
    assert out["joints"].shape == (3, 20, 24, 3) and out["z"].shape == (3, 20, cfg.d_model)
    assert out["z_pose"].shape == (3, 20, cfg.d_model) and out["joints_from_pose"].shape == (3, 20, 24, 3)
    assert set(model(P, A)) == {"joints", "z"}  # inference: no pose encoder
    # the zero-initialised decoder starts from the (training) mean pose
    model.set_normalisation(pressure=Normaliser(np.zeros(32), np.ones(32)), aux=Normaliser(np.zeros(18), np.ones(18)),
                            joint_mean=np.ones((24, 3)))
    assert torch.allclose(model(P, A)["joints"], torch.ones(3, 20, 24, 3))
    with pytest.raises(ValueError, match="A \\(B,T,18\\)"):
        model(P, A[..., :17])


def test_paper_config_has_width_576_everywhere():
    cfg = PoseNetConfig()
    assert cfg.d_model == 576 and 32 * cfg.press_node_features == 576 and 16 * cfg.pose_node_features == 576
    with pytest.raises(ValueError, match="n_heads"):
        PoseNetConfig(d_model=576, n_heads=7)


def test_every_loss_term_sends_gradients_to_the_model():
    torch.manual_seed(0)
    model = PoseNet(PoseNetConfig.tiny(dropout=0.1))
    press, accel = PressNet(hidden=8).freeze(), AccelNet(hidden=8).freeze()
    P, A, J = torch.rand(2, 12, 32), torch.randn(2, 12, 18), torch.randn(2, 12, 24, 3)
    with torch.no_grad():  # start away from the zero-initialised decoder
        model.decoder[-1].weight.normal_(0, 0.1)
    for term in TERMS:
        model.zero_grad()
        out = model(P, A, J)
        loss, values = total_loss({term: 1.0}, out=out, joints=J, pressure=torch.randn(2, 12, 32),
                                  acceleration=torch.randn(2, 12, 6), press_net=press, accel_net=accel)
        loss.backward()
        assert set(values) == {term, "total"}
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        assert all(torch.isfinite(g).all() for g in grads), term
        assert sum(float(g.abs().sum()) > 0 for g in grads) >= 10, term  # reaches many tensors
        # back to the encoder the term trains: recon trains the pose encoder, the others the insole pipeline
        encoder = model.pose_encoder if term == "recon" else model.pressure_encoder
        assert all(p.grad is not None for p in encoder.parameters()), term
    assert all(p.grad is None for p in press.parameters())  # frozen


def test_zero_weight_terms_are_not_computed():
    out = {"joints": torch.zeros(1, 2, 24, 3, requires_grad=True), "z": torch.zeros(1, 2, 4)}
    loss, values = total_loss({"mpjpe": 1.0, "feat": 0.0, "press": 0.0}, out=out, joints=torch.zeros(1, 2, 24, 3))
    assert set(values) == {"mpjpe", "total"}
    with pytest.raises(ValueError, match="z_pose"):
        total_loss({"feat": 1.0}, out=out, joints=torch.zeros(1, 2, 24, 3))
    with pytest.raises(ValueError, match="unknown loss terms"):
        total_loss({"mpjpee": 1.0}, out=out, joints=torch.zeros(1, 2, 24, 3))


def test_losses_are_zero_on_identical_poses_with_finite_gradients():
    j = torch.randn(2, 5, 24, 3, requires_grad=True)
    loss = mpjpe_loss(j, j.detach()) + mpjae_loss(j, j.detach())
    loss.backward()
    assert loss.item() < 1e-5 and torch.isfinite(j.grad).all()
    assert joint_angles(j).shape == (2, 5, 12)


def test_cycle_nets_shapes():
    poses = torch.randn(2, 15, 24, 3)
    assert PressNet(hidden=8)(poses).shape == (2, 15, 32)
    assert AccelNet(hidden=8)(poses).shape == (2, 15, 6)


def test_model_summary_lists_blocks_with_shapes():
    table = summary(PoseNet(PoseNetConfig.tiny()), (torch.zeros(1, 20, 32), torch.zeros(1, 20, 18)))
    row = table.set_index("block").loc["decoder"]
    assert row["output shape"] == "(1, 20, 72)"
    assert table.set_index("block").loc["pose_encoder", "output shape"] == "not run"
    assert table.iloc[-1]["parameters"] == sum(p.numel() for p in PoseNet(PoseNetConfig.tiny()).parameters())
    smoke = pose_model_summary("smoke")
    assert "fusion" in set(smoke["block"]) and smoke.iloc[-1]["block"] == "total"
