"""Putting the body in the world: from a trial's joint angles to world positions on the ground.

:func:`place` knows nothing of the action. It poses the body with its root at
the origin, then

1. raises the root so that the lowest contact point of either foot
   (:mod:`humaps.sim.foot`) rests on that foot's ground (:func:`_standing_height`);
2. moves the root horizontally so that the contact points touching the ground
   do not slide: the body rolls over its planted heel / ball / toe
   (:func:`_rolling_steps`);
3. after each take-off (:class:`~humaps.sim.motion.Flight`) lets the centre of
   mass follow a ballistic parabola until a contact point reaches the ground
   again, or for the flight time the program planned (:func:`_fly_vertically`),
   at the horizontal velocity it had at take-off plus the program's intent
   (:func:`_fly_horizontally`).
"""
from __future__ import annotations

import numpy as np

from humaps.constants import G
from humaps.sim.foot import contact_points
from humaps.sim.kinematics import pose_from_angles

#: a foot counts as planted within about this height (m) of its ground (width of a Gaussian weight)
PLANTED_HEIGHT_M = 0.01
#: the points of a planted foot within about this height (m) of its lowest one carry the rolling
#: together, so the body hands over smoothly from heel to ball to toe
ROLLING_HEIGHT_M = 0.003
#: the take-off velocity is the mean horizontal COM velocity over this window before take-off, s
TAKEOFF_WINDOW_S = 0.03


def place(subject, angles_deg: np.ndarray, heading: float, ground: np.ndarray, flights, fs: float,
          start_xy=(0.0, 0.0), stance: np.ndarray | None = None):
    """Put the body in the world (see the module docstring).

    angles_deg (F, 24, 3), heading rad (yaw of the body's forward axis from world +y),
    ground (F, 2) m absolute ground height under each foot, flights list of :class:`Flight`,
    fs Hz, start_xy (2,) m where the root starts, stance (F, 2) intended support feet (None: both).
    Returns positions (F, 24, 3) m, rotations (F, 24, 4), com (F, 3) m, all world frame.
    """
    n_frames = angles_deg.shape[0]
    body, rotations, com_body = pose_from_angles(subject.offsets, angles_deg, heading, subject.seg_com,
                                                 subject.seg_mass_kg)          # root at the origin
    points = contact_points(body, rotations, subject.foot)                     # (F, 2 feet, 3 points, 3)
    standing_z = _standing_height(points[..., 2], ground)
    root_steps = _rolling_steps(points, standing_z, ground, stance)
    root_z = standing_z.copy()
    com_steps = np.diff(com_body[:, :2], axis=0)           # the COM's horizontal motion relative to the root
    com_z = standing_z + com_body[:, 2]                    # COM height with the feet on the ground
    com_vz = np.gradient(com_z) * fs
    for flight in sorted(flights, key=lambda f: f.frame):
        takeoff = int(flight.frame)
        if not 2 <= takeoff < n_frames - 2:                # no room for a push-off or a flight
            continue
        landing = _fly_vertically(flight, takeoff, root_z, standing_z, com_z, com_vz, fs)
        _fly_horizontally(flight, takeoff, landing, root_steps, com_steps, heading, fs)
    root = np.empty((n_frames, 3))
    root[:, :2] = np.asarray(start_xy, float)[None] + np.concatenate([np.zeros((1, 2)), np.cumsum(root_steps, 0)])
    root[:, 2] = root_z
    return body + root[:, None], rotations, com_body + root


def _standing_height(points_z: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """(F,) root height that puts the lowest contact point of either foot on its own ground.

    points_z (F, 2, 3) contact-point heights with the root at 0; ground (F, 2) m. Each foot asks for
    its own height; the higher request wins, so no foot goes below its ground.
    """
    return (ground - points_z.min(-1)).max(1)


def _rolling_steps(points: np.ndarray, root_z: np.ndarray, ground: np.ndarray,
                   stance: np.ndarray | None) -> np.ndarray:
    """(F − 1, 2) m horizontal root displacement per frame that keeps the planted points still.

    points (F, 2, 3, 3) contact points with the root at the origin, root_z (F,), ground (F, 2),
    stance (F, 2) or None. Each point's weight is how planted its foot is (lowest point near the
    ground, and a foot the program means to stand on) times how close it is to its foot's lowest
    point; the root moves against the weighted mean motion of the points.
    """
    height = root_z[:, None, None] + points[..., 2] - ground[:, :, None]      # (F, 2, 3) above own ground
    lowest = height.min(-1, keepdims=True)
    planted = np.exp(-(lowest / PLANTED_HEIGHT_M) ** 2) * (1.0 if stance is None else stance[:, :, None])
    weight = np.exp(-((height - lowest) / ROLLING_HEIGHT_M) ** 2) * planted
    weight_between = 0.5 * (weight[1:] + weight[:-1])                       # (F − 1, 2, 3)
    point_steps = np.diff(points[..., :2], axis=0)                          # (F − 1, 2, 3, 2)
    return (-(weight_between[..., None] * point_steps).sum((1, 2))
            / np.maximum(weight_between.sum((1, 2)), 1e-6)[:, None])


def _fly_vertically(flight, takeoff: int, root_z: np.ndarray, standing_z: np.ndarray, com_z: np.ndarray,
                    com_vz: np.ndarray, fs: float) -> int:
    """Write the push-off and the ballistic flight into ``root_z`` (F,); returns the landing frame.

    The extra take-off speed is built by a constant extra acceleration over ``flight.ramp_s``; in
    the air the COM follows the parabola from there and the root is raised (never lowered) so that
    it does. standing_z (F,) root height on the ground, com_z (F,) and com_vz (F,) the COM height
    and vertical speed with the feet on the ground.
    """
    n_frames = len(root_z)
    v_extra = flight.v_up
    if flight.duration_s is not None:      # launch speed from the planned flight; a faster leg extension is cut off
        landing = min(takeoff + max(int(round(flight.duration_s * fs)), 1), n_frames - 1)
        air_s = (landing - takeoff) / fs
        v_extra = (com_z[landing] - com_z[takeoff]) / air_s + 0.5 * G * air_s - com_vz[takeoff]
    ramp_frames = max(int(round(flight.ramp_s * fs)), 1)
    push_start = max(takeoff - ramp_frames, 0)
    t_push = (np.arange(push_start, takeoff + 1) - push_start) / fs
    push_rise = max(v_extra, 0.0) * t_push ** 2 / (2 * flight.ramp_s)
    root_z[push_start:takeoff + 1] = standing_z[push_start:takeoff + 1] + push_rise
    t_air = np.arange(n_frames - takeoff) / fs
    parabola = com_z[takeoff] + push_rise[-1] + (com_vz[takeoff] + v_extra) * t_air - 0.5 * G * t_air ** 2
    if flight.duration_s is None:          # emergent flight: until a contact point reaches the floor again
        down = np.nonzero(parabola[1:] <= com_z[takeoff + 1:])[0]
        landing = takeoff + (int(down[0]) + 1 if down.size else n_frames - takeoff)
    # a planned flight follows the parabola for its whole duration: the feet never sink
    air = slice(takeoff, landing)
    root_z[air] = standing_z[air] + np.maximum(parabola[:landing - takeoff] - com_z[air], 0.0)
    return landing


def _fly_horizontally(flight, takeoff: int, landing: int, root_steps: np.ndarray, com_steps: np.ndarray,
                      heading: float, fs: float) -> None:
    """Write a constant horizontal COM velocity over [takeoff, landing) into ``root_steps`` (F − 1, 2).

    The velocity is the COM's over :data:`TAKEOFF_WINDOW_S` before take-off (unless
    ``flight.absolute_xy``) plus ``flight.v_xy`` turned from the body frame by ``heading``;
    com_steps (F − 1, 2) is the COM's motion relative to the root, which the root step cancels.
    """
    window_start = max(takeoff - max(int(TAKEOFF_WINDOW_S * fs), 1), 0)
    if takeoff > window_start:
        v_takeoff = (root_steps[window_start:takeoff] + com_steps[window_start:takeoff]).mean(0) * fs
    else:
        v_takeoff = np.zeros(2)
    right, forward = flight.v_xy
    cos_h, sin_h = np.cos(heading), np.sin(heading)
    v_intent = np.array([cos_h * right - sin_h * forward, sin_h * right + cos_h * forward])
    v_air = (0.0 if flight.absolute_xy else v_takeoff) + v_intent
    root_steps[takeoff:landing] = v_air / fs - com_steps[takeoff:landing]
