"""Physical constants shared by the package, each defined once.

Import them from here (``from humaps.constants import G``); a module that needs
one of these values never writes the number itself.
"""
from __future__ import annotations

#: gravitational acceleration, m/s² (z up: gravity is −G along z). Also the unit "g" in which the
#: simulated insole IMU reports acceleration; the OpenGo's own g (9.80665 m/s², standard gravity)
#: differs by 0.03 % (0.0003 g), below its 1/2048 g resolution.
G = 9.81
