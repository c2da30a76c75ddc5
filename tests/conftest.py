"""Shared test settings: fixed thread count so torch results are bit-reproducible."""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover
    pass
