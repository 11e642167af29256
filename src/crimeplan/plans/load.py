"""Read a plan from YAML; errors name the file, line and field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crimeplan.errors import BadInput
from crimeplan.plans.model import Plan


def _node_at(node: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node:
    """The YAML node at a pydantic error location, as deep as it can be followed."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == key), None)
            if nxt is None:
                return node
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def shipped_plans() -> dict[str, Path]:
    """The plans that ship with crimeplan, by file stem."""
    folder = resources.files("crimeplan") / "plans" / "shipped"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")}


def resolve(plan: str | Path) -> Path:
    """A plan path, or the name of a shipped plan (e.g. monthly-performance)."""
    path = Path(plan)
    shipped = shipped_plans()
    if path.is_file() or (path.exists() and str(plan) not in shipped):
        return path
    # a folder that shares a shipped plan's name (`--plan national` beside the `national/` data
    # folder the walk-through makes) means the shipped plan
    if str(plan) in shipped:
        return shipped[str(plan)]
    raise BadInput(f"no such plan (shipped plans: {', '.join(sorted(shipped))})", file=str(plan))


def load_plan(plan: str | Path) -> Plan:
    """Load and validate a plan file into a Plan."""
    path = resolve(plan)
    if path.is_dir():
        raise BadInput("this is a directory, not a plan file", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the plan is not UTF-8 text ({exc.reason} at byte {exc.start})",
                       file=str(path)) from None
    except OSError as exc:
        raise BadInput(f"cannot read the plan: {exc.strerror or exc}", file=str(path)) from None
    try:
        # libyaml's C parser where the wheel has it: the same YAML, several times faster
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        root = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BadInput(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                       line=(mark.line + 1) if mark else None) from None
    except (RecursionError, MemoryError):
        raise BadInput("the plan is nested too deeply to read", file=str(path)) from None
    if not isinstance(data, dict) or root is None:
        raise BadInput("a plan is a YAML mapping with id, title and areas_of_focus", file=str(path))
    if "priorities" in data and "areas_of_focus" not in data:
        data["areas_of_focus"] = data.pop("priorities")
        for key_node, _ in root.value:
            if key_node.value == "priorities":
                key_node.value = "areas_of_focus"
    try:
        loaded = Plan.model_validate(data)
        if loaded.commentary and not Path(loaded.commentary).is_absolute():
            loaded = loaded.model_copy(update={"commentary": str(path.parent / loaded.commentary)})
        return loaded
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        node = _node_at(root, loc)
        dotted = ".".join(str(p) for p in loc) or "(plan)"
        raise BadInput(f"{err['msg']}", file=str(path), line=node.start_mark.line + 1,
                       field=dotted) from None
