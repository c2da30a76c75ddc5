"""Training loops (models in, trained models and curves out); no experiment protocol here.

- :mod:`~humaps.training.pose` — normalisation from the training folds, PressNet/AccelNet
  pretraining, the section-6 pose model's training loop with checkpoints and resume.
"""
