"""Districts against the force: each funnel point is the district's own figure, its flag agrees
with an exact test worked here from SciPy's distributions, the page prints the same, and a
public edition draws no funnel where a district's count is withheld."""

from __future__ import annotations

import pytest
from scipy import stats

from crimeplan.report.build import public_results
from crimeplan.report.document import Figure, Table
from crimeplan.results import funnel_of
from crimeplan.web.site import page_at


def _clear(p_high: float, p_low: float) -> str | None:
    """high / low when an exact one-sided p-value is clearly beyond 0.001; None near the limit."""
    if p_high < 0.0005:
        return "high"
    if p_low < 0.0005:
        return "low"
    if p_high > 0.002 and p_low > 0.002:
        return "inside"
    return None


@pytest.mark.parametrize("measure_id", ["all_crime", "solved_rate"])
def test_each_point_is_the_districts_figure_and_its_flag_agrees_with_an_exact_test(built, measure_id):
    results = built.results
    funnel = funnel_of(results, measure_id, "district")
    assert funnel is not None
    m = results.plan.measure(measure_id)
    t = results.table
    rows = t[(t.measure_id == measure_id) & (t.window == m.windows[0])]
    force = rows[rows.area_level == "force"].iloc[0]
    districts = rows[rows.area_level == "district"].set_index("area")
    areas = results.context.areas.sort_values("valid_from").groupby("district").last()
    assert {p.area for p in funnel.points} == set(districts.index)
    checked = 0
    for p in funnel.points:
        numerator = districts.loc[p.area, "current_numerator"]
        assert p.numerator == numerator
        if funnel.kind == "proportion":
            assert p.size == districts.loc[p.area, "current_denominator"]
            assert funnel.average == pytest.approx(force.current_numerator / force.current_denominator * 100)
            expected = funnel.average / 100
            p_high = stats.binom.sf(numerator - 1, p.size, expected)
            p_low = stats.binom.cdf(numerator, p.size, expected)
        else:
            assert p.size == areas.loc[p.area, "population"]
            assert funnel.average == pytest.approx(force.current_numerator / areas.population.sum() * 1000)
            expected = funnel.average / 1000 * p.size
            p_high = stats.poisson.sf(numerator - 1, expected)
            p_low = stats.poisson.cdf(numerator, expected)
        assert p.value == pytest.approx(numerator / p.size * (100 if funnel.kind == "proportion" else 1000))
        side = _clear(p_high, p_low)
        if side is None:
            continue
        high_is_better = m.polarity == "up"
        want = ("similar" if side == "inside" else
                "better" if (side == "high") == high_is_better else "worse")
        assert p.flag == want, (p.area, p_high, p_low)
        checked += 1
    assert checked >= len(funnel.points) - 2  # at most two points sat too near a limit to judge


def test_the_measure_page_draws_the_funnel_and_prints_its_figures(built):
    page = page_at(built.results, "measure/all_crime.html")
    funnel = funnel_of(built.results, "all_crime", "district")
    assert page is not None and funnel is not None
    figures = [b for b in page.blocks if isinstance(b, Figure) and "Funnel plot" in b.alt]
    assert len(figures) == 1 and "<svg" in figures[0].svg
    table = next(b for b in page.blocks if isinstance(b, Table) and b.name == "Districts against the force")
    printed = {row[0].text: (row[1].value, row[3].text) for row in table.rows}
    words = {"better": "Better than the force", "worse": "Worse than the force", "similar": "Similar to the force"}
    assert printed == {p.area: (pytest.approx(p.value), words[p.flag]) for p in funnel.points}


def test_no_funnel_where_a_public_edition_withholds_a_districts_count(built):
    public = public_results(built.results)
    t = public.table
    withheld = set(t[(t.area_level == "district") & (t.suppressed == True)].measure_id)  # noqa: E712
    assert withheld, "the small force has small district counts"
    for measure_id in withheld:
        assert funnel_of(public, measure_id, "district") is None
        page = page_at(public, f"measure/{measure_id}.html", "public")
        assert page is not None
        assert not any(isinstance(b, Table) and b.name == "Districts against the force" for b in page.blocks)


def test_units_without_a_funnel_have_none(built):
    plan = built.results.plan
    for _, m in plan.measures():
        if m.unit not in ("percent", "count"):
            assert funnel_of(built.results, m.id, "district") is None
