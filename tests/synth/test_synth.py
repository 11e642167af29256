"""Tests of crimeplan.synth: contract shape, determinism, and the realism of the computed figures."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq
import pytest

from crimeplan.synth import generate

# CONTRACT.md section 2, written out independently of the implementation.
CONTRACT = {
    "areas": ["district", "lpa", "force", "population", "valid_from"],
    "crimes": ["crime_id", "recorded_date", "offence_code", "offence_group", "district",
               "domestic_abuse", "hate", "rural", "night_time_economy", "business", "victim_id",
               "offender_id", "offender_age", "outcome_type", "outcome_date"],
    "incidents": ["incident_id", "opened_at", "category", "district", "grade", "urban",
                  "attended_at", "alcohol", "drugs", "mental_health", "victim_id"],
    "calls": ["call_id", "received_at", "channel", "answered_after_s", "abandoned"],
    "survey_responses": ["response_id", "survey", "interview_date", "question", "positive",
                         "district", "weight", "victim"],
    "casualties": ["casualty_id", "collision_id", "collision_date", "severity", "road_user", "age",
                   "drink_driver", "drug_driver", "district"],
    "workforce": ["person_id", "month_end", "staff_group", "fte", "contracted_hours",
                  "sickness_hours", "ethnic_minority", "sex"],
    "aggregates": ["measure_id", "area", "period_start", "period_end", "numerator", "denominator",
                   "value", "source", "note"],
    # `note`: the source's footnotes on a figure (optional; the invented peers have none)
    "peers": ["force", "measure_id", "period_end", "numerator", "denominator", "population", "value",
              "note"],
    "events": ["date", "scope", "kind", "description"],
}
ONS_GROUPS = {
    "Homicide", "Death or serious injury caused by unlawful driving", "Violence with injury",
    "Violence without injury", "Stalking and harassment", "Rape", "Other sexual offences",
    "Robbery of business property", "Robbery of personal property", "Residential burglary",
    "Non-residential burglary", "Vehicle offences", "Theft from the person", "Bicycle theft",
    "Shoplifting", "All other theft offences", "Criminal damage and arson", "Drug trafficking",
    "Possession of drugs", "Possession of weapons offences", "Public order offences",
    "Miscellaneous crimes against society",
}
SOLVED = "(1,2,3,4,6,7,8)"
FY = "DATE '2024-04-01' AND DATE '2025-03-31'"  # one full financial year of the full-scale run
FY_TS = "TIMESTAMP '2024-04-01' AND TIMESTAMP '2025-03-31 23:59:59'"


def _con(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in CONTRACT:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{folder / (t + '.parquet')}')")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchone()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, seed=7, to_month="2026-09", years=3, scale=0.05)
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("full")
    generate(out, seed=0, to_month="2026-09", years=9, scale=1.0)
    return _con(out)


# ---- shape and determinism -------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=11, to_month="2025-06", years=2, scale=0.02)
    b = generate(tmp_path / "b", seed=11, to_month="2025-06", years=2, scale=0.02)
    c = generate(tmp_path / "c", seed=12, to_month="2025-06", years=2, scale=0.02)
    assert list(a) == list(CONTRACT)
    for t in CONTRACT:
        assert a[t].read_bytes() == b[t].read_bytes(), t
    differs = [t for t in ("crimes", "incidents", "calls", "workforce", "peers")
               if a[t].read_bytes() != c[t].read_bytes()]
    assert differs == ["crimes", "incidents", "calls", "workforce", "peers"]


def test_columns_and_types_follow_contract(small: Path) -> None:
    for t, cols in CONTRACT.items():
        schema = pq.read_schema(small / f"{t}.parquet")
        assert schema.names == cols, t
        for f in schema:
            if f.name.endswith("_id") or f.name in ("district", "offence_code", "sex", "scope"):
                assert f.type == pa.string(), (t, f.name)
    crimes = pq.read_schema(small / "crimes.parquet")
    assert crimes.field("recorded_date").type == pa.date32()
    assert crimes.field("hate").type == pa.bool_()
    assert crimes.field("offender_age").type == pa.int64()
    # Parquet has no seconds unit: naive timestamps are stored as milliseconds holding whole seconds
    opened = pq.read_table(small / "incidents.parquet", columns=["opened_at"])["opened_at"]
    assert pa.types.is_timestamp(opened.type) and opened.type.tz is None
    assert pa.compute.all(pa.compute.equal(opened.cast(pa.timestamp("s")).cast(opened.type), opened)).as_py()
    # types come from the contract: answered_after_s is a number of seconds (float)
    assert pq.read_schema(small / "calls.parquet").field("answered_after_s").type == pa.float64()


def test_csv_format(tmp_path: Path) -> None:
    paths = generate(tmp_path, seed=3, to_month="2024-12", years=1, scale=0.02, fmt="csv")
    with paths["incidents"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CONTRACT["incidents"]
    ts = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
    assert all(ts.match(r[1]) for r in rows[1:])
    assert {r[5] for r in rows[1:]} == {"true", "false"}
    assert "" in {r[6] for r in rows[1:]} and any(ts.match(r[6]) for r in rows[1:])
    with paths["crimes"].open(encoding="utf-8", newline="") as fh:
        crimes = list(csv.DictReader(fh))
    assert all(re.match(r"^\d{4}-\d{2}-\d{2}$", r["recorded_date"]) for r in crimes)
    assert any(r["outcome_type"] == "" and r["outcome_date"] == "" for r in crimes)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        generate("/nonexistent/never", scale=0)
    with pytest.raises(ValueError):
        generate("/nonexistent/never", fmt="xlsx")
    with pytest.raises(ValueError):
        generate("/nonexistent/never", to_month="2026/09")


def test_ids_unique_and_history_window(small: Path) -> None:
    con = _con(small)
    for t, col in [("crimes", "crime_id"), ("incidents", "incident_id"), ("calls", "call_id"),
                   ("survey_responses", "response_id"), ("casualties", "casualty_id"),
                   ("areas", "district")]:
        n, distinct = _one(con, f"SELECT count(*), count(DISTINCT {col}) FROM {t}")
        assert n == distinct > 0, t
    n, distinct = _one(con, "SELECT count(*), count(DISTINCT (person_id, month_end)) FROM workforce")
    assert n == distinct
    extract, start = date(2026, 9, 30), date(2023, 4, 1)
    checks = [("crimes", "recorded_date"), ("crimes", "outcome_date"), ("incidents", "opened_at"),
              ("incidents", "attended_at"), ("calls", "received_at"),
              ("survey_responses", "interview_date"), ("casualties", "collision_date"),
              ("workforce", "month_end"), ("aggregates", "period_end"), ("peers", "period_end"),
              ("events", "date")]
    for t, col in checks:
        hi = _one(con, f"SELECT max({col})::DATE FROM {t}")[0]
        assert hi <= extract, (t, col)
    for t, col in checks[:8]:
        assert _one(con, f"SELECT min({col})::DATE FROM {t}")[0] >= start, (t, col)
    assert _one(con, "SELECT max(recorded_date) FROM crimes")[0] >= date(2026, 9, 25)


def test_outcomes_consistent(small: Path) -> None:
    con = _con(small)
    bad = _one(con, """SELECT count(*) FROM crimes WHERE outcome_date < recorded_date
                       OR (outcome_type IS NULL) <> (outcome_date IS NULL)
                       OR outcome_type NOT BETWEEN 1 AND 22""")[0]
    assert bad == 0
    assert _one(con, "SELECT count(*) FROM incidents WHERE attended_at < opened_at")[0] == 0
    assert _one(con, "SELECT count(*) FROM calls WHERE abandoned <> (answered_after_s IS NULL)")[0] == 0
    groups = {r[0] for r in con.execute("SELECT DISTINCT offence_group FROM crimes").fetchall()}
    assert groups <= ONS_GROUPS and len(groups) >= 18
    # victims only for victim-based, non-business crime
    assert _one(con, """SELECT count(*) FROM crimes WHERE victim_id IS NOT NULL AND (business OR
        offence_group IN ('Drug trafficking','Possession of drugs','Possession of weapons offences',
        'Public order offences','Miscellaneous crimes against society'))""")[0] == 0
    assert _one(con, """SELECT count(*) FROM crimes WHERE NOT business AND offence_group IN
        ('Shoplifting','Non-residential burglary','Robbery of business property')""")[0] == 0


def test_workforce_month_ends(small: Path) -> None:
    con = _con(small)
    assert _one(con, "SELECT count(*) FROM workforce WHERE month_end <> last_day(month_end)")[0] == 0
    months = _one(con, "SELECT count(DISTINCT month_end) FROM workforce")[0]
    assert months == 42  # Apr 2023 .. Sep 2026


# ---- full-scale realism ----------------------------------------------------------------------


def test_crime_volumes_and_flags(full: duckdb.DuckDBPyConnection) -> None:
    n, da, hate, rural, nte, business, with_off = _one(full, f"""SELECT count(*),
        avg(domestic_abuse::INT), avg(hate::INT), avg(rural::INT), avg(night_time_economy::INT),
        avg(business::INT), avg((offender_id IS NOT NULL)::INT) FROM crimes
        WHERE recorded_date BETWEEN {FY}""")
    assert 110_000 <= n <= 135_000
    assert 0.09 <= da <= 0.13 and 11_000 <= da * n <= 16_000
    assert 0.01 <= hate <= 0.03 and 0.12 <= rural <= 0.18
    assert 0.04 <= nte <= 0.07 and 0.06 <= business <= 0.10
    assert 0.35 <= with_off <= 0.45
    shares = dict(full.execute(f"""SELECT offence_group, count(*) / sum(count(*)) OVER ()
        FROM crimes WHERE recorded_date BETWEEN {FY} GROUP BY 1""").fetchall())
    violence = sum(shares[g] for g in ("Violence with injury", "Violence without injury",
                                       "Stalking and harassment", "Homicide"))
    assert 0.33 <= violence <= 0.42
    assert 0.08 <= shares["Criminal damage and arson"] <= 0.12
    assert 0.06 <= shares["Public order offences"] <= 0.10
    # NTE crime falls on Friday/Saturday/Sunday
    weekend = _one(full, "SELECT avg((dayofweek(recorded_date) IN (0,5,6))::INT) FROM crimes "
                         "WHERE night_time_economy")[0]
    assert weekend > 0.6


def test_crime_trend_season_and_stalking_step(full: duckdb.DuckDBPyConnection) -> None:
    by_fy = dict(full.execute("""SELECT CASE WHEN month(recorded_date) >= 4 THEN year(recorded_date)
        ELSE year(recorded_date) - 1 END, count(*) FROM crimes GROUP BY 1""").fetchall())
    growth = (by_fy[2025] / by_fy[2018]) ** (1 / 7) - 1
    assert 0.015 <= growth <= 0.035
    per_day = dict(full.execute("""SELECT month(recorded_date), count(*) / count(DISTINCT recorded_date)
        FROM crimes WHERE recorded_date < DATE '2026-04-01' GROUP BY 1""").fetchall())
    assert per_day[7] / per_day[2] > 1.12 and min(per_day, key=per_day.get) in (1, 2, 12)
    before, after = _one(full, """SELECT
        count(*) FILTER (WHERE recorded_date < DATE '2018-04-01') / 12,
        count(*) FILTER (WHERE recorded_date >= DATE '2018-04-01') / 12
        FROM crimes WHERE offence_group = 'Stalking and harassment'
        AND recorded_date BETWEEN DATE '2017-04-01' AND DATE '2019-03-31'""")
    assert after / before > 1.25
    ev = full.execute("SELECT date, scope, kind, description FROM events ORDER BY date").fetchall()
    assert (date(2018, 4, 1), "stalking_harassment;all_crime;victim_based_crime", "recording_change",
            "Changes to crime recording rules for stalking and harassment") in ev
    assert {e[2] for e in ev} == {"recording_change", "initiative", "note"}


def test_outcomes_solved_rates(full: duckdb.DuckDBPyConnection) -> None:
    solved, da_solved, late_open, old_open = _one(full, f"""SELECT
        avg((outcome_type IN {SOLVED})::INT) FILTER (WHERE recorded_date BETWEEN {FY}),
        avg((outcome_type IN {SOLVED})::INT) FILTER (WHERE recorded_date BETWEEN {FY} AND domestic_abuse),
        avg((outcome_type IS NULL)::INT) FILTER (WHERE recorded_date >= DATE '2026-08-01'),
        avg((outcome_type IS NULL)::INT) FILTER (WHERE recorded_date BETWEEN {FY})
        FROM crimes""")
    assert 0.19 <= solved <= 0.25
    assert 0.25 <= da_solved <= 0.30
    assert late_open > 0.4 > 0.05 > old_open
    charge = _one(full, f"SELECT mode(outcome_type) FROM crimes WHERE outcome_type IN {SOLVED}")[0]
    assert charge == 1


def test_repeat_victims_and_offenders(full: duckdb.DuckDBPyConnection) -> None:
    repeat_victims = _one(full, f"""SELECT count(*) FROM (SELECT victim_id FROM crimes
        WHERE victim_id IS NOT NULL AND recorded_date BETWEEN {FY} GROUP BY 1 HAVING count(*) >= 2)""")[0]
    assert 1_500 <= repeat_victims <= 3_000
    youth, lo, hi = _one(full, f"""SELECT avg((offender_age < 18)::INT), min(offender_age),
        max(offender_age) FROM crimes WHERE recorded_date BETWEEN {FY} AND offender_id IS NOT NULL""")
    assert 0.09 <= youth <= 0.15 and lo >= 10 and hi <= 80
    # an offender's age grows with time: implied birth dates agree to within a year
    spread = _one(full, """SELECT max(s) FROM (SELECT max(b) - min(b) AS s FROM (SELECT offender_id,
        (recorded_date - DATE '1900-01-01') / 365.25 - offender_age AS b FROM crimes
        WHERE offender_id IS NOT NULL) GROUP BY offender_id)""")[0]
    assert spread <= 1.01
    top_share = _one(full, """WITH c AS (SELECT offender_id, count(*) n FROM crimes
        WHERE offender_id IS NOT NULL GROUP BY 1), r AS (SELECT n, row_number() OVER (ORDER BY n DESC) k,
        count(*) OVER () m FROM c) SELECT sum(n) FILTER (WHERE k <= m / 10) / sum(n) FROM r""")[0]
    assert top_share > 0.3


def test_incidents(full: duckdb.DuckDBPyConnection) -> None:
    cats = dict(full.execute(
        f"SELECT category, count(*) FROM incidents WHERE opened_at BETWEEN {FY_TS} GROUP BY 1").fetchall())
    assert 40_000 <= cats["asb"] <= 55_000 and 25_000 <= cats["domestic"] <= 35_000
    assert 130_000 <= sum(v for k, v in cats.items() if k not in ("asb", "domestic")) <= 180_000
    asb = dict(full.execute("""SELECT CASE WHEN month(opened_at) >= 4 THEN year(opened_at)
        ELSE year(opened_at) - 1 END, count(*) FROM incidents WHERE category = 'asb' GROUP BY 1""").fetchall())
    assert -0.045 <= (asb[2025] / asb[2017]) ** (1 / 8) - 1 <= -0.015
    g1, urban, u15, r20, g2 = _one(full, f"""SELECT avg((grade = 1)::INT), avg(urban::INT),
        avg((attended_at - opened_at <= INTERVAL 15 MINUTE)::INT) FILTER (WHERE grade = 1 AND urban),
        avg((attended_at - opened_at <= INTERVAL 20 MINUTE)::INT) FILTER (WHERE grade = 1 AND NOT urban),
        avg((attended_at IS NOT NULL)::INT) FILTER (WHERE grade = 2)
        FROM incidents WHERE opened_at BETWEEN {FY_TS}""")
    assert 0.10 <= g1 <= 0.15 and 0.65 <= urban <= 0.75
    assert 0.75 <= u15 <= 0.82 and 0.75 <= r20 <= 0.82 and g2 > 0.75
    assert _one(full, "SELECT count(*) FROM incidents WHERE grade = 1 AND attended_at IS NULL "
                      "AND opened_at < TIMESTAMP '2026-09-30'")[0] == 0
    night, day = _one(full, """SELECT count(*) FILTER (WHERE hour(opened_at) BETWEEN 18 AND 21),
        count(*) FILTER (WHERE hour(opened_at) BETWEEN 3 AND 6) FROM incidents""")
    assert night > 2 * day
    repeat = _one(full, """WITH d AS (SELECT victim_id, opened_at FROM incidents WHERE category = 'domestic'),
        x AS (SELECT a.opened_at, EXISTS (SELECT 1 FROM d b WHERE b.victim_id = a.victim_id
            AND b.opened_at < a.opened_at AND b.opened_at >= a.opened_at - INTERVAL 365 DAY) AS rep
            FROM d a WHERE a.opened_at >= TIMESTAMP '2024-04-01')
        SELECT avg(rep::INT) FROM x""")[0]
    assert 0.25 <= repeat <= 0.35


def test_calls(full: duckdb.DuckDBPyConnection) -> None:
    rows = {r[0]: r[1:] for r in full.execute(f"""SELECT channel, count(*), avg(abandoned::INT),
        avg((answered_after_s <= 10)::INT), avg(answered_after_s) FROM calls
        WHERE received_at BETWEEN {FY_TS} GROUP BY 1""").fetchall()}
    n999, ab999, within10, _ = rows["999"]
    n101, ab101, _, mean101 = rows["101"]
    assert 230_000 <= n999 <= 300_000 and 150_000 <= n101 <= 250_000
    assert 0.01 <= ab999 <= 0.02 and 0.85 <= within10 <= 0.92
    assert 0.05 <= ab101 <= 0.10 and 8 <= mean101 <= 60
    assert {"online", "live_chat"} <= set(rows)


def test_surveys_casualties_workforce(full: duckdb.DuckDBPyConnection) -> None:
    rates = dict(full.execute(f"""SELECT question, avg(positive::INT) FROM survey_responses
        WHERE interview_date BETWEEN {FY} GROUP BY 1""").fetchall())
    for q, p in {"contact": 0.92, "action": 0.75, "kept_informed": 0.68, "treatment": 0.90,
                 "overall": 0.77, "confidence": 0.58}.items():
        assert p - 0.06 <= rates[q] <= p + 0.02, q
    interviews = _one(full, f"""SELECT count(*) FROM survey_responses WHERE question = 'overall'
        AND interview_date BETWEEN {FY}""")[0]
    assert 4_500 <= interviews <= 5_500
    fatal, ksi, slight, child = _one(full, f"""SELECT count(*) FILTER (WHERE severity = 'fatal'),
        count(*) FILTER (WHERE severity <> 'slight'), count(*) FILTER (WHERE severity = 'slight'),
        avg((age < 18)::INT) FROM casualties WHERE collision_date BETWEEN {FY}""")
    assert 35 <= fatal <= 70 and 700 <= ksi <= 900 and 4_000 <= slight <= 5_000 and 0.06 <= child <= 0.10
    sizes = _one(full, "SELECT max(n) FROM (SELECT count(*) n FROM casualties GROUP BY collision_id)")[0]
    assert sizes == 3
    heads = dict(full.execute("""SELECT staff_group, count(*) FROM workforce
        WHERE month_end = DATE '2025-03-31' GROUP BY 1""").fetchall())
    assert 5_000 <= sum(heads.values()) <= 6_000 and 2_900 <= heads["officer"] <= 3_500
    assert 1_800 <= heads["staff"] <= 2_200 and 250 <= heads["special"] <= 350
    days = dict(full.execute(f"""SELECT staff_group, sum(sickness_hours) / 8 / (count(*) / 12)
        FROM workforce WHERE month_end BETWEEN {FY} GROUP BY 1""").fetchall())
    assert 9 <= days["officer"] <= 13 and 8 <= days["staff"] <= 10 and 15 <= days["pcso"] <= 20
    minority = _one(full, "SELECT avg(ethnic_minority::INT) FROM workforce WHERE month_end = DATE '2025-03-31'")[0]
    assert 0.04 <= minority <= 0.07
    leavers = _one(full, """SELECT count(*) FROM (SELECT person_id FROM workforce GROUP BY 1
        HAVING max(month_end) BETWEEN DATE '2024-03-31' AND DATE '2025-02-28')""")[0]
    assert 0.06 <= leavers / sum(heads.values()) <= 0.11


def test_aggregates(full: duckdb.DuckDBPyConnection) -> None:
    rows = {r[0]: r[1:] for r in full.execute("""SELECT measure_id, count(*), avg(denominator),
        min(value), max(value), count(DISTINCT area) FROM aggregates GROUP BY 1""").fetchall()}
    assert set(rows) == {"csew_confidence", "drug_test_positive", "class_a_supply_prosecutions", "savings_gbp_m"}
    n, den, lo, hi, areas = rows["csew_confidence"]
    assert n >= 28 and 650 <= den <= 750 and 0 <= lo <= hi <= 100 and areas == 1
    assert rows["drug_test_positive"][0] == 114
    months = _one(full, """SELECT max(date_diff('month', period_start, period_end)) FROM aggregates
        WHERE measure_id = 'csew_confidence'""")[0]
    assert months == 11
    assert _one(full, "SELECT count(*) FROM aggregates WHERE measure_id = 'class_a_supply_prosecutions' "
                      "AND numerator <> value")[0] == 0


def test_peers_home_rows_match_record_level(full: duckdb.DuckDBPyConnection) -> None:
    home = {(r[0], r[1]): r[2:] for r in full.execute("""SELECT measure_id, period_end, numerator,
        denominator, value FROM peers WHERE force = 'Shire Constabulary'""").fetchall()}
    end = date(2025, 3, 31)
    crimes, vwi, burg, solved = _one(full, f"""SELECT count(*),
        count(*) FILTER (WHERE offence_group = 'Violence with injury'),
        count(*) FILTER (WHERE offence_group = 'Residential burglary'),
        count(*) FILTER (WHERE outcome_type IN {SOLVED} AND outcome_date <= DATE '2025-03-31')
        FROM crimes WHERE recorded_date BETWEEN {FY}""")  # solved as published at the period's end
    asb = _one(full, f"SELECT count(*) FROM incidents WHERE category = 'asb' AND opened_at BETWEEN {FY_TS}")[0]
    ksi = _one(full, f"SELECT count(*) FROM casualties WHERE severity <> 'slight' AND collision_date BETWEEN {FY}")[0]
    pop = _one(full, "SELECT sum(population) FROM areas")[0]
    for m, num in [("all_crime", crimes), ("violence_with_injury", vwi), ("residential_burglary", burg),
                   ("asb_incidents", asb), ("ksi_all", ksi)]:
        assert home[(m, end)][0] == num, m
        assert home[(m, end)][1] == pop and home[(m, end)][2] == pytest.approx(1000 * num / pop)
    assert home[("solved_rate", end)][:2] == (solved, crimes)
    ratios = full.execute("""SELECT p.measure_id, p.value / h.value, p.population FROM peers p
        JOIN peers h ON h.force = 'Shire Constabulary' AND h.measure_id = p.measure_id
        AND h.period_end = p.period_end WHERE p.force <> 'Shire Constabulary'""").fetchall()
    assert len({r[0] for r in ratios}) == 7
    assert all(0.69 <= r[1] <= 1.31 for r in ratios)
    assert all(1_000_000 <= r[2] <= 2_000_000 for r in ratios)
    assert _one(full, "SELECT count(DISTINCT force) FROM peers")[0] == 8
    ends = {r[0] for r in full.execute("SELECT DISTINCT period_end FROM peers").fetchall()}
    assert min(ends) == date(2018, 3, 31) and max(ends) == date(2026, 9, 30) and len(ends) == 35


def test_demo_force_has_a_small_count_the_public_edition_withholds(full: duckdb.DuckDBPyConnection) -> None:
    """The demo's public quarterly must show a withheld figure: children killed on the roads in the
    12 months to September 2026 number 1-4, below the shipped plan's disclosure threshold of 5."""
    children_killed = _one(full, """SELECT count(*) FROM casualties WHERE severity = 'fatal' AND age <= 17
        AND collision_date BETWEEN DATE '2025-10-01' AND DATE '2026-09-30'""")[0]
    assert 1 <= children_killed <= 4
