"""Arrow schemas of the canonical tables (CONTRACT.md section 2), columns in contract order."""

from __future__ import annotations

import pyarrow as pa

_S, _D, _TS, _B, _I, _F = pa.string(), pa.date32(), pa.timestamp("s"), pa.bool_(), pa.int64(), pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "areas": pa.schema(
        [("district", _S), ("lpa", _S), ("force", _S), ("population", _I), ("valid_from", _D)]
    ),
    "crimes": pa.schema(
        [
            ("crime_id", _S), ("recorded_date", _D), ("offence_code", _S), ("offence_group", _S),
            ("district", _S), ("domestic_abuse", _B), ("hate", _B), ("rural", _B),
            ("night_time_economy", _B), ("business", _B), ("victim_id", _S), ("offender_id", _S),
            ("offender_age", _I), ("outcome_type", _I), ("outcome_date", _D),
        ]
    ),
    "incidents": pa.schema(
        [
            ("incident_id", _S), ("opened_at", _TS), ("category", _S), ("district", _S),
            ("grade", _I), ("urban", _B), ("attended_at", _TS), ("alcohol", _B), ("drugs", _B),
            ("mental_health", _B), ("victim_id", _S),
        ]
    ),
    "calls": pa.schema(
        [("call_id", _S), ("received_at", _TS), ("channel", _S), ("answered_after_s", _I), ("abandoned", _B)]
    ),
    "survey_responses": pa.schema(
        [
            ("response_id", _S), ("survey", _S), ("interview_date", _D), ("question", _S),
            ("positive", _B), ("district", _S), ("weight", _F), ("victim", _B),
        ]
    ),
    "casualties": pa.schema(
        [
            ("casualty_id", _S), ("collision_id", _S), ("collision_date", _D), ("severity", _S),
            ("road_user", _S), ("age", _I), ("drink_driver", _B), ("drug_driver", _B), ("district", _S),
        ]
    ),
    "workforce": pa.schema(
        [
            ("person_id", _S), ("month_end", _D), ("staff_group", _S), ("fte", _F),
            ("contracted_hours", _F), ("sickness_hours", _F), ("ethnic_minority", _B), ("sex", _S),
        ]
    ),
    "aggregates": pa.schema(
        [
            ("measure_id", _S), ("area", _S), ("period_start", _D), ("period_end", _D),
            ("numerator", _I), ("denominator", _I), ("value", _F), ("source", _S), ("note", _S),
        ]
    ),
    "peers": pa.schema(
        [
            ("force", _S), ("measure_id", _S), ("period_end", _D), ("numerator", _I),
            ("denominator", _I), ("population", _I), ("value", _F),
        ]
    ),
    "events": pa.schema([("date", _D), ("scope", _S), ("kind", _S), ("description", _S)]),
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)
