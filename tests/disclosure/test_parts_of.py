"""`parts_of` in a plan: a part counts what its total counts, the same way, over the same windows."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crimeplan.plans import load_plan
from crimeplan.plans.model import Plan


def plan(*measures: dict) -> Plan:
    return Plan.model_validate({"id": "p", "title": "P", "areas_of_focus": [
        {"id": "a", "title": "A", "measures": [{"label": m["id"], "source": "casualties", **m} for m in measures]}]})


TOTAL = {"id": "ksi_all", "filter": "ksi"}


def test_a_part_names_its_total_and_split():
    p = plan(TOTAL, {"id": "ksi_fatal", "parts_of": "ksi_all"}, {"id": "ksi_ped", "parts_of": "ksi_all by road_user"})
    assert p.measure("ksi_fatal").part_of == ("ksi_all", "")
    assert p.measure("ksi_ped").part_of == ("ksi_all", "road_user")


@pytest.mark.parametrize("part, message", [
    ({"parts_of": "ksi_none"}, "names no other measure"),
    ({"parts_of": "ksi_part"}, "names no other measure"),
    ({"parts_of": "ksi_all", "source": "crimes"}, "source differs"),
    ({"parts_of": "ksi_all", "windows": ["12m", "quarter"]}, "windows differs"),
    ({"parts_of": "ksi_all", "lag_months": 1}, "lag_months differs"),
    ({"parts_of": "ksi_all", "aggregation": "distinct_count", "field": "collision_id"}, "must both be counts"),
    ({"parts_of": "ksi all"}, "String should match pattern"),
])
def test_a_part_that_does_not_add_up_is_refused(part, message):
    with pytest.raises(ValidationError, match=message):
        plan(TOTAL, {"id": "ksi_part", **part})


def test_parts_of_cannot_go_round_in_a_circle():
    with pytest.raises(ValidationError, match="circle"):
        plan({"id": "a1", "parts_of": "a2"}, {"id": "a2", "parts_of": "a1"})


def test_shipped_plans_declare_the_parts_they_print():
    monthly = {m.id: m.part_of for _, m in load_plan("monthly-performance").measures()}
    assert monthly["ksi_fatal"] == monthly["ksi_serious"] == ("ksi_all", "")
    assert monthly["ksi_children"] == ("ksi_all", "age")
    assert {k for k, v in monthly.items() if v == ("ksi_all", "road_user")} == {
        "ksi_motorcyclists", "ksi_pedestrians", "ksi_cyclists"}
    assert monthly["stalking_harassment"] == ("victim_based_crime", "offence_group")
    pcp = {m.id: m.part_of for _, m in load_plan("police-and-crime-plan").measures()}
    assert pcp["ksi_fatal"] == ("ksi_all", "") and pcp["rape_offences"] == ("sexual_offences", "")
    assert {k for k, v in pcp.items() if v == ("all_crime", "offence_group")} == {
        "violence_with_injury", "drug_trafficking", "weapons_possession", "sexual_offences",
        "stalking_harassment", "shoplifting"}
    assert {k for k, v in pcp.items() if v == ("em_workforce", "")} == {"em_officers", "em_staff", "em_pcso"}
