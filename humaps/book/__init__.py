"""The book layer: chapters' machinery (execution, provenance, recorded results, figures), the
paper's tables and the claims ledger. Above every other layer; nothing below imports it."""
