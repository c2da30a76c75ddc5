"""The 30 activity classes of HUMAPS-4D (Table 7), in the paper's order, with their 5 categories.

Shared by the simulator, the annotation loader and the classification windows,
so a class index means the same thing everywhere.
"""
from __future__ import annotations

#: (class name, category) in Table 7 order; a class's index is its position here.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("Standing upright without moving", "Static"),
    ("Balancing on the left leg", "Static"),
    ("Balancing on the right leg", "Static"),
    ("Doing squats", "Static"),
    ("Standing on tiptoes", "Static"),
    ("Standing on heels", "Static"),
    ("Walking", "Locomotion"),
    ("Jogging", "Locomotion"),
    ("Walking backwards", "Locomotion"),
    ("Walking on tiptoes", "Locomotion"),
    ("Hopping around on one leg", "Locomotion"),
    ("Side stepping", "Locomotion"),
    ("Jumping in place", "Dynamic"),
    ("Jumping on the right leg", "Dynamic"),
    ("Jumping on the left leg", "Dynamic"),
    ("Jumping to the side", "Dynamic"),
    ("Jumping forward", "Dynamic"),
    ("Jumping backward", "Dynamic"),
    ("Sitting on the stool", "Interaction"),
    ("Climbing the stairs", "Interaction"),
    ("Lifting the bag with one hand", "Interaction"),
    ("Lifting the bag with two hands", "Interaction"),
    ("Pulling the bag", "Interaction"),
    ("Pushing the bag", "Interaction"),
    ("Leaning forward", "Postural"),
    ("Leaning backward", "Postural"),
    ("Leaning to the side", "Postural"),
    ("Looking backward", "Postural"),
    ("Putting left hand on the ground", "Postural"),
    ("Putting right hand on the ground", "Postural"),
)
CLASS_NAMES: tuple[str, ...] = tuple(name for name, _ in ACTIONS)
CATEGORIES: tuple[str, ...] = ("Static", "Locomotion", "Dynamic", "Interaction", "Postural")
CLASS_INDEX: dict[str, int] = {name: i for i, name in enumerate(CLASS_NAMES)}
CATEGORY_OF: dict[str, str] = dict(ACTIONS)
N_CLASSES = len(ACTIONS)

assert N_CLASSES == 30 and len(CLASS_INDEX) == 30
assert set(CATEGORY_OF.values()) == set(CATEGORIES)
