"""Road casualties (STATS19-like): collisions with one to three casualties each."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import geography as geo
from .frame import Frame, calendar, rng_for
from .ids import format_ids, id_width, labels
from .volumes import SEASON_ROADS, WEEKDAY_FLAT, categorical, daily_rate, draw_days

SEVERITIES = ("fatal", "serious", "slight")
ROAD_USERS = ("pedestrian", "cyclist", "motorcyclist", "car_driver", "car_passenger", "other")
CASUALTIES_PER_YEAR = 5_300
SEVERITY_PROBS = np.array([0.0094, 0.1415, 0.8491])  # ~50 fatal, ~750 serious, ~4.5k slight
GROWTH = -0.005
COLLISION_SIZE_PROBS = np.array([0.70, 0.20, 0.10])  # 1, 2 or 3 casualties
ROAD_USER_PROBS = np.array(
    [
        [0.18, 0.13, 0.22, 0.28, 0.12, 0.07],  # killed or seriously injured
        [0.10, 0.10, 0.08, 0.45, 0.20, 0.07],  # slight
    ]
)
P_CHILD = 0.08
P_DRINK = np.array([0.04, 0.025])  # collision involved a drink driver: KSI collision, slight-only
P_DRUG = np.array([0.02, 0.01])


def casualties_table(frame: Frame, seed: int, scale: float) -> pa.Table:
    """The casualties table."""
    rng = rng_for(seed, "casualties")
    cal = calendar(frame)
    mean_size = float(COLLISION_SIZE_PROBS @ np.arange(1, 4))
    lam = daily_rate(cal, CASUALTIES_PER_YEAR * scale / mean_size, GROWTH, SEASON_ROADS, WEEKDAY_FLAT)
    c_day, _ = draw_days(rng, lam, frame.start_day)
    m = len(c_day)
    size = rng.choice(3, size=m, p=COLLISION_SIZE_PROBS) + 1
    c_district = rng.choice(len(geo.DISTRICTS), size=m, p=geo.population_weights())

    collision = np.repeat(np.arange(m), size)
    n = collision.size
    severity = rng.choice(3, size=n, p=SEVERITY_PROBS)
    worst = np.full(m, 2, dtype=np.int64)
    np.minimum.at(worst, collision, severity)
    ksi_collision = worst < 2
    drink = rng.random(m) < np.where(ksi_collision, P_DRINK[0], P_DRINK[1])
    drug = rng.random(m) < np.where(ksi_collision, P_DRUG[0], P_DRUG[1])
    road_user = categorical(rng, ROAD_USER_PROBS, (severity == 2).astype(np.int64))
    child = rng.random(n) < P_CHILD
    child_driver = child & ((road_user == 2) | (road_user == 3))
    road_user[child_driver] = 4  # children are passengers, not drivers or riders
    age = np.where(
        child,
        rng.integers(0, 18, size=n),
        np.minimum(18 + np.floor(rng.gamma(2.0, 14.0, size=n)), 99),
    ).astype(np.int64)

    return pa.table(
        {
            "casualty_id": format_ids("CS", np.arange(1, n + 1), id_width(n, 6)),
            "collision_id": format_ids("CL", collision + 1, id_width(m, 6)),
            "collision_date": pa.array(c_day[collision].astype(np.int32), pa.date32()),
            "severity": labels(SEVERITIES, severity),
            "road_user": labels(ROAD_USERS, road_user),
            "age": pa.array(age, pa.int64()),
            "drink_driver": pa.array(drink[collision]),
            "drug_driver": pa.array(drug[collision]),
            "district": labels(geo.DISTRICT_NAMES, c_district[collision]),
        }
    )


def ksi_days(table: pa.Table) -> np.ndarray:
    """Collision day numbers of the killed-or-seriously-injured casualties of a casualties table."""
    ksi = pc.is_in(table["severity"], value_set=pa.array(["fatal", "serious"]))
    dates = table["collision_date"].filter(ksi).cast(pa.int32())
    return dates.to_numpy().astype(np.int64)
