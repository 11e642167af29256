"""The invented county force: three Local Policing Areas and twelve districts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .frame import Frame, day_number

FORCE_NAME = "Shire Constabulary"
LPAS = ("North", "South", "West")

# district, LPA, population, share of residents living in rural areas, crime-rate multiplier
DISTRICTS: tuple[tuple[str, str, int, float, float], ...] = (
    ("Harrowby", "North", 236_400, 0.04, 1.30),
    ("Kingsmere", "North", 158_900, 0.12, 1.05),
    ("Thornfield", "North", 112_300, 0.38, 0.80),
    ("Oakley Moor", "North", 91_700, 0.52, 0.70),
    ("Wexcombe", "South", 203_600, 0.03, 1.35),
    ("Saltmarsh", "South", 148_200, 0.18, 1.00),
    ("Abbotsleigh", "South", 129_500, 0.30, 0.85),
    ("Fairhaven", "South", 141_800, 0.10, 1.05),
    ("Marlcote", "West", 192_100, 0.06, 1.20),
    ("Ravensworth", "West", 121_600, 0.34, 0.80),
    ("Hollowmere", "West", 96_400, 0.48, 0.70),
    ("Ashcombe", "West", 172_500, 0.16, 0.95),
)

DISTRICT_NAMES: tuple[str, ...] = tuple(d[0] for d in DISTRICTS)
POPULATION = np.array([d[2] for d in DISTRICTS], dtype=np.int64)
RURAL_SHARE = np.array([d[3] for d in DISTRICTS])
CRIME_FACTOR = np.array([d[4] for d in DISTRICTS])
FORCE_POPULATION = int(POPULATION.sum())


def population_weights() -> np.ndarray:
    """District probabilities proportional to population."""
    return POPULATION / POPULATION.sum()


def crime_weights() -> np.ndarray:
    """District probabilities proportional to population x crime-rate multiplier."""
    w = POPULATION * CRIME_FACTOR
    return w / w.sum()


def areas_table(frame: Frame) -> pa.Table:
    """The areas table: one row per district with its LPA, force and population."""
    n = len(DISTRICTS)
    return pa.table(
        {
            "district": pa.array(DISTRICT_NAMES, pa.string()),
            "lpa": pa.array([d[1] for d in DISTRICTS], pa.string()),
            "force": pa.array([FORCE_NAME] * n, pa.string()),
            "population": pa.array(POPULATION, pa.int64()),
            "valid_from": pa.array(np.full(n, day_number(frame.start), dtype=np.int32), pa.date32()),
        }
    )
