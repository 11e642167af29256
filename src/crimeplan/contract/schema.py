"""The canonical tables of CONTRACT.md §2 as data: columns, types, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["str", "int", "float", "date", "timestamp", "bool"]


@dataclass(frozen=True)
class Column:
    """One canonical column and the rules a value must meet."""

    name: str
    type: ColumnType
    required: bool = False  # a value must be present (not just the column)
    enum: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    personal: bool = False  # an identifier of a person: never printed


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, unique id and date rules."""

    name: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    date_column: str | None = None  # the column that places a row in a month
    has_district: bool = False
    # pairs (later, earlier): the later date may not precede the earlier one
    date_order: tuple[tuple[str, str], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The column called name."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _c(name: str, type_: ColumnType, **kw: object) -> Column:
    return Column(name, type_, **kw)  # type: ignore[arg-type]


BOOL: ColumnType = "bool"

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "areas",
            (
                _c("district", "str", required=True),
                _c("lpa", "str", required=True),
                _c("force", "str", required=True),
                _c("population", "int", required=True, min_value=0),
                _c("valid_from", "date"),
            ),
            id_column="district",
        ),
        Table(
            "crimes",
            (
                _c("crime_id", "str", required=True),
                _c("recorded_date", "date", required=True),
                _c("offence_code", "str"),
                _c("offence_group", "str", required=True),
                _c("district", "str"),
                _c("domestic_abuse", BOOL),
                _c("hate", BOOL),
                _c("rural", BOOL),
                _c("night_time_economy", BOOL),
                _c("business", BOOL),
                _c("victim_id", "str", personal=True),
                _c("offender_id", "str", personal=True),
                _c("offender_age", "int", min_value=0, max_value=120),
                _c("outcome_type", "int", min_value=1, max_value=22),
                _c("outcome_date", "date"),
            ),
            id_column="crime_id",
            date_column="recorded_date",
            has_district=True,
            date_order=(("outcome_date", "recorded_date"),),
        ),
        Table(
            "incidents",
            (
                _c("incident_id", "str", required=True),
                _c("opened_at", "timestamp", required=True),
                _c(
                    "category",
                    "str",
                    required=True,
                    enum=("asb", "domestic", "crime", "public_safety", "transport", "other"),
                ),
                _c("district", "str"),
                _c("grade", "int", min_value=1, max_value=4),
                _c("urban", BOOL),
                _c("attended_at", "timestamp"),
                _c("alcohol", BOOL),
                _c("drugs", BOOL),
                _c("mental_health", BOOL),
                _c("victim_id", "str", personal=True),
            ),
            id_column="incident_id",
            date_column="opened_at",
            has_district=True,
            date_order=(("attended_at", "opened_at"),),
        ),
        Table(
            "calls",
            (
                _c("call_id", "str", required=True),
                _c("received_at", "timestamp", required=True),
                _c("channel", "str", required=True, enum=("999", "101", "online", "live_chat")),
                _c("answered_after_s", "float", min_value=0),
                _c("abandoned", BOOL),
            ),
            id_column="call_id",
            date_column="received_at",
        ),
        Table(
            "survey_responses",
            (
                _c("response_id", "str", required=True),
                _c("survey", "str", required=True),
                _c("interview_date", "date", required=True),
                _c("question", "str", required=True),
                _c("positive", BOOL),
                _c("district", "str"),
                _c("weight", "float", min_value=0),
                _c("victim", BOOL),
            ),
            id_column="response_id",
            date_column="interview_date",
            has_district=True,
        ),
        Table(
            "casualties",
            (
                _c("casualty_id", "str", required=True),
                _c("collision_id", "str"),
                _c("collision_date", "date", required=True),
                _c("severity", "str", required=True, enum=("fatal", "serious", "slight")),
                _c(
                    "road_user",
                    "str",
                    enum=(
                        "pedestrian",
                        "cyclist",
                        "motorcyclist",
                        "car_driver",
                        "car_passenger",
                        "other",
                    ),
                ),
                _c("age", "int", min_value=0, max_value=120),
                _c("drink_driver", BOOL),
                _c("drug_driver", BOOL),
                _c("district", "str"),
            ),
            id_column="casualty_id",
            date_column="collision_date",
            has_district=True,
        ),
        Table(
            "workforce",
            (
                _c("person_id", "str", required=True, personal=True),
                _c("month_end", "date", required=True),
                _c(
                    "staff_group",
                    "str",
                    required=True,
                    enum=("officer", "staff", "pcso", "special", "volunteer"),
                ),
                _c("fte", "float", min_value=0),
                _c("contracted_hours", "float", min_value=0),
                _c("sickness_hours", "float", min_value=0),
                _c("ethnic_minority", BOOL),
                _c("sex", "str"),
            ),
            date_column="month_end",
        ),
        Table(
            "aggregates",
            (
                _c("measure_id", "str", required=True),
                _c("area", "str", required=True),
                _c("period_start", "date", required=True),
                _c("period_end", "date", required=True),
                _c("numerator", "float"),
                _c("denominator", "float", min_value=0),
                _c("value", "float"),
                _c("source", "str"),
                _c("note", "str"),
            ),
            date_column="period_end",
            date_order=(("period_end", "period_start"),),
        ),
        Table(
            "peers",
            (
                _c("force", "str", required=True),
                _c("measure_id", "str", required=True),
                _c("period_end", "date", required=True),
                _c("numerator", "float", min_value=0),
                _c("denominator", "float", min_value=0),
                _c("population", "float", min_value=0),
                _c("value", "float"),
                _c("note", "str"),  # the source's footnotes on this figure, one per line
            ),
            date_column="period_end",
        ),
        Table(
            "events",
            (
                _c("date", "date", required=True),
                _c("scope", "str", required=True),
                _c("kind", "str", required=True, enum=("recording_change", "initiative", "note")),
                _c("description", "str", required=True),
            ),
        ),
    ]
}

# the aggregates table's measure_id of Most Similar Group membership rows (docs/scaling.md):
# area = the home force, note = a member force, value = its closeness rank (0: the home force)
MSG_MEMBER = "msg_member"

# Workforce rows are unique per person and month, not per person.
COMPOSITE_KEYS: dict[str, tuple[str, ...]] = {
    "workforce": ("person_id", "month_end"),
}


# what a record column holds, in words a public reader follows: "this source does not carry …"
READER_NAMES: dict[str, str] = {
    "crime_id": "crime references", "recorded_date": "recorded dates", "offence_code": "offence codes",
    "offence_group": "offence groups", "district": "districts", "domestic_abuse": "a domestic abuse flag",
    "hate": "a hate crime flag", "rural": "a rural flag", "night_time_economy": "a night-time economy flag",
    "business": "a business crime flag", "victim_id": "victim identifiers",
    "offender_id": "offender identifiers", "offender_age": "offenders' ages", "outcome_type": "outcomes",
    "outcome_date": "outcome dates",
    "incident_id": "incident references", "opened_at": "opening times", "category": "incident categories",
    "grade": "response grades", "urban": "an urban flag", "attended_at": "attendance times",
    "alcohol": "an alcohol flag", "drugs": "a drugs flag", "mental_health": "a mental health flag",
    "call_id": "call references", "received_at": "call times", "channel": "call channels",
    "answered_after_s": "answer times", "abandoned": "abandoned calls",
    "response_id": "survey responses", "survey": "survey names", "interview_date": "interview dates",
    "question": "survey questions", "positive": "answers", "weight": "survey weights",
    "victim": "whether the respondent was a victim",
    "casualty_id": "casualty references", "collision_id": "collision references",
    "collision_date": "collision dates", "severity": "casualty severity", "road_user": "road user types",
    "age": "casualties' ages", "drink_driver": "a drink-driving flag", "drug_driver": "a drug-driving flag",
    "person_id": "staff identifiers", "month_end": "month ends", "staff_group": "staff groups",
    "fte": "full-time equivalents", "contracted_hours": "contracted hours", "sickness_hours": "sickness hours",
    "ethnic_minority": "ethnicity", "sex": "sex",
}


# what a table holds, in words a public reader follows: "no survey responses have been loaded"
READER_TABLE_NAMES: dict[str, str] = {
    "crimes": "crime records", "incidents": "incident records", "calls": "call records",
    "survey_responses": "survey responses", "casualties": "road casualty records",
    "workforce": "workforce records", "aggregates": "published figures", "peers": "peer forces' figures",
    "events": "events", "areas": "area lists",
}


# values of a coded column, as the records they mark: "does not carry domestic incidents"
READER_VALUES: dict[str, dict[str, str]] = {
    "category": {"asb": "anti-social behaviour incidents", "domestic": "domestic incidents",
                 "crime": "crime incidents", "public_safety": "public safety incidents",
                 "transport": "transport incidents", "other": "other incidents"},
    "channel": {"999": "999 calls", "101": "101 calls", "online": "online contacts",
                "live_chat": "live chat contacts"},
}


def reader_value(column: str, value: str) -> str:
    """A value of a coded column named for a public reader ("category", "asb": "anti-social
    behaviour incidents")."""
    return READER_VALUES.get(column, {}).get(value, f"{reader_name(column)} {value}")


def reader_table_name(table_name: str) -> str:
    """A canonical table named for a public reader ("survey_responses": "survey responses")."""
    return READER_TABLE_NAMES.get(table_name, table_name.replace("_", " "))


def reader_name(column: str) -> str:
    """A canonical column named for a public reader ("victim_id": "victim identifiers")."""
    return READER_NAMES.get(column, column.replace("_", " "))


def table(name: str) -> Table:
    """The canonical table called name, or a KeyError listing the known ones."""
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(sorted(TABLES))
        raise KeyError(f"unknown table {name!r}; the canonical tables are: {known}") from None


def personal_columns() -> set[str]:
    """Every column that identifies a person, across all tables."""
    return {c.name for t in TABLES.values() for c in t.columns if c.personal}
