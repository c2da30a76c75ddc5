"""Neural networks of the companion (no training code here; see :mod:`humaps.training`).

- :mod:`~humaps.models.graph_conv` — the dense GCN layer H' = σ(Â H W) over a small fixed graph;
- :mod:`~humaps.models.pose_net` — the section-6 insole → 3-D pose model (Figure 6): pressure,
  IMU/force and pose encoders, the two-stream transformer, latent projection and decoder;
- :mod:`~humaps.models.cycle_nets` — PressNet and AccelNet, the frozen pose → insole
  networks of the cycle-consistency losses (section 6.4).
"""
