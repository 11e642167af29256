"""The commentary workflow: an owner writes and submits, an analyst asks for changes or approves;
every change is in the history and the audit log (who, when, what, the previous text); only
approved text reaches the CSV and, through it, the quarterly update a reader opens."""

from __future__ import annotations

import csv
import datetime as dt
from html.parser import HTMLParser

import docx
import pytest

from crimeplan.accounts import AccessMap, Refused, Role, Scope
from crimeplan.accounts.users import add_user
from crimeplan.accounts.workflow import (
    APPROVED,
    CHANGES,
    DRAFT,
    SUBMITTED,
    approve,
    entry,
    export_csv,
    history,
    import_csv,
    request_changes,
    submit,
    write,
)
from crimeplan.contract.schema import TABLES
from crimeplan.errors import BadInput
from crimeplan.periods import financial_quarter
from crimeplan.plans import load_plan
from crimeplan.plans.commentary import load_commentary
from crimeplan.report.build import build_document
from crimeplan.report.render import render
from crimeplan.results import compute
from crimeplan.store import Store
from crimeplan.synth import generate
from tests.accounts.conftest import PASSWORD, START

TO = dt.date(2026, 9, 1)
QUARTER = financial_quarter(TO)  # 2026/27 Q2
PLAN = load_plan("police-and-crime-plan")
WHERE = AccessMap.of(PLAN)
OWNED = "cp_neighbourhood_policing"  # Who: North LPA
OTHER = "cp_more_officers"           # Who: Media & Communications


@pytest.fixture
def people(db):
    made = {
        "north": add_user(db, "north", PASSWORD, Role.CONTRIBUTOR, Scope("lpa", "North LPA"), ["North LPA"], by="a"),
        "viewer": add_user(db, "viewer", PASSWORD, Role.VIEWER, Scope("force"), ["North LPA"], by="a"),
        "analyst": add_user(db, "analyst", PASSWORD, Role.ANALYST, Scope("force"), ["North LPA"], by="a"),
        "analyst2": add_user(db, "analyst2", PASSWORD, Role.ANALYST, Scope("force"), by="a"),
    }
    return made


def _at(minutes: int) -> str:
    return (START + dt.timedelta(minutes=minutes)).isoformat(timespec="microseconds")


def test_states_history_and_audit_of_one_quarter(db, people, clock):
    north, analyst = people["north"], people["analyst2"]
    assert write(db, north, WHERE, OWNED, QUARTER, "  First draft of the update. ").state == DRAFT
    clock.advance(minutes=1)
    assert submit(db, north, WHERE, OWNED, QUARTER).state == SUBMITTED
    clock.advance(minutes=1)
    sent_back = request_changes(db, analyst, WHERE, OWNED, QUARTER, "Say which towns.")
    assert (sent_back.state, sent_back.note) == (CHANGES, "Say which towns.")
    clock.advance(minutes=1)
    write(db, north, WHERE, OWNED, QUARTER, "Patrols in Harrowby and Kingsmere.")
    clock.advance(minutes=1)
    submit(db, north, WHERE, OWNED, QUARTER)
    clock.advance(minutes=1)
    done = approve(db, analyst, WHERE, OWNED, QUARTER)
    assert (done.state, done.approved_text, done.approved_by) == (APPROVED, "Patrols in Harrowby and Kingsmere.",
                                                                  "analyst2")
    assert done.who == "North LPA" and done.author == "north"
    clock.advance(minutes=1)
    later = write(db, north, WHERE, OWNED, QUARTER, "A later draft, not yet approved.")
    assert later.state == DRAFT and later.approved_text == "Patrols in Harrowby and Kingsmere."

    steps = [(h["state"], h["by"], h["at"]) for h in history(db, OWNED, QUARTER)]
    assert steps == [(DRAFT, "north", _at(0)), (SUBMITTED, "north", _at(1)), (CHANGES, "analyst2", _at(2)),
                     (DRAFT, "north", _at(3)), (SUBMITTED, "north", _at(4)), (APPROVED, "analyst2", _at(5)),
                     (DRAFT, "north", _at(6))]
    log = db.audit_log(f"commentary:{OWNED}:{QUARTER}")
    assert [(e["who"], e["action"], e["at"]) for e in log] == [
        ("north", "commentary.write", _at(0)), ("north", "commentary.submit", _at(1)),
        ("analyst2", "commentary.request_changes", _at(2)), ("north", "commentary.write", _at(3)),
        ("north", "commentary.submit", _at(4)), ("analyst2", "commentary.approve", _at(5)),
        ("north", "commentary.write", _at(6))]
    assert log[0]["before"] is None and log[0]["after"]["text"] == "First draft of the update."
    assert log[3]["before"]["text"] == "First draft of the update."  # the previous text is kept
    assert log[3]["after"]["text"] == "Patrols in Harrowby and Kingsmere."
    assert log[6]["before"]["approved_text"] == log[6]["after"]["approved_text"] == "Patrols in Harrowby and Kingsmere."


def test_who_may_write_and_review(db, people):
    with pytest.raises(Refused, match="viewer may not write commentary"):
        write(db, people["viewer"], WHERE, OWNED, QUARTER, "text")  # owns North LPA but only views
    with pytest.raises(Refused, match=f"north may not write commentary {OTHER}"):
        write(db, people["north"], WHERE, OTHER, QUARTER, "text")
    with pytest.raises(Refused, match="sign in"):
        write(db, None, WHERE, OWNED, QUARTER, "text")
    write(db, people["analyst"], WHERE, OWNED, QUARTER, "Written by an analyst who owns it.")
    with pytest.raises(BadInput, match=r"field 'state'.*draft"):
        approve(db, people["analyst2"], WHERE, OWNED, QUARTER)  # not submitted yet
    submit(db, people["analyst"], WHERE, OWNED, QUARTER)
    with pytest.raises(Refused, match="north may not review commentary"):
        approve(db, people["north"], WHERE, OWNED, QUARTER)
    with pytest.raises(BadInput, match="field 'reviewer'"):
        approve(db, people["analyst"], WHERE, OWNED, QUARTER)  # nobody approves their own text
    with pytest.raises(BadInput, match="field 'note'"):
        request_changes(db, people["analyst2"], WHERE, OWNED, QUARTER, "  ")
    assert entry(db, OWNED, QUARTER).state == SUBMITTED  # the refusals changed nothing
    assert [h["state"] for h in history(db, OWNED, QUARTER)] == [DRAFT, SUBMITTED]


@pytest.mark.parametrize(("quarter", "text", "field"), [("Q2 2026", "ok", "quarter"), (QUARTER, "   ", "text")])
def test_bad_quarter_or_empty_text_is_bad_input_naming_the_field(db, people, quarter, text, field):
    with pytest.raises(BadInput, match=f"field '{field}'"):
        write(db, people["north"], WHERE, OWNED, quarter, text)
    assert entry(db, OWNED, QUARTER) is None


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("quarterly")
    files = generate(root / "data", seed=3, to_month="2026-09", years=2, scale=0.02)
    store = Store(root / "s.duckdb")
    store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 9, 30))
    computed = compute(store, PLAN, TO)
    store.close()
    return computed


def _commentary_cells(path) -> dict[str, tuple[str, str]]:
    """We will text -> (Commentary, Who) as the DOCX's commitment tables show them."""
    out = {}
    for table in docx.Document(str(path)).tables:
        head = [c.text for c in table.rows[0].cells]
        if head == ["We will", "Commentary", "Who"]:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                out[cells[0]] = (cells[1], cells[2])
    return out


def test_only_approved_text_reaches_the_csv_and_the_quarterly_update(db, people, results, tmp_path):
    north, analyst = people["north"], people["analyst2"]
    write(db, north, WHERE, OWNED, QUARTER, "Approved: weekly patrols in Harrowby.")
    submit(db, north, WHERE, OWNED, QUARTER)
    approve(db, analyst, WHERE, OWNED, QUARTER)
    write(db, north, WHERE, OWNED, QUARTER, "Draft: never printed.")
    write(db, north, WHERE, "cp_csp_hotspots", QUARTER, "Draft only: hotspots.")
    submit(db, north, WHERE, "cp_csp_hotspots", QUARTER)  # submitted, not approved

    out = tmp_path / "approved.csv"
    assert export_csv(db, out) == 1
    with out.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["commitment", "quarter", "text", "who"]
    read = load_commentary(out, PLAN)
    assert {k: (c.text, c.who) for k, c in read.items()} == {
        (OWNED, QUARTER): ("Approved: weekly patrols in Harrowby.", "North LPA")}
    assert export_csv(db, tmp_path / "other.csv", quarter="2026/27 Q1") == 0

    document = build_document("quarterly", results, commentary=out)
    cells = _commentary_cells(render(document, tmp_path / "quarterly.docx"))
    commitments = {c.id: c.text for _, c in PLAN.commitments()}
    assert cells[commitments[OWNED]] == ("Approved: weekly patrols in Harrowby.", "North LPA")
    assert cells[commitments["cp_csp_hotspots"]][0] == "No commentary supplied for this quarter."
    shown = " ".join(t for t, _ in cells.values())
    assert "never printed" not in shown and "Draft only" not in shown

    page = _Text()
    page.feed(render(document, tmp_path / "quarterly.html").read_text(encoding="utf-8"))
    text = " ".join(" ".join(page.parts).split())
    assert "Approved: weekly patrols in Harrowby." in text
    assert "never printed" not in text and "Draft only" not in text


class _Text(HTMLParser):
    """The text a reader of an HTML page sees (no scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def test_a_csv_imports_approved_audited_and_checked_against_the_plan(db, people, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("commitment,quarter,text,who\n"
                    f"{OWNED},{QUARTER},Imported text.,North LPA\n"
                    f"msg:{PLAN.msg.measures[0].id},{QUARTER},MSG rows stay in the CSV,PAU\n", encoding="utf-8")
    assert import_csv(db, path, PLAN, by="cli:tester") == 1  # the MSG row is no commitment: skipped
    found = entry(db, OWNED, QUARTER)
    assert (found.state, found.approved_text, found.approved_by) == (APPROVED, "Imported text.", "cli:tester")
    [audited] = db.audit_log(f"commentary:{OWNED}:{QUARTER}")
    assert (audited["who"], audited["action"], audited["before"]) == ("cli:tester", "commentary.import", None)
    assert import_csv(db, path, PLAN, by="cli:tester") == 0  # the same text again changes nothing
    assert import_csv(db, path, PLAN, by="cli:tester", approved=False) == 1  # as a draft for review
    assert entry(db, OWNED, QUARTER).state == DRAFT and entry(db, OWNED, QUARTER).approved_text == "Imported text."

    bad = tmp_path / "bad.csv"
    bad.write_text(f"commitment,quarter,text,who\n{OWNED},{QUARTER},ok,x\nnot_a_commitment,{QUARTER},t,x\n",
                   encoding="utf-8")
    with pytest.raises(BadInput, match=r"file .*bad.csv, row 2, field 'commitment'"):
        import_csv(db, bad, PLAN, by="cli:tester")
    bad.write_text(f"commitment,quarter,text,who\n{OTHER},{QUARTER},ok,x\n{OWNED},this quarter,t,x\n",
                   encoding="utf-8")
    with pytest.raises(BadInput, match=r"file .*bad.csv, row 2, field 'quarter'"):
        import_csv(db, bad, PLAN, by="cli:tester")
    assert entry(db, OTHER, QUARTER) is None  # nothing written before the bad row was found
