"""The public surface of crimeplan.stats and the package's code conventions."""

import importlib
import inspect
import pkgutil

import pytest

import crimeplan.stats as stats_pkg
from crimeplan.stats import TEST_NAMES, compare_counts, compare_means, compare_proportions

PUBLIC = {
    "proportion_ci", "count_ci", "mean_ci", "compare_counts", "compare_proportions", "compare_means",
    "spc", "trend", "TEST_NAMES", "SPCResult", "SPCPoint", "TrendResult",
}


def _modules() -> list:
    """Return the package and every private module in it."""
    names = [m.name for m in pkgutil.iter_modules(stats_pkg.__path__, stats_pkg.__name__ + ".")]
    return [stats_pkg] + [importlib.import_module(n) for n in names]


def _functions() -> list:
    """Return every function and method defined in the package."""
    found = []
    for module in _modules():
        for _, obj in inspect.getmembers(module):
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                found.append(obj)
            elif inspect.isclass(obj):
                for name, member in vars(obj).items():
                    member = member.fget if isinstance(member, property) else member
                    if inspect.isfunction(member) and not (name.startswith("__") and member.__doc__ is None):
                        found.append(member)
    return found


def test_exports() -> None:
    assert set(stats_pkg.__all__) == PUBLIC
    assert all(hasattr(stats_pkg, name) for name in stats_pkg.__all__)
    assert all(m.__name__.split(".")[-1].startswith("_") for m in _modules()[1:])


@pytest.mark.parametrize("func", _functions(), ids=lambda f: f.__qualname__)
def test_functions_are_annotated_with_one_line_docstrings(func) -> None:
    doc = inspect.getdoc(func)
    assert doc and "\n" not in doc.strip(), f"{func.__qualname__} needs a one-line docstring"
    sig = inspect.signature(func)
    for name, param in sig.parameters.items():
        if name not in ("self", "cls"):
            assert param.annotation is not inspect.Parameter.empty, f"{func.__qualname__}({name})"
    assert sig.return_annotation is not inspect.Signature.empty, func.__qualname__


def test_module_files_are_small() -> None:
    for module in _modules():
        assert len(inspect.getsource(module).splitlines()) <= 200, module.__name__


def test_test_names_for_report_footnotes() -> None:
    assert TEST_NAMES["compare_counts"] == "Poisson E-test (Krishnamoorthy & Thomson 2004)"
    assert TEST_NAMES["compare_proportions"] == "two-proportion z test (pooled)"
    assert TEST_NAMES["compare_means"] == "Welch's t test"
    assert TEST_NAMES["proportion_ci"] == "Wilson score interval"
    assert TEST_NAMES["count_ci"] == "Byar's approximation / exact Poisson"
    for func in (compare_counts, compare_proportions, compare_means):
        assert func in TEST_NAMES and TEST_NAMES[func] == TEST_NAMES[func.__name__]
    assert set(TEST_NAMES) >= {"mean_ci", "spc", "trend"}
    with pytest.raises(KeyError):
        TEST_NAMES["nonexistent"]
