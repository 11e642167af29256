"""Survey responses: the victim satisfaction survey (five questions) and a public confidence survey."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import geography as geo
from .frame import Frame, calendar, rng_for
from .ids import format_ids, id_width, labels
from .volumes import SEASON_FLAT, WEEKDAY_OFFICE, daily_rate, draw_days

VICTIM_QUESTIONS = ("contact", "action", "kept_informed", "treatment", "overall")
VICTIM_POSITIVE = np.array([0.92, 0.75, 0.68, 0.90, 0.77])  # at the start of history
VICTIM_DRIFT = -0.005  # per year, every question
VICTIM_INTERVIEWS = 5_000
CONFIDENCE_POSITIVE, CONFIDENCE_DRIFT, CONFIDENCE_INTERVIEWS = 0.58, -0.003, 3_000
LATENT_LOADING = 0.6  # answers of one interview are correlated through a shared satisfaction level
QUESTIONS = (*VICTIM_QUESTIONS, "confidence")
SURVEYS = ("victim_satisfaction", "public_confidence")


def _normal_quantile(p: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of p in (0, 1), interpolated on a fine grid."""
    grid = np.linspace(0.005, 0.995, 1981)
    values = np.array([NormalDist().inv_cdf(float(x)) for x in grid])
    return np.interp(p, grid, values)


def surveys_table(frame: Frame, seed: int, scale: float) -> pa.Table:
    """The survey_responses table: one row per interview x question."""
    rng = rng_for(seed, "surveys")
    cal = calendar(frame)
    lam = np.column_stack(
        [
            daily_rate(cal, VICTIM_INTERVIEWS * scale, 0.0, SEASON_FLAT, WEEKDAY_OFFICE),
            daily_rate(cal, CONFIDENCE_INTERVIEWS * scale, 0.0, SEASON_FLAT, WEEKDAY_OFFICE),
        ]
    )
    day, survey = draw_days(rng, lam, frame.start_day)
    n = len(day)
    district = rng.choice(len(geo.DISTRICTS), size=n, p=geo.population_weights())
    years = frame.years_since_start(day)

    # victim interviews answer all five questions; confidence interviews answer one
    is_victim = survey == 0
    n_q = np.where(is_victim, len(VICTIM_QUESTIONS), 1)
    row_interview = np.repeat(np.arange(n), n_q)
    q_offset = np.arange(row_interview.size) - np.repeat(np.cumsum(n_q) - n_q, n_q)
    question = np.where(is_victim[row_interview], q_offset, len(VICTIM_QUESTIONS))
    p = np.concatenate([VICTIM_POSITIVE, [CONFIDENCE_POSITIVE]])[question]
    drift = np.where(question < len(VICTIM_QUESTIONS), VICTIM_DRIFT, CONFIDENCE_DRIFT)
    p = np.clip(p + drift * years[row_interview], 0.01, 0.99)
    latent = rng.standard_normal(n)[row_interview]
    noise = rng.standard_normal(row_interview.size)
    score = LATENT_LOADING * latent + np.sqrt(1 - LATENT_LOADING**2) * noise
    positive = score < _normal_quantile(p)

    width = id_width(n, 6)
    base_ids = format_ids("R", row_interview + 1, width)
    response_id = pc.binary_join_element_wise(base_ids, labels(QUESTIONS, question), "-")
    return pa.table(
        {
            "response_id": response_id,
            "survey": labels(SURVEYS, survey[row_interview]),
            "interview_date": pa.array(day[row_interview].astype(np.int32), pa.date32()),
            "question": labels(QUESTIONS, question),
            "positive": pa.array(positive),
            "district": labels(geo.DISTRICT_NAMES, district[row_interview]),
            "weight": pa.array(np.ones(row_interview.size), pa.float64()),
            "victim": pa.array(is_victim[row_interview]),
        }
    )
