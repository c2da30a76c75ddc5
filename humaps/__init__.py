"""humaps — the reproducible companion to HUMAPS-4D, supplementary sections 6 and 7.

Data (``sim``, ``io``, ``data``) → models (``models``, ``losses``, ``metrics``)
→ training (``training``) → experiments (``experiments``) → the book.
"""
__version__ = "0.1.0"
