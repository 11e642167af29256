"""Byar's and Wilson intervals against PHEindicatormethods' own expected values, literal figures.

Source: github.com/ukhsa-collaboration/PHEindicatormethods 2.1.0, tests/testthat/testdata_Byars_Wilson.xlsx
(sheet testdata_B_W), used by tests/testthat/testByars.R and testWilson.R. The rows with x = 1 test
Byar's formula on its own; count_ci uses the exact interval below 10 (the phe_rate rule), so they are
not ported.
"""

import pytest

from crimeplan.stats import count_ci, proportion_ci


@pytest.mark.parametrize(
    ("x", "confidence", "low", "high"),
    [
        (65, 0.95, 50.163187710459454, 82.84913854593984),
        (1045, 0.95, 982.5932018073325, 1110.33121298565),
        (65, 0.998, 42.8802614714802, 94.00029084431802),
        (1045, 0.998, 947.9407035610374, 1148.806160988033),
        (10, 0.998, 2.916318374695686, 24.193724927880535),
    ],
)
def test_byars(x: int, confidence: float, low: float, high: float) -> None:
    assert count_ci(x, confidence) == pytest.approx((low, high), rel=1e-12)


@pytest.mark.parametrize(
    ("x", "n", "confidence", "low", "high"),
    [
        (65, 100, 0.95, 0.5525444329688797, 0.7363575175690247),
        (1045, 5000, 0.95, 0.19795549880013297, 0.22049130373189027),
        (0.445, 1, 0.95, 0.04381744772058822, 0.9334621276979156),
        (65, 100, 0.998, 0.4954946574070431, 0.7783540614089697),
        (1045, 5000, 0.998, 0.19179381799015244, 0.22731562902525818),
        (0.445, 1, 0.998, 0.019347006132900975, 0.9702259947019541),
    ],
)
def test_wilson(x: float, n: int, confidence: float, low: float, high: float) -> None:
    assert proportion_ci(x, n, confidence) == pytest.approx((low, high), rel=1e-12)
