"""crimeplan: performance reporting for police forces and PCCs.

Public modules: `cli`, `demo`, `errors`, `periods`, `results` and the packages `accounts`, `compare`,
`contract`, `disclosure`, `engine`, `kinds`, `narrative`, `plans`, `report`, `sources`, `stats`, `store`,
`synth`, `web`. Each package's docstring names its own public modules; `__all__` names what it offers.
A name starting with `_` is private to the package that holds it (here `_atomic` and `_limits`
serve every package of crimeplan); tests/test_public_surface.py checks all of this.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
