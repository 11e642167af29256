"""The synthetic county force ("Shire Constabulary"): every canonical table, reproducible by seed.

    from crimeplan.synth import generate
    paths = generate("out/", seed=0, to_month="2026-09", years=9, scale=1.0)

Public modules: one per table or part of one, each usable alone (the tests build single tables):
`calls`, `casualties`, `context`, `crimes`, `frame`, `geography`, `ids`, `incidents`, `offences`,
`national` (the 43-force dataset), `outcomes`, `peers`, `people`, `schema`, `surveys`, `volumes`,
`workforce`, `writer`.
"""

from __future__ import annotations

from pathlib import Path

from .calls import call_chunks
from .casualties import casualties_table, ksi_days
from .context import aggregates_table, events_table, financial_year_bounds
from .crimes import crime_chunks, simulate_crimes
from .frame import Frame, make_frame
from .geography import FORCE_NAME, areas_table
from .incidents import CATEGORIES, incident_chunks, simulate_skeleton
from .peers import home_monthly, peers_table
from .schema import SCHEMAS, TABLES
from .surveys import surveys_table
from .workforce import workforce_table
from .writer import FORMATS, write_table

__all__ = ["FORCE_NAME", "SCHEMAS", "TABLES", "generate", "make_frame"]

# Where the context events fall, as a fraction of the way through the history.
NTE_INITIATIVE_AT, CAD_NOTE_AT, LIVE_CHAT_AT = 0.6, 0.45, 0.35


def check_options(scale: float, fmt: str) -> None:
    """Refuse a scale that is not positive or a format the writer does not know."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")


def generate(
    out_dir: str | Path,
    seed: int = 0,
    to_month: str = "2026-09",
    years: int = 9,
    scale: float = 1.0,
    fmt: str = "parquet",
) -> dict[str, Path]:
    """Write every canonical table of the synthetic force into out_dir; return table -> path."""
    check_options(scale, fmt)
    frame: Frame = make_frame(to_month, years)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nte_day = frame.fraction_date(NTE_INITIATIVE_AT)
    cad_day = frame.fraction_date(CAD_NOTE_AT)
    fy = financial_year_bounds(frame)
    paths: dict[str, Path] = {}
    paths["areas"] = write_table(out, "areas", [areas_table(frame)], fmt)

    crimes = simulate_crimes(frame, seed, scale, nte_day)
    paths["crimes"] = write_table(out, "crimes", crime_chunks(crimes, frame, fy), fmt)

    skeleton = simulate_skeleton(frame, seed, scale)
    asb_day = skeleton.day[skeleton.category == CATEGORIES.index("asb")]
    paths["incidents"] = write_table(out, "incidents", incident_chunks(skeleton, frame, seed, fy), fmt)
    del skeleton

    live_chat = frame.fraction_date(LIVE_CHAT_AT)
    paths["calls"] = write_table(out, "calls", call_chunks(frame, seed, scale, live_chat, fy), fmt)
    paths["survey_responses"] = write_table(out, "survey_responses", [surveys_table(frame, seed, scale)], fmt)

    casualties = casualties_table(frame, seed, scale)
    ksi_day = ksi_days(casualties)
    paths["casualties"] = write_table(out, "casualties", [casualties], fmt)

    paths["workforce"] = write_table(out, "workforce", [workforce_table(frame, seed, scale)], fmt)
    paths["aggregates"] = write_table(out, "aggregates", [aggregates_table(frame, seed)], fmt)
    monthly = home_monthly(frame, crimes, asb_day, ksi_day)
    del crimes
    paths["peers"] = write_table(out, "peers", [peers_table(frame, seed, monthly)], fmt)
    paths["events"] = write_table(out, "events", [events_table(frame, nte_day, cad_day)], fmt)
    return {t: paths[t] for t in TABLES}
