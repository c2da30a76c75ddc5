"""The simulated HUMAPS-4D stand-in cohort.

Kinematics (``anthropometry`` and ``foot``; the motion programs ``motions_*``
built from ``curves``, ``angles`` and ``stance``; ``placement`` and
``kinematics``; ``actions``, ``trials``, ``cohort``) produce a
:class:`~humaps.sim.motion.BodyMotion` per trial; the insole physics
(``physics``, ``pressure``, ``imu``, ``insoles``) turns that motion into device
signals. Nothing downstream of the motion programs sees the action label.
"""
