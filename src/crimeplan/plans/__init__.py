"""Plans: YAML ↔ typed models, and the plans that ship with crimeplan.

Public modules: `aspiration`, `commentary`, `expr` (the filter language), `load`, `model`.
"""

from crimeplan.plans.load import load_plan, resolve, shipped_plans
from crimeplan.plans.model import AreaOfFocus, Measure, Plan

__all__ = ["AreaOfFocus", "Measure", "Plan", "load_plan", "resolve", "shipped_plans"]
