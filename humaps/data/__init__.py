"""From recordings to model inputs: clock synchronisation and resampling (``sync``), the
paper's feature vectors and windows (``features``), subject-wise splits (``splits``) and
the on-disk cohort in device formats (``store``)."""
