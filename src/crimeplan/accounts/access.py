"""Who may do what: roles, area scopes, and `can`, the one function every route asks.

Roles are cumulative (viewer < contributor < analyst < admin). A scope is the whole force, one LPA
(its districts with it) or one district. Commentary is owned through the plan's Who column: an
account lists the Who names it answers for (`owns`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from crimeplan.contract.forces import key  # area and Who names matched as the importers match them
from crimeplan.errors import BadInput
from crimeplan.plans.model import Plan


class Role(IntEnum):
    """An account's role; each includes the powers of those below it."""

    VIEWER = 1
    CONTRIBUTOR = 2
    ANALYST = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        """The role's name as typed and printed (viewer, contributor, analyst, admin)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str, field: str = "role") -> Role:
        """The role named by text; anything else is bad input naming the field."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise BadInput(f"role {text!r} is not one of: " + ", ".join(r.label for r in cls),
                           field=field) from None


class Action(StrEnum):
    """What an account asks to do; the target `can` is given depends on it."""

    VIEW = "view"                              # figures of an area (target: area name)
    DOWNLOAD = "download"                      # a report or export of an area (target: area name)
    WRITE_COMMENTARY = "write_commentary"      # the quarter's update (target: commitment id)
    REVIEW_COMMENTARY = "review_commentary"    # ask for changes or approve (target: commitment id)
    MANAGE_USERS = "manage_users"              # add, remove, change roles (no target)


SCOPE_KINDS = ("force", "lpa", "district")


@dataclass(frozen=True)
class Scope:
    """The areas an account sees: the force, or one LPA (and its districts), or one district."""

    kind: str
    name: str = ""

    @classmethod
    def parse(cls, text: str, field: str = "scope") -> Scope:
        """`force`, `lpa:NAME` or `district:NAME`; anything else is bad input naming the field."""
        text = text.strip()
        if text.lower() == "force":
            return cls("force")
        kind, sep, name = text.partition(":")
        if not sep or kind.strip().lower() not in ("lpa", "district") or not name.strip():
            raise BadInput(f"scope {text!r} must be force, lpa:NAME or district:NAME", field=field)
        return cls(kind.strip().lower(), " ".join(name.split()))

    def __str__(self) -> str:
        return "force" if self.kind == "force" else f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class User:
    """A signed-in account as `can` sees it."""

    name: str
    role: Role
    scope: Scope
    owns: tuple[str, ...] = ()
    disabled: bool = False


@dataclass(frozen=True)
class AccessMap:
    """What `can` needs to know of a plan's world: the force, its LPAs' districts, commitment owners."""

    force: str
    lpas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owners: Mapping[str, str] = field(default_factory=dict)  # commitment id -> the plan's Who
    force_figures: str = "all_signed_in"

    @classmethod
    def of(cls, plan: Plan, lpas: Mapping[str, Iterable[str]] | None = None, force: str | None = None) -> AccessMap:
        """The map for a plan; LPAs and force name from the plan's force block unless given (a store's areas)."""
        name = force or (plan.force.name if plan.force else plan.msg.home if plan.msg else "force")
        found = lpas if lpas is not None else (plan.force.lpas if plan.force else {})
        return cls(force=name, lpas={lpa: tuple(ds) for lpa, ds in found.items()},
                   owners={c.id: c.who for _, c in plan.commitments()}, force_figures=plan.force_figures)

    def visible(self, scope: Scope) -> set[str]:
        """The area names (as contract.forces.key reduces them) an account of this scope may see."""
        if scope.kind == "force":
            return {key(self.force)} | {key(a) for a in self.lpas} | {
                key(d) for ds in self.lpas.values() for d in ds}
        own = {key(scope.name)}
        if scope.kind == "lpa":
            own |= {key(d) for lpa, ds in self.lpas.items() if key(lpa) == key(scope.name) for d in ds}
        if self.force_figures == "all_signed_in":
            own.add(key(self.force))
        return own

    def known(self, area: str) -> bool:
        """True when the area is the force, one of its LPAs or one of their districts."""
        return key(area) in self.visible(Scope("force"))


def can(user: User | None, action: Action | str, target: str | None, where: AccessMap) -> bool:
    """True when the account may do the action on the target (area name or commitment id); else False.

    No account, a disabled one, an unknown action, area or commitment: False.
    """
    if user is None or user.disabled:
        return False
    try:
        action = Action(action)
    except ValueError:
        return False
    if action in (Action.VIEW, Action.DOWNLOAD):
        return target is not None and where.known(target) and key(target) in where.visible(user.scope)
    if action is Action.WRITE_COMMENTARY:
        who = where.owners.get(target or "")
        return (user.role >= Role.CONTRIBUTOR and who is not None
                and key(who) in {key(o) for o in user.owns})
    if action is Action.REVIEW_COMMENTARY:
        return user.role >= Role.ANALYST and (target or "") in where.owners
    return user.role >= Role.ADMIN  # MANAGE_USERS


class Refused(Exception):
    """The account may not do this (the web layer answers 403); the message says what it lacks."""


def require(user: User | None, action: Action, target: str | None, where: AccessMap) -> User:
    """The user when `can` allows the action on the target; Refused otherwise."""
    if user is None or not can(user, action, target, where):
        what = action.value.replace("_", " ") + (f" {target}" if target else "")
        raise Refused(f"{user.name} may not {what}" if user else f"sign in to {what}")
    return user
