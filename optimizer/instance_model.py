"""Build stage: packages, model data, Pyomo model and its matrix for one instance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimizer.data.instance import Instance
from optimizer.evaluator.api import evaluate
from optimizer.evaluator.packages import PackageSet, build_packages
from optimizer.evaluator.plan import Plan
from optimizer.models.build import build_model
from optimizer.models.data import ModelData, build_model_data
from optimizer.solvers.base import StandardForm
from optimizer.solvers.standard_form import compile_model


@dataclass
class BuiltModel:
    packages: PackageSet
    data: ModelData
    model: pyo.ConcreteModel
    form: StandardForm
    columns: list
    counts: dict[str, int]
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None


def build_instance_model(
    instance: Instance,
    timings: dict[str, float] | None = None,
    packages: PackageSet | None = None,
    model_years: tuple[int, ...] | None = None,
    fix: Callable[[pyo.ConcreteModel, ModelData], None] | None = None,
) -> BuiltModel:
    """Packages, model data, Pyomo model and its matrix, timing each stage into ``timings``."""
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    packages = build_packages(instance) if packages is None else packages
    timings["packages_s"] = timings.get("packages_s", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    # Building creates some 10^6 Pyomo objects and no garbage cycles worth collecting: the
    # collector's passes over them took 0.7 of zhejiang's 1.7 s build (Pyomo's own writer
    # pauses it the same way)
    with PauseGC():
        data = build_model_data(instance, packages, model_years=model_years)
        data.base_constant_npv = base_constant(instance, data)
        model = build_model(data)
        if fix is not None:
            fix(model, data)
    timings["build_s"] = timings.get("build_s", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    form, columns = compile_model(model)
    timings["handover_s"] = timings.get("handover_s", 0.0) + time.perf_counter() - t0
    counts = {
        "lines": len(instance.lines),
        "packages": len(packages.techs),
        "variables": form.shape[1],
        "constraints": form.shape[0],
        "integer_variables": int(form.integer.sum()),
    }
    return BuiltModel(packages, data, model, form, columns, counts, fix)


def base_constant(instance: Instance, data: ModelData) -> float:
    """NPV of the calendar years before the first model year (base state, same for all plans)."""
    evaluation = evaluate(instance, Plan.business_as_usual(instance))
    npv = evaluation.measure("npv_cny")
    years = [int(y) for y in evaluation.arrays.years]
    cols = [i for i, y in enumerate(years) if y < data.model_years[0]]
    return float(npv[:, cols].sum())


def load_solution(columns: list, x: np.ndarray) -> None:
    for var, value in zip(columns, x, strict=True):
        var.set_value(float(value), skip_validation=True)
