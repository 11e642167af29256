"""`crimeplan init`: a starter plan for one real force, from the shipped police.uk plan.

The force is named once, in the plan's `force:` block (and `msg.home`, checked to agree); its
LPAs and districts come from the lookups the police.uk importer uses; its Most Similar Group is
left empty, because MSG membership comes from HMICFRS and must not be invented.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from crimeplan._atomic import atomic_output
from crimeplan.errors import BadInput
from crimeplan.plans.load import load_plan, shipped_plans
from crimeplan.sources import _forces

BASE = "police-uk"  # the shipped plan the starter copies its measures from
MSG_MEASURES = "essex-msg"  # the shipped plan whose ONS-table MSG measures the starter offers


def starter_path(force: _forces.Force, out: Path) -> Path:
    """Where the plan goes: OUT itself when it names a .yaml file, else OUT/<force>-plan.yaml."""
    return out if out.suffix.lower() in (".yaml", ".yml") else out / f"{force.slug}-plan.yaml"


def starter_text(force: _forces.Force) -> str:
    """The commented YAML of a starter plan for force."""
    base = shipped_plans()[BASE].read_text(encoding="utf-8")
    body = base[base.index("areas_of_focus:"):]  # the measures, as shipped (commented there)
    geo = _forces.geography(force)
    lpas: dict[str, list[str]] = {}
    for d in geo.current:
        lpas.setdefault(d.csp, []).append(d.name)
    msg = load_plan(MSG_MEASURES).msg
    assert msg is not None  # the shipped MSG example has one
    measures = [m.model_dump(include={"id", "label", "priority", "unit", "polarity"})
                for m in msg.measures]
    q = _quote
    return f"""\
# Starter plan for {force.police_uk}, written by `crimeplan init`.  Edit it freely: it is yours.
# Recorded crime and anti-social behaviour from the force's data.police.uk street files, with an
# MSG comparison from the ONS Police Force Area tables once you name the peer group below.
#   crimeplan import police-uk FILES... --force {q(force.name)} --store STORE
#   crimeplan import ons-pfa ONS_TABLES_FOLDER --store STORE        (for the MSG comparison)
#   crimeplan report monthly --store STORE --plan THIS_FILE --to YYYY-MM --format html --out FILE
id: {force.slug}-plan
title: {q(force.police_uk + ": recorded crime and anti-social behaviour")}
description: >-
  Crimes and anti-social behaviour incidents recorded by {force.police_uk}, as published on
  data.police.uk, over the 12 months to the report's month against the same months a year earlier.
metadata:
  # shown on every report's title page; fill in your unit and the report's owner
  unit: Performance Analysis Unit
  author: {q(force.police_uk)}
  owner: {q(force.police_uk)}
  sensitivity: OFFICIAL
# The force this plan is for: named here once (msg.home below must agree).  Its Local Policing
# Areas are its Community Safety Partnerships, with the districts each holds, from the ONS lookup
# (December 2016) and today's ONS mapping (year ending June 2025).  For reference: the importer
# reads each crime's district from the force's own files and groups it the same way.
force:
  name: {q(force.name)}
  lpas:
{_lpa_lines(lpas)}
{body.rstrip()}
# Most Similar Group: the forces {force.name} is compared with on the ONS tables' rates per 1,000.
# MSG membership comes from HMICFRS (up to seven forces, not symmetric); copy it from HMICFRS's
# published group and note where it came from.  Do not invent one: until peers are listed here
# the reports say plainly that no peer group is named.
msg:
  home: {q(force.name)}
  peers: []    # e.g. [Force A, Force B, ...] as HMICFRS names them
  measures:
{_indent(yaml.safe_dump(measures, sort_keys=False, allow_unicode=True, width=100), 4)}"""


def write_starter(force_name: str, out: Path, *, overwrite: bool = False) -> Path:
    """Write the starter plan for the force called force_name; refuse to replace one unless told."""
    force = _forces.resolve(force_name)
    path = starter_path(force, out)
    if path.exists() and not overwrite:
        raise BadInput("a plan is already there; pass --overwrite to replace it", file=str(path))
    if path.parent.exists() and not path.parent.is_dir():
        raise BadInput("the output folder is a file", file=str(path.parent), field="--out")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(starter_text(force), encoding="utf-8")
    load_plan(path)  # what was written loads (a failure here is a bug, said with the file named)
    return path


def _lpa_lines(lpas: dict[str, list[str]]) -> str:
    return "\n".join(f"    {_quote(lpa)}: [{', '.join(_quote(d) for d in names)}]"
                     for lpa, names in sorted(lpas.items()))


def _quote(text: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 .'()-]*", text) and not text.endswith(" "):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines()) + "\n"
