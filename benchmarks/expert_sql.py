"""Hand-written expert DuckDB SQL for the shipped monthly plan's window figures.

What an analyst fluent in SQL would write instead of the engine: one statement per source
table, reading the table once for the 24 months the windows need (a CTE materialised once),
every measure a FILTERed aggregate, force / LPA / district in one GROUPING SETS.  The
benchmark (engine_vs_expert.py) checks these figures against the engine's export before it
times anything.

Written by hand from CONTRACT.md §4 and plans/monthly-performance.yaml, not generated from
the engine, so agreement is a check of both.  Covered: every count, proportion, share, mean,
distinct count and repeat-id measure of the record tables.  Left to the engine alone (named
in NOT_COVERED): the crime severity score (a weights join), re-offending (a follow-up window),
per-head workforce figures and the pre-counted aggregates table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

NOT_COVERED = ("crime_severity_score", "youth_reoffending_rate", "adult_reoffending_rate",
               "sickness_days_officers", "sickness_days_staff", "sickness_days_pcso",
               "drug_test_positive", "class_a_supply_prosecutions", "csew_confidence",
               "savings_gbp_m", "residential_burglary", "violence_with_injury")

# Each statement takes $cur_start, $cur_end (last day), $prev_start, $prev_end, $lfl_cutoff
# (last year's like-for-like outcome cut-off), $m_cur / $m_prev (the lagged single months,
# first days) and reads {table} (the physical table) and {areas}.  Output: one row per area
# with a column per measure × window × part; `lvl` is 0 force, 1 LPA, 2 district (area '' for
# the force, so the force rows of two aggregates join; a row with no district or LPA is dropped).
_LEVELS = """
  CASE WHEN GROUPING(lpa) = 0 THEN 1 WHEN GROUPING(district) = 0 THEN 2 ELSE 0 END AS lvl,
  coalesce(lpa, district, '') AS area"""
_SETS = "GROUP BY GROUPING SETS ((), (lpa), (district))"

CRIMES = f"""
WITH b AS MATERIALIZED (
  SELECT c.district, a.lpa, date_trunc('month', c.recorded_date) AS mo,
         c.domestic_abuse AS da, c.night_time_economy AS nte,
         coalesce(c.offence_group NOT IN ('Drug trafficking', 'Possession of drugs', 'Drug offences',
           'Possession of weapons offences', 'Public order offences',
           'Miscellaneous crimes against society'), true) AS vb,
         c.offence_group = 'Stalking and harassment' AS sh,
         coalesce(c.outcome_type IN (1, 2, 3, 4, 6, 7, 8), false) AS solved,
         CAST(c.outcome_date AS DATE) AS od, c.victim_id, c.offender_id, c.offender_age,
         c.recorded_date BETWEEN $cur_start AND $cur_end AS cur,
         c.recorded_date BETWEEN $prev_start AND $prev_end AS prev
  FROM {{table}} c LEFT JOIN {{areas}} a USING (district)
  WHERE c.recorded_date BETWEEN $prev_start AND $cur_end),
agg AS (
  SELECT {_LEVELS},
    count(*) FILTER (WHERE cur) AS all_crime__c, count(*) FILTER (WHERE prev) AS all_crime__p,
    count(*) FILTER (WHERE cur AND da) AS da_offences__c, count(*) FILTER (WHERE prev AND da) AS da_offences__p,
    count(*) FILTER (WHERE cur AND nte) AS nte_crimes__c, count(*) FILTER (WHERE prev AND nte) AS nte_crimes__p,
    count(*) FILTER (WHERE cur AND vb) AS victim_based_crime__c,
    count(*) FILTER (WHERE prev AND vb) AS victim_based_crime__p,
    count(*) FILTER (WHERE cur AND sh) AS stalking_harassment__c,
    count(*) FILTER (WHERE prev AND sh) AS stalking_harassment__p,
    count(*) FILTER (WHERE cur AND solved) AS solved_rate__c, count(*) FILTER (WHERE cur) AS solved_rate__cd,
    count(*) FILTER (WHERE prev AND solved AND od <= $lfl_cutoff) AS solved_rate__p,
    count(*) FILTER (WHERE prev) AS solved_rate__pd,
    count(*) FILTER (WHERE cur AND da AND solved) AS da_solved_rate__c,
    count(*) FILTER (WHERE cur AND da) AS da_solved_rate__cd,
    count(*) FILTER (WHERE prev AND da AND solved AND od <= $lfl_cutoff) AS da_solved_rate__p,
    count(*) FILTER (WHERE prev AND da) AS da_solved_rate__pd,
    count(DISTINCT offender_id) FILTER (WHERE mo = $m_cur AND offender_age < 18) AS youth_offenders__c,
    count(DISTINCT offender_id) FILTER (WHERE mo = $m_prev AND offender_age < 18) AS youth_offenders__p,
    count(DISTINCT offender_id) FILTER (WHERE mo = $m_cur AND offender_age >= 18) AS adult_offenders__c,
    count(DISTINCT offender_id) FILTER (WHERE mo = $m_prev AND offender_age >= 18) AS adult_offenders__p
  FROM b {_SETS}),
victims AS (  -- a repeat victim: two or more crimes in the window, within the area
  SELECT {_LEVELS}, count(*) FILTER (WHERE cur) AS nc, count(*) FILTER (WHERE prev) AS np
  FROM b WHERE victim_id IS NOT NULL GROUP BY GROUPING SETS ((victim_id), (lpa, victim_id), (district, victim_id))),
rep AS (
  SELECT lvl, area, count(*) FILTER (WHERE nc >= 2) AS repeat_victims_crime__c,
         count(*) FILTER (WHERE np >= 2) AS repeat_victims_crime__p
  FROM victims GROUP BY ALL)
SELECT * FROM agg FULL JOIN rep USING (lvl, area) WHERE area <> '' OR lvl = 0
"""

INCIDENTS = f"""
WITH b AS MATERIALIZED (
  SELECT i.district, a.lpa, i.category, i.grade, i.mental_health AS mh, i.victim_id,
         coalesce((epoch(i.attended_at) - epoch(i.opened_at)) / 60.0
                  <= CASE WHEN i.urban THEN 15 ELSE 20 END, false) AS in_time,
         CAST(i.opened_at AS DATE) BETWEEN $cur_start AND $cur_end AS cur,
         CAST(i.opened_at AS DATE) BETWEEN $prev_start AND $prev_end AS prev
  FROM {{table}} i LEFT JOIN {{areas}} a USING (district)
  WHERE CAST(i.opened_at AS DATE) BETWEEN $prev_start AND $cur_end),
agg AS (
  SELECT {_LEVELS},
    count(*) FILTER (WHERE cur AND category = 'domestic') AS da_incidents__c,
    count(*) FILTER (WHERE prev AND category = 'domestic') AS da_incidents__p,
    count(*) FILTER (WHERE cur AND category = 'asb') AS asb_incidents__c,
    count(*) FILTER (WHERE prev AND category = 'asb') AS asb_incidents__p,
    count(*) FILTER (WHERE cur AND mh) AS mental_health_incidents__c,
    count(*) FILTER (WHERE prev AND mh) AS mental_health_incidents__p,
    count(*) FILTER (WHERE cur AND grade = 1 AND in_time) AS emergency_response_within_standard__c,
    count(*) FILTER (WHERE cur AND grade = 1) AS emergency_response_within_standard__cd,
    count(*) FILTER (WHERE prev AND grade = 1 AND in_time) AS emergency_response_within_standard__p,
    count(*) FILTER (WHERE prev AND grade = 1) AS emergency_response_within_standard__pd
  FROM b {_SETS}),
victims AS (
  SELECT {_LEVELS}, count(*) FILTER (WHERE cur) AS nc, count(*) FILTER (WHERE prev) AS np
  FROM b WHERE victim_id IS NOT NULL AND category = 'domestic'
  GROUP BY GROUPING SETS ((victim_id), (lpa, victim_id), (district, victim_id))),
rep AS (
  SELECT lvl, area, count(*) FILTER (WHERE nc >= 2) AS da_repeat_victims_incidents__c,
         count(*) FILTER (WHERE np >= 2) AS da_repeat_victims_incidents__p
  FROM victims GROUP BY ALL)
SELECT * FROM agg FULL JOIN rep USING (lvl, area) WHERE area <> '' OR lvl = 0
"""

CALLS = """
SELECT 0 AS lvl, NULL AS area,
  count(*) FILTER (WHERE cur AND channel = '999' AND coalesce(NOT abandoned AND answered_after_s <= 10, false))
    AS emergency_calls_within_10s__c,
  count(*) FILTER (WHERE cur AND channel = '999') AS emergency_calls_within_10s__cd,
  count(*) FILTER (WHERE prev AND channel = '999' AND coalesce(NOT abandoned AND answered_after_s <= 10, false))
    AS emergency_calls_within_10s__p,
  count(*) FILTER (WHERE prev AND channel = '999') AS emergency_calls_within_10s__pd,
  sum(answered_after_s) FILTER (WHERE cur AND w101) AS switchboard_wait_s__c,
  count(answered_after_s) FILTER (WHERE cur AND w101) AS switchboard_wait_s__cd,
  sum(answered_after_s) FILTER (WHERE prev AND w101) AS switchboard_wait_s__p,
  count(answered_after_s) FILTER (WHERE prev AND w101) AS switchboard_wait_s__pd
FROM (SELECT *, coalesce(channel = '101' AND NOT abandoned, false) AS w101,
             CAST(received_at AS DATE) BETWEEN $cur_start AND $cur_end AS cur,
             CAST(received_at AS DATE) BETWEEN $prev_start AND $prev_end AS prev
      FROM {table} WHERE CAST(received_at AS DATE) BETWEEN $prev_start AND $cur_end)
"""

_KSI = "severity IN ('fatal', 'serious')"
_CASUALTY_COUNTS = {
    "ksi_all": _KSI, "ksi_fatal": "severity = 'fatal'", "ksi_serious": "severity = 'serious'",
    "ksi_motorcyclists": f"{_KSI} AND road_user = 'motorcyclist'",
    "ksi_pedestrians": f"{_KSI} AND road_user = 'pedestrian'",
    "ksi_cyclists": f"{_KSI} AND road_user = 'cyclist'",
    "ksi_children": f"{_KSI} AND age <= 17",
    "ksi_drink_drivers": f"{_KSI} AND drink_driver", "ksi_drug_drivers": f"{_KSI} AND drug_driver",
}
CASUALTIES = f"""
SELECT {_LEVELS},
  {", ".join(f"count(*) FILTER (WHERE cur AND {cond}) AS {mid}__c, count(*) FILTER (WHERE prev AND {cond}) AS {mid}__p"
             for mid, cond in _CASUALTY_COUNTS.items())},
  count(DISTINCT collision_id) FILTER (WHERE cur AND {_KSI}) AS ksi_collisions__c,
  count(DISTINCT collision_id) FILTER (WHERE prev AND {_KSI}) AS ksi_collisions__p
FROM (SELECT c.*, a.lpa, c.collision_date BETWEEN $cur_start AND $cur_end AS cur,
             c.collision_date BETWEEN $prev_start AND $prev_end AS prev
      FROM {{table}} c LEFT JOIN {{areas}} a USING (district)
      WHERE c.collision_date BETWEEN $prev_start AND $cur_end)
{_SETS} HAVING lvl = 0 OR area <> ''
"""

_QUESTIONS = ("contact", "action", "kept_informed", "treatment", "overall")
SURVEYS = f"""
SELECT {_LEVELS},
  {", ".join(f"count(*) FILTER (WHERE cur AND question = '{q}' AND positive) AS sat_{q}__c, "
             f"count(*) FILTER (WHERE cur AND question = '{q}') AS sat_{q}__cd, "
             f"count(*) FILTER (WHERE prev AND question = '{q}' AND positive) AS sat_{q}__p, "
             f"count(*) FILTER (WHERE prev AND question = '{q}') AS sat_{q}__pd" for q in _QUESTIONS)}
FROM (SELECT s.*, a.lpa, s.interview_date BETWEEN $cur_start AND $cur_end AS cur,
             s.interview_date BETWEEN $prev_start AND $prev_end AS prev
      FROM {{table}} s LEFT JOIN {{areas}} a USING (district)
      WHERE s.interview_date BETWEEN $prev_start AND $cur_end AND s.survey = 'victim_satisfaction')
{_SETS} HAVING lvl = 0 OR area <> ''
"""

STATEMENTS = {"crimes": CRIMES, "incidents": INCIDENTS, "calls": CALLS, "casualties": CASUALTIES,
              "survey_responses": SURVEYS}


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def parameters(to: dt.date, extract: dt.date) -> dict[str, dt.date]:
    """The windows of a report to month `to` (CONTRACT.md §4): 12 months, lagged month, cut-off."""
    first = to.replace(day=1)
    cur_end = _add_months(first, 1) - dt.timedelta(days=1)
    prev_end = _add_months(first, -11) - dt.timedelta(days=1)
    as_at = min(extract, cur_end)
    return {"cur_start": _add_months(first, -11), "cur_end": cur_end,
            "prev_start": _add_months(first, -23), "prev_end": prev_end,
            "lfl_cutoff": prev_end + (as_at - cur_end),
            "m_cur": _add_months(first, -6), "m_prev": _add_months(first, -18)}


def run(con: Any, physical: dict[str, str], to: dt.date, extract: dt.date) -> dict[tuple[str, str, str], tuple]:
    """Every covered figure: (measure, level, area) → (current num, current den, previous num, previous den)."""
    params = parameters(to, extract)
    force = con.execute(f'SELECT any_value(force) FROM "{physical["areas"]}"').fetchone()[0]
    out: dict[tuple[str, str, str], tuple] = {}
    for source, sql in STATEMENTS.items():
        text = sql.format(table=f'"{physical[source]}"', areas=f'"{physical["areas"]}"')
        names = [k for k in params if f"${k}" in text]
        cur = con.execute(text, {k: params[k] for k in names})
        cols = [d[0] for d in cur.description]
        for row in cur.fetchall():
            rec = dict(zip(cols, row))
            level = ("force", "lpa", "district")[rec["lvl"]]
            area = force if level == "force" else rec["area"]
            for col in cols:
                if col.endswith("__c"):
                    mid = col[:-3]
                    out[(mid, level, area)] = (rec[col], rec.get(f"{mid}__cd"), rec[f"{mid}__p"],
                                               rec.get(f"{mid}__pd"))
    return out
