"""The commentary workflow: an owner writes the quarter's update, an analyst approves it.

States: draft → submitted → approved, or submitted → changes_requested → (edited) → submitted.
Editing approved text starts a new draft while the approved text stays what reports print until
the new one is approved. Every change is kept in the history and the audit log (who, when, what,
the previous text). Only approved text is exported to the commentary CSV that reports read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from crimeplan._atomic import atomic_output
from crimeplan.accounts._db import AccountsDB
from crimeplan.accounts.access import AccessMap, Action, User, require
from crimeplan.errors import BadInput
from crimeplan.plans.commentary import COLUMNS, load_commentary
from crimeplan.plans.model import Plan

DRAFT, SUBMITTED, CHANGES, APPROVED = "draft", "submitted", "changes_requested", "approved"
QUARTER = re.compile(r"^\d{4}/\d{2} Q[1-4]$")  # periods.quarter_label's form, e.g. 2026/27 Q2
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Entry:
    """The commentary on one commitment for one quarter, as it stands."""

    commitment: str
    quarter: str
    who: str
    state: str
    text: str
    author: str
    updated: str
    note: str
    approved_text: str | None
    approved_by: str | None
    approved_at: str | None


def check_quarter(quarter: str, field: str = "quarter", *, file: str | None = None, row: int | None = None) -> str:
    """A quarter label like '2026/27 Q2'; else bad input naming the field (and file and row)."""
    if not QUARTER.match(quarter.strip()):
        raise BadInput(f"quarter {quarter!r} must read like 2026/27 Q2", file=file, row=row, field=field)
    return quarter.strip()


def entry(db: AccountsDB, commitment: str, quarter: str) -> Entry | None:
    """The commentary on a commitment for a quarter, or None when nobody has written any."""
    row = db.conn.execute("SELECT * FROM commentary WHERE commitment = ? AND quarter = ?",
                          (commitment, quarter)).fetchone()
    return Entry(**dict(row)) if row else None


def history(db: AccountsDB, commitment: str, quarter: str) -> list[dict[str, str]]:
    """Every state the commentary went through, oldest first (state, text, by, at, note)."""
    rows = db.conn.execute("SELECT state, text, by, at, note FROM commentary_history WHERE commitment = ? "
                           "AND quarter = ? ORDER BY id", (commitment, quarter)).fetchall()
    return [dict(r) for r in rows]


def _record(db: AccountsDB, by: str, action: str, before: Entry | None, after: Entry) -> None:
    """Keep the new state in the history and audit the change with the previous text."""
    db.conn.execute("INSERT INTO commentary_history (commitment, quarter, state, text, by, at, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (after.commitment, after.quarter, after.state, after.text, by, after.updated, after.note))
    shown = ("state", "text", "note", "approved_text")
    db.audit(by, action, f"commentary:{after.commitment}:{after.quarter}",
             {k: getattr(before, k) for k in shown} if before else None, {k: getattr(after, k) for k in shown})


def _set(db: AccountsDB, by: str, action: str, commitment: str, quarter: str, **values: str | None) -> Entry:
    """Change an entry (creating it if new) and record the change, in one transaction."""
    with db.transaction() as conn:
        before = entry(db, commitment, quarter)
        values["updated"] = db.stamp()
        if before is None:
            names = ["commitment", "quarter", *values]
            conn.execute(f"INSERT INTO commentary ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                         (commitment, quarter, *values.values()))
        else:
            conn.execute(f"UPDATE commentary SET {', '.join(f'{k} = ?' for k in values)} "
                         "WHERE commitment = ? AND quarter = ?", (*values.values(), commitment, quarter))
        after = entry(db, commitment, quarter)
        assert after is not None
        _record(db, by, action, before, after)
    return after


def _state(found: Entry | None, allowed: tuple[str, ...], doing: str) -> Entry:
    if found is None or found.state not in allowed:
        now = "no commentary" if found is None else f"the commentary is {found.state.replace('_', ' ')}"
        raise BadInput(f"cannot {doing}: {now} (it must be {' or '.join(allowed)})", field="state")
    return found


def write(db: AccountsDB, user: User | None, where: AccessMap, commitment: str, quarter: str, text: str) -> Entry:
    """Save the owner's text as a draft (a new draft over submitted or approved text too)."""
    user = require(user, Action.WRITE_COMMENTARY, commitment, where)
    quarter = check_quarter(quarter)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise BadInput(f"the commentary must be 1 to {MAX_TEXT} characters", field="text")
    return _set(db, user.name, "commentary.write", commitment, quarter, who=where.owners[commitment],
                state=DRAFT, text=text, author=user.name, note="")


def submit(db: AccountsDB, user: User | None, where: AccessMap, commitment: str, quarter: str) -> Entry:
    """Send a draft (or text revised after a request for changes) to the analysts."""
    user = require(user, Action.WRITE_COMMENTARY, commitment, where)
    _state(entry(db, commitment, quarter), (DRAFT, CHANGES), "submit")
    return _set(db, user.name, "commentary.submit", commitment, quarter, state=SUBMITTED)


def request_changes(db: AccountsDB, user: User | None, where: AccessMap, commitment: str, quarter: str,
                    note: str) -> Entry:
    """An analyst sends submitted text back to its owner, saying what to change."""
    user = require(user, Action.REVIEW_COMMENTARY, commitment, where)
    _state(entry(db, commitment, quarter), (SUBMITTED,), "ask for changes")
    if not note.strip():
        raise BadInput("say what should change", field="note")
    return _set(db, user.name, "commentary.request_changes", commitment, quarter, state=CHANGES, note=note.strip())


def approve(db: AccountsDB, user: User | None, where: AccessMap, commitment: str, quarter: str) -> Entry:
    """An analyst approves submitted text: from now on reports print it. Nobody approves their own."""
    user = require(user, Action.REVIEW_COMMENTARY, commitment, where)
    found = _state(entry(db, commitment, quarter), (SUBMITTED,), "approve")
    if found.author == user.name:
        raise BadInput("the author of a commentary cannot approve it; another analyst must", field="reviewer")
    return _set(db, user.name, "commentary.approve", commitment, quarter, state=APPROVED, note="",
                approved_text=found.text, approved_by=user.name, approved_at=db.stamp())


def export_csv(db: AccountsDB, out: str | Path, quarter: str | None = None) -> int:
    """Write the approved commentary (of one quarter, or all) as the commentary CSV; how many rows."""
    query = "SELECT commitment, quarter, approved_text, who FROM commentary WHERE approved_text IS NOT NULL"
    args: tuple[str, ...] = ()
    if quarter is not None:
        query += " AND quarter = ?"
        args = (check_quarter(quarter, "--quarter"),)
    rows = db.conn.execute(query + " ORDER BY quarter, commitment", args).fetchall()
    with atomic_output(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows([tuple(r) for r in rows])
    return len(rows)


def import_csv(db: AccountsDB, path: str | Path, plan: Plan, *, by: str, approved: bool = True) -> int:
    """Read a commentary CSV (checked against the plan) into the workflow; how many rows changed.

    Rows land approved (the CSV was the approved text before the workflow), or as drafts.
    MSG rows (`msg:<measure>`) are not commitments and stay in the CSV.
    """
    rows = load_commentary(path, plan)
    owners = {c.id: c.who for _, c in plan.commitments()}
    for i, ((commitment, quarter), row) in enumerate(rows.items(), start=1):
        check_quarter(quarter, file=str(path), row=i)  # every row checked before anything is written
        if commitment in owners and not row.text:
            raise BadInput("the text is empty", file=str(path), row=i, field="text")
    changed = 0
    for (commitment, quarter), row in sorted(rows.items()):
        if commitment not in owners:
            continue
        found = entry(db, commitment, quarter)
        state = APPROVED if approved else DRAFT
        if found is not None and (found.text, found.state) == (row.text, state):
            continue  # already so: importing the same file twice changes nothing
        extra: dict[str, str | None] = {"approved_text": row.text, "approved_by": by,
                                        "approved_at": db.stamp()} if approved else {}
        _set(db, by, "commentary.import", commitment, quarter, who=row.who or owners[commitment],
             state=state, text=row.text, author=by, note=f"imported from {Path(path).name}",
             **extra)
        changed += 1
    return changed
