"""Poses from insole recordings with a trained model: whole files, or streams as they arrive.

Sits beside the command line, above the experiments: :mod:`~humaps.inference.stream` (the
arrival loop with a fixed latency), :mod:`~humaps.inference.pose_output` (where poses go) and
:mod:`~humaps.inference.pose_command` (``python -m humaps pose``).
"""
