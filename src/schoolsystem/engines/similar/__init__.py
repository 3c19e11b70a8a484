"""'Similar schools' (seed 000, School Report Card): nearest neighbours on size, FSM %, SEN % and EAL %
among schools of the same phase. Pure numpy/pandas.

Each feature is standardised (z-score) over the pool so no unit dominates; a missing value counts as the pool
mean (distance 0 on that feature); the distance is Euclidean, weighted by `WEIGHTS`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

FEATURES = ("size", "fsm", "sen", "eal")
WEIGHTS: Mapping[str, float] = {"size": 1.0, "fsm": 1.5, "sen": 1.0, "eal": 1.0}


def standardise(pool: pd.DataFrame, features=FEATURES) -> np.ndarray:
    x = pool[list(features)].to_numpy(dtype=float)
    present = ~np.isnan(x)
    counts = present.sum(axis=0)
    filled = np.where(present, x, 0.0)
    mean = np.divide(filled.sum(axis=0), counts, out=np.zeros(x.shape[1]), where=counts > 0)
    var = np.divide(
        (np.where(present, x - mean, 0.0) ** 2).sum(axis=0), counts, out=np.ones(x.shape[1]), where=counts > 0
    )
    std = np.sqrt(var)
    std = np.where((std == 0) | np.isnan(std), 1.0, std)
    z = (x - mean) / std
    return np.nan_to_num(z, nan=0.0)


def nearest(
    pool: pd.DataFrame, urn: int, k: int = 10, weights: Mapping[str, float] = WEIGHTS
) -> pd.DataFrame:
    """The k schools in `pool` (columns urn, phase, size, fsm, sen, eal) nearest to `urn`, same phase only,
    excluding the school itself. Returns rows of the pool with a `distance` column, nearest first."""
    if urn not in set(pool["urn"]):
        return pool.iloc[0:0].assign(distance=[])
    phase = pool.loc[pool["urn"] == urn, "phase"].iloc[0]
    same = pool[pool["phase"] == phase].reset_index(drop=True)
    z = standardise(same)
    w = np.array([weights[f] for f in FEATURES])
    me = z[np.flatnonzero(same["urn"].to_numpy() == urn)[0]]
    dist = np.sqrt((((z - me) ** 2) * w).sum(axis=1))
    same = same.assign(distance=dist)
    same = same[same["urn"] != urn]
    return same.sort_values(["distance", "urn"]).head(k).reset_index(drop=True)
