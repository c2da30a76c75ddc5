"""Experiment protocols: configurations, cross-validation runners and baselines, one per paper table.

- :mod:`~humaps.experiments.pose_config` — every hyperparameter of the section-6 experiment, with profiles;
- :mod:`~humaps.experiments.pose_cv` — subject-wise 4-fold cross-validation of the pose model and its ablations;
- :mod:`~humaps.experiments.pose_baselines` — mean-pose and ridge-regression baselines on the same folds;
- :mod:`~humaps.experiments.model_summary` — block-by-block parameter counts and output shapes.
"""
