"""`can`, the one function every route asks: every cell of role × scope × action, from a table
written by hand (Y allowed, . refused)."""

from __future__ import annotations

import pytest

from crimeplan.accounts import AccessMap, Action, Refused, Role, Scope, User, can, require
from crimeplan.errors import BadInput
from crimeplan.plans import load_plan
from tests.accounts.conftest import WHERE

USERS = {
    "viewer/force": User("v1", Role.VIEWER, Scope("force")),
    "viewer/north": User("v2", Role.VIEWER, Scope("lpa", "North LPA"), owns=("North LPA",)),
    "viewer/ashby": User("v3", Role.VIEWER, Scope("district", "Ashby")),
    "contrib/north": User("c1", Role.CONTRIBUTOR, Scope("lpa", "North LPA"), owns=("North LPA",)),
    "contrib/carlow": User("c2", Role.CONTRIBUTOR, Scope("district", "Carlow"), owns=("media & communications",)),
    "analyst/force": User("a1", Role.ANALYST, Scope("force")),
    "analyst/south": User("a2", Role.ANALYST, Scope("lpa", "South LPA"), owns=("North LPA",)),
    "admin/force": User("ad", Role.ADMIN, Scope("force")),
    "admin/disabled": User("ad2", Role.ADMIN, Scope("force"), owns=("North LPA",), disabled=True),
    "nobody": None,
}

CELLS = [
    (Action.VIEW, "Testshire"), (Action.VIEW, "North LPA"), (Action.VIEW, "Ashby"), (Action.VIEW, "Brook"),
    (Action.VIEW, "South LPA"), (Action.VIEW, "Carlow"), (Action.VIEW, "Nowhere"),
    (Action.DOWNLOAD, "Testshire"), (Action.DOWNLOAD, "Ashby"), (Action.DOWNLOAD, "Carlow"),
    (Action.WRITE_COMMENTARY, "c_north"), (Action.WRITE_COMMENTARY, "c_media"),
    (Action.WRITE_COMMENTARY, "c_unknown"),
    (Action.REVIEW_COMMENTARY, "c_north"), (Action.REVIEW_COMMENTARY, "c_unknown"),
    (Action.MANAGE_USERS, None),
]

# columns follow CELLS: view T N A B S C ? | download T A C | write north media ? | review north ? | users
MATRIX = """
viewer/force    YYYYYY. YYY ... .. .
viewer/north    YYYY... YY. ... .. .
viewer/ashby    Y.Y.... YY. ... .. .
contrib/north   YYYY... YY. Y.. .. .
contrib/carlow  Y....Y. Y.Y .Y. .. .
analyst/force   YYYYYY. YYY ... Y. .
analyst/south   Y...YY. Y.Y Y.. Y. .
admin/force     YYYYYY. YYY ... Y. Y
admin/disabled  ....... ... ... .. .
nobody          ....... ... ... .. .
"""


def _expected() -> dict[str, list[bool]]:
    rows = {}
    for line in MATRIX.strip().splitlines():
        who, marks = line.split(maxsplit=1)
        flags = [c == "Y" for c in marks if c in "Y."]
        assert len(flags) == len(CELLS), (who, len(flags))
        rows[who] = flags
    return rows


@pytest.mark.parametrize("who", list(USERS))
def test_every_cell_of_the_access_matrix(who):
    got = [can(USERS[who], action, target, WHERE) for action, target in CELLS]
    expected = _expected()[who]
    wrong = [(a.value, t, e) for (a, t), g, e in zip(CELLS, got, expected) if g != e]
    assert wrong == [], f"{who}: cells that differ (action, target, expected): {wrong}"


def test_the_table_covers_every_role_scope_kind_and_action():
    assert {u.role for u in USERS.values() if u} == set(Role)
    assert {u.scope.kind for u in USERS.values() if u} == {"force", "lpa", "district"}
    assert {a for a, _ in CELLS} == set(Action)


def test_a_plan_can_keep_force_figures_to_force_scoped_accounts():
    closed = AccessMap(force=WHERE.force, lpas=WHERE.lpas, owners=WHERE.owners, force_figures="force_scope")
    assert not can(USERS["viewer/north"], Action.VIEW, "Testshire", closed)
    assert not can(USERS["viewer/ashby"], Action.DOWNLOAD, "Testshire", closed)
    assert can(USERS["viewer/north"], Action.VIEW, "Brook", closed)
    assert can(USERS["viewer/force"], Action.VIEW, "Testshire", closed)


def test_names_match_whatever_their_case_and_spacing():
    assert can(USERS["viewer/north"], "view", "  north   lpa ", WHERE)
    assert can(USERS["viewer/north"], "view", "BROOK", WHERE)
    assert not can(USERS["viewer/north"], "delete_everything", "Brook", WHERE)


def test_the_map_of_a_shipped_plan_names_its_owners_and_reads_force_figures(tmp_path):
    plan = load_plan("police-and-crime-plan")
    where = AccessMap.of(plan, lpas={"North LPA": ["Harrowby", "Kingsmere"]})
    assert where.force == "Shire Constabulary" and where.force_figures == "all_signed_in"
    assert where.owners["cp_neighbourhood_policing"] == "North LPA"
    north = User("n", Role.CONTRIBUTOR, Scope("lpa", "North LPA"), owns=("North LPA",))
    assert can(north, Action.WRITE_COMMENTARY, "cp_neighbourhood_policing", where)
    assert not can(north, Action.WRITE_COMMENTARY, "cp_more_officers", where)  # Media & Communications'
    assert can(north, Action.VIEW, "Kingsmere", where)
    text = plan.model_dump(exclude_none=True) | {"force_figures": "force_scope"}
    closed = AccessMap.of(type(plan).model_validate(text), lpas={"North LPA": ["Harrowby"]})
    assert not can(north, Action.VIEW, "Shire Constabulary", closed)


def test_require_names_who_and_what_when_refused():
    with pytest.raises(Refused, match="v1 may not manage users"):
        require(USERS["viewer/force"], Action.MANAGE_USERS, None, WHERE)
    with pytest.raises(Refused, match="sign in to view Ashby"):
        require(None, Action.VIEW, "Ashby", WHERE)
    assert require(USERS["admin/force"], Action.MANAGE_USERS, None, WHERE).name == "ad"


@pytest.mark.parametrize(("text", "expected"), [
    ("force", Scope("force")), ("lpa:North LPA", Scope("lpa", "North LPA")),
    ("District: Ashby ", Scope("district", "Ashby"))])
def test_scopes_parse(text, expected):
    assert Scope.parse(text) == expected


@pytest.mark.parametrize("text", ["county", "lpa:", "ward:Ashby", "North LPA"])
def test_a_bad_scope_is_bad_input_naming_the_field(text):
    with pytest.raises(BadInput, match="field '--scope'"):
        Scope.parse(text, "--scope")


def test_a_plan_with_an_unknown_force_figures_value_is_refused(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("id: p\ntitle: A plan\nforce_figures: lpa_only\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"force_figures"):
        load_plan(str(path))
    path.write_text("id: p\ntitle: A plan\nforce_figures: force_scope\n", encoding="utf-8")
    assert load_plan(str(path)).force_figures == "force_scope"
