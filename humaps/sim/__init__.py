"""The simulated HUMAPS-4D stand-in cohort.

Kinematics (``anthropometry``, ``kinematics``, ``actions``, ``motions_*``,
``trials``, ``cohort``) produce a :class:`~humaps.sim.motion.BodyMotion` per
trial; the insole physics turns that motion into device signals. Nothing
downstream of the motion programs sees the action label.
"""
