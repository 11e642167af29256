"""The static site: the pages a reader expects exist, parse as HTML5, link only within the site,
load nothing from outside it, and carry the structure assistive technology relies on."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.web.pages import SVG, XLINK_HREF, pages, parse, text

ATTRS = ("href", "src", "action", "srcset", "poster", "data", XLINK_HREF)


def _links(site: Path):
    """(page, attribute value) for every address any page or its inline SVG names."""
    for page in pages(site):
        for el in parse(page).iter():
            for attr in ATTRS:
                if el.get(attr) is not None:
                    yield page, el.get(attr)


def test_the_site_has_a_page_for_every_priority_measure_and_lpa(built):
    site, plan = built.public_site, built.results.plan
    expected = {"index.html", "areas.html", "downloads.html", "msg.html"}
    expected |= {f"priority/{a.id}.html" for a in plan.areas_of_focus}
    expected |= {f"measure/{m.id}.html" for _, m in plan.measures()}
    lpas = set(built.results.table.area[built.results.table.area_level == "lpa"])
    assert len(lpas) >= 2
    expected |= {f"area/{lpa.lower()}.html" for lpa in lpas}
    assert {str(p.relative_to(site)) for p in pages(site)} == expected
    # each priority is named on the index, each LPA's page is headed with its name
    index = text(parse(site / "index.html"))
    assert all(a.title in index for a in plan.areas_of_focus)
    for lpa in lpas:
        assert text(parse(site / f"area/{lpa.lower()}.html").find(".//h1")) == lpa


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_every_page_parses_as_html5_without_an_error(built, edition):
    site = built.public_site if edition == "public" else built.internal_site
    found = pages(site) + sorted((site / "downloads").glob("*.html"))
    assert len(found) > 50
    for page in found:
        tree = parse(page)  # strict: the first parse error raises, naming the page's line
        assert tree.get("lang") == "en-GB", page


def test_no_page_or_asset_names_an_address_outside_the_site(built):
    site = built.public_site
    seen = 0
    for page, value in _links(site):
        seen += 1
        parts = urlsplit(value)
        assert not parts.scheme and not parts.netloc, f"{page}: {value}"
        assert not value.startswith("/"), f"{page}: {value} (root-relative breaks hosting in a sub-folder)"
    assert seen > 100
    css = (site / "assets" / "crimeplan.css").read_text(encoding="utf-8")
    assert "@import" not in css
    # the stylesheet loads nothing: no images, no fonts (the GOV.UK typeface and crest are left out)
    assert re.findall(r"url\(", css) == []
    assert "GDS Transport" not in css and "@font-face" not in css
    for page in pages(site):
        raw = page.read_text(encoding="utf-8")
        assert "<script" not in raw and "<iframe" not in raw, page
        # outside namespace names, no page spells an address at all
        assert re.findall(r"https?://(?!www\.w3\.org/(2000/svg|1999/xlink))", raw) == [], page


def test_every_link_resolves_to_a_file_in_the_site(built):
    site = built.public_site
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page, value in _links(site):
        parts = urlsplit(value)
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
        assert target.is_file() and target.is_relative_to(site.resolve()), f"{page}: {value}"
        if parts.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = {el.get("id") for el in parse(target).iter() if el.get("id")}
            assert parts.fragment in ids[target], f"{page}: {value}"
        checked += 1
    assert checked > 100
    # every downloadable report is linked and is a real file of its format
    downloads = {v for p, v in _links(site) if p.name == "downloads.html" and "downloads/" in v}
    assert {Path(v).suffix for v in downloads} == {".html", ".pdf", ".docx", ".xlsx"}
    assert (site / "downloads" / Path(next(v for v in downloads if v.endswith(".pdf"))).name).read_bytes()[:5] \
        == b"%PDF-"


def test_pages_carry_landmarks_a_skip_link_one_h1_and_headings_in_order(built):
    for page in pages(built.public_site):
        tree = parse(page)
        body = tree.find("body")
        first_link = next(el for el in body.iter() if el.tag == "a")
        assert first_link.get("href") == "#main-content" and "Skip" in text(first_link), page
        mains = [el for el in tree.iter() if el.tag == "main"]
        assert len(mains) == 1 and mains[0].get("id") == "main-content", page
        assert any(el.tag == "header" for el in body.iter()) and any(el.tag == "footer" for el in body.iter())
        assert any(el.tag == "nav" and el.get("aria-label") for el in body.iter()), page
        levels = [int(el.tag[1]) for el in tree.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]
        assert levels.count(1) == 1 and levels[0] == 1, page
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{page}: h{before} then h{after}"
        assert text(tree.find("head/title")), page


def test_tables_have_captions_and_scoped_headers(built):
    tables = 0
    for page in pages(built.public_site):
        for table in (el for el in parse(page).iter() if el.tag == "table"):
            tables += 1
            caption = table.find("caption")
            assert caption is not None and text(caption), page
            headers = [el for el in table.iter() if el.tag == "th"]
            assert headers and all(th.get("scope") in ("col", "row") for th in headers), page
            assert table.find("thead") is not None, page
    assert tables > 50


def test_every_picture_has_a_text_alternative(built):
    charts = 0
    for page in pages(built.public_site):
        tree = parse(page)
        assert all(img.get("alt") for img in tree.iter("img")), page
        for svg in tree.iter(SVG + "svg"):
            label = svg.get("aria-label")
            assert svg.get("role") == "img" and label, page
            charts += "XmR chart of" in label
        # a chart is explained beside it: an SPC chart's caption says what the latest point shows;
        # a funnel plot's names the force's figure it is drawn against and its limits
        for figure in tree.iter("figure"):
            label = next(figure.iter(SVG + "svg")).get("aria-label") or ""
            caption = text(figure.find("figcaption"))
            if label.startswith("Funnel plot"):
                assert "against the force's" in caption and "99.8%" in caption, page
            else:
                assert "Latest" in caption, page
    assert charts > 10


def test_colour_is_never_alone_a_significant_change_says_so_in_words(built):
    seen = 0
    for page in pages(built.public_site):
        for el in parse(page).iter():
            classes = el.get("class") or ""
            if "crimeplan-cell--better" in classes or "crimeplan-cell--worse" in classes:
                seen += 1
                words = text(el).lower()
                assert any(w in words for w in ("better", "worse", "met", "above", "below")), (page, words)
    assert seen > 0


def test_a_measure_page_says_its_definition_and_its_months_states_in_words(built):
    site = built.public_site
    cyclists = text(parse(site / "measure" / "ksi_cyclists.html"))
    # the plan's filter `ksi and road_user == 'cyclist'`, read as words
    assert "where ksi and road user is cyclist" in cyclists and "==" not in cyclists
    assert "Better when the figure goes down" in cyclists
    # a solved rate waits for outcomes: its youngest months are provisional, said so, with no figure
    solved = parse(site / "measure" / "solved_rate.html")
    series = next(t for t in solved.iter("table") if "by month" in text(t.find("caption")))
    rows = [[text(c) for c in tr] for tr in series.iter("tr")][1:]
    provisional = [r for r in rows if r[2].startswith("Provisional")]
    assert provisional and all(r[1] == "–" for r in provisional)
    assert rows[-1] in provisional  # the latest month is the youngest


def test_footnote_markers_read_apart(built):
    """Two notes on one figure read "2,1" (a reader would take "21" for one note)."""
    several = 0
    for page in pages(built.public_site):
        for sup in (el for el in parse(page).iter() if el.tag == "sup"):
            numbers = [text(a) for a in sup.iter() if a.tag == "a"]
            if len(numbers) > 1:
                several += 1
                assert text(sup).replace(" ", "") == ",".join(numbers), (page, text(sup))
    assert several > 0  # the site has figures with more than one note


def test_a_figure_with_no_monthly_series_is_not_called_no_data(built):
    # repeat and distinct ids are counted per window and aggregates arrive as totals: their
    # priority page has the figure in its table, so "No data" beside it would be false
    site, results = built.public_site, built.results
    force = results.table[results.table.area_level == "force"]
    monthly = set(results.monthly.measure_id[results.monthly.area_level == "force"])
    said = {}
    for area in results.plan.areas_of_focus:
        page = parse(site / "priority" / f"{area.id}.html")
        status = next(t for t in page.iter("table") if "state of the latest month" in text(t.find("caption")))
        for tr in list(status.iter("tr"))[1:]:
            cells = [text(c) for c in tr]
            said[cells[0]] = cells[2]
    checked = set()
    for _, m in results.plan.measures():
        if m.id in monthly or m.id in results.context.unavailable or not (force.measure_id == m.id).any():
            continue
        expected = ("Arrives as a total for its period, not by month" if m.kind.arrives_counted
                    else "Counted for each period as a whole (no monthly series)")
        assert said[m.label] == expected, (m.id, said[m.label])
        checked.add("aggregate" if m.kind.arrives_counted else "per window")
    assert checked == {"aggregate", "per window"}
    assert "No data" not in said.values()


def test_a_priority_with_no_measure_says_so_instead_of_an_empty_table(built):
    from crimeplan.plans.model import AreaOfFocus
    from crimeplan.report.document import Paragraph, Table
    from crimeplan.web.site import NO_MEASURE, _priority

    area = AreaOfFocus(id="dog_theft", title="Preventing dog theft", objective="Protect our pets.")
    page = _priority(built.results, area, 7)
    assert not [b for b in page.blocks if isinstance(b, Table)]
    assert any(isinstance(b, Paragraph) and b.text == NO_MEASURE for b in page.blocks)
    assert {"kind": "link", "text": "Reports to download", "path": "downloads.html"} in page.blocks
