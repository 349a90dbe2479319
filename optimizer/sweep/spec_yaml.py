"""The YAML form of a sweep spec (any design): parsed, typed and checked key by key.

Every problem names the file, the YAML line and the dotted key; see :mod:`optimizer.sweep.spec`
for the format.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from optimizer.errors import InputError, InputProblem
from optimizer.sweep.params import CHANGES, parse_address
from optimizer.sweep.spec import (
    DESIGNS,
    DISTRIBUTIONS,
    MAX_SCENARIOS,
    NAME,
    BaseRef,
    Design,
    Distribution,
    Parameter,
    SweepSpec,
    Where,
    as_int,
    as_number,
    check_unique_bases,
    resolve_base,
)

_DESIGN_KEYS: dict[str, tuple[set[str], set[str]]] = {  # required, optional
    "grid": ({"values"}, set()),
    "oat": ({"values"}, set()),
    "list": ({"scenarios"}, set()),
    "monte_carlo": ({"samples", "distributions"}, {"seed"}),
    "morris": ({"trajectories", "bounds"}, {"levels", "seed"}),
    "sobol": ({"samples", "bounds"}, {"seed", "second_order"}),
}
_TOP_KEYS = {"name", "province", "instance", "parameters", "design", "report_year", "verify_cold"}


class _Lines:
    """Line numbers of YAML keys (dotted paths), from the composed node tree."""

    def __init__(self, text: str):
        import yaml

        self.lines: dict[str, int] = {}
        try:
            node = yaml.compose(text)
        except yaml.YAMLError:
            node = None
        if node is not None:
            self._walk(node, "")

    def _walk(self, node: Any, prefix: str) -> None:
        import yaml

        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = f"{prefix}.{key.value}" if prefix else str(key.value)
                self.lines[path] = key.start_mark.line + 1
                self._walk(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                path = f"{prefix}[{i}]"
                self.lines[path] = item.start_mark.line + 1
                self._walk(item, path)

    def at(self, file: str, key: str) -> Where:
        return Where(file, self.lines.get(key), key)


def load_yaml(path: Path, text: str, digest: str) -> SweepSpec:
    import yaml

    file = path.name
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            [Where(file, line).problem(None, f"is not valid YAML ({getattr(error, 'problem', error)})")]
        ) from error
    lines = _Lines(text)
    problems: list[InputProblem] = []
    if not isinstance(data, dict):
        raise InputError([Where(file).problem(None, "expected a mapping of keys (name, province, ...)")])
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(
                lines.at(file, str(key)).problem(
                    None, f"unknown key (expected one of: {', '.join(sorted(_TOP_KEYS))})"
                )
            )
    bases = _yaml_bases(path, data, lines, problems)
    parameters: dict[str, Parameter] = {}
    raw_parameters = data.get("parameters")
    if not isinstance(raw_parameters, dict) or not raw_parameters:
        problems.append(
            lines.at(file, "parameters").problem(
                None, "expected a mapping of parameter names to {address: ..., change: ...}"
            )
        )
        raw_parameters = {}
    for name, item in raw_parameters.items():
        key = f"parameters.{name}"
        where = lines.at(file, key)
        if not NAME.match(str(name)):
            problems.append(where.problem(name, "is not a parameter name (letters, digits, _)"))
            continue
        if not isinstance(item, dict) or set(item) - {"address", "change"} or "address" not in item:
            problems.append(where.problem(None, "expected {address: table.column[selector], change: ...}"))
            continue
        change = str(item.get("change", "substitute"))
        if change not in CHANGES:
            problems.append(
                lines.at(file, f"{key}.change").problem(
                    change, f"is not a change (expected one of: {', '.join(CHANGES)})"
                )
            )
            continue
        try:
            address = parse_address(str(item["address"]))
        except ValueError as error:
            problems.append(lines.at(file, f"{key}.address").problem(item["address"], str(error)))
            continue
        parameters[str(name)] = Parameter(str(name), address, change, lines.at(file, f"{key}.address"))
    design = _yaml_design(file, data.get("design"), lines, set(raw_parameters), parameters, problems)
    report_year = _optional_int(data, "report_year", lines, file, problems, 2000, 2100)
    verify_cold = _optional_int(data, "verify_cold", lines, file, problems, 0, MAX_SCENARIOS) or 0
    if problems:
        raise InputError(problems)
    return SweepSpec(
        path=path,
        name=str(data.get("name") or path.stem),
        bases=bases,
        parameters=parameters,
        design=design,
        report_year=report_year,
        verify_cold=verify_cold,
        digest=digest,
    )


def _yaml_bases(path: Path, data: dict, lines: _Lines, problems: list[InputProblem]) -> list[BaseRef]:
    bases: list[BaseRef] = []
    for key in ("province", "instance"):
        value = data.get(key)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            where = lines.at(path.name, f"{key}[{i}]" if isinstance(value, list) else key)
            base = resolve_base(path, key, str(item), where, problems)
            if base is not None:
                bases.append(base)
    if "province" not in data and "instance" not in data:
        problems.append(
            Where(path.name, None, "province").problem(
                None, "no base instance (expected province: NAME or instance: PATH, or a list of them)"
            )
        )
    check_unique_bases(bases, problems)
    return bases


def _optional_int(
    data: dict, key: str, lines: _Lines, file: str, problems: list[InputProblem], low: int, high: int
) -> int | None:
    if data.get(key) is None:
        return None
    number = as_int(data[key])
    if number is None or not low <= number <= high:
        problems.append(lines.at(file, key).problem(data[key], f"expected a whole number in {low}..{high}"))
        return None
    return number


def _yaml_design(
    file: str,
    raw: Any,
    lines: _Lines,
    declared: set[Any],
    parameters: dict[str, Parameter],
    problems: list[InputProblem],
) -> Design:
    where = lines.at(file, "design")
    if not isinstance(raw, dict) or "type" not in raw:
        problems.append(where.problem(None, f"expected a mapping with type: one of {', '.join(DESIGNS)}"))
        return Design("list", where)
    kind = str(raw["type"])
    if kind not in DESIGNS:
        problems.append(
            lines.at(file, "design.type").problem(
                kind, f"is not a design (expected one of: {', '.join(DESIGNS)})"
            )
        )
        return Design("list", where)
    design = Design(kind, where)
    required, optional = _DESIGN_KEYS[kind]
    for key in raw:
        if key != "type" and key not in required | optional:
            problems.append(
                lines.at(file, f"design.{key}").problem(
                    None,
                    f"unknown key for a {kind} design (expected: {', '.join(sorted(required | optional))})",
                )
            )
    for key in sorted(required - set(raw)):
        problems.append(where.problem(None, f"a {kind} design needs '{key}'"))
    if kind in {"grid", "oat"} and "values" in raw:
        design.values = _per_parameter(
            file, "design.values", raw["values"], lines, declared, problems, _value_list, design.entry_where
        )
    elif kind == "list" and "scenarios" in raw:
        design.rows = _scenario_rows(file, raw["scenarios"], lines, declared, problems)
        design.row_bases = [None] * len(design.rows)
        design.row_ids = [None] * len(design.rows)
        design.row_where = [lines.at(file, f"design.scenarios[{i}]") for i in range(len(design.rows))]
    elif kind == "monte_carlo":
        design.samples = _positive(file, "design.samples", raw.get("samples"), lines, problems)
        design.distributions = _per_parameter(
            file,
            "design.distributions",
            raw.get("distributions"),
            lines,
            declared,
            problems,
            _distribution,
            design.entry_where,
        )
    elif kind in {"morris", "sobol"}:
        design.bounds = _per_parameter(
            file, "design.bounds", raw.get("bounds"), lines, declared, problems, _bounds, design.entry_where
        )
        if kind == "morris":
            design.trajectories = _positive(
                file, "design.trajectories", raw.get("trajectories"), lines, problems
            )
            levels = as_int(raw.get("levels", 4))
            if levels is None or levels < 2 or levels % 2:
                problems.append(
                    lines.at(file, "design.levels").problem(
                        raw.get("levels"), "expected an even whole number >= 2"
                    )
                )
            else:
                design.levels = levels
        else:
            samples = _positive(file, "design.samples", raw.get("samples"), lines, problems)
            if samples and samples & (samples - 1):
                problems.append(
                    lines.at(file, "design.samples").problem(
                        samples, "expected a power of 2 (Sobol' sequences converge only for N = 2^m)"
                    )
                )
            design.samples = samples
            second = raw.get("second_order", False)
            if not isinstance(second, bool):
                problems.append(
                    lines.at(file, "design.second_order").problem(second, "expected true or false")
                )
            design.second_order = bool(second)
    if "seed" in raw:
        seed = as_int(raw["seed"])
        if seed is None or seed < 0:
            problems.append(
                lines.at(file, "design.seed").problem(raw["seed"], "expected a whole number >= 0")
            )
        else:
            design.seed = seed
    if kind != "list":
        given = set(design.values) | set(design.distributions) | set(design.bounds)
        for name in parameters:
            if name not in given and not _has_problem_at(problems, "design"):
                problems.append(where.problem(name, f"parameter has no entry in the {kind} design"))
    return design


def _has_problem_at(problems: list[InputProblem], key: str) -> bool:
    return any((p.column or "").startswith(key) for p in problems)


def _positive(file: str, key: str, value: Any, lines: _Lines, problems: list[InputProblem]) -> int:
    number = as_int(value)
    if value is None:
        return 0  # reported as a missing key
    if number is None or not 1 <= number <= MAX_SCENARIOS:
        problems.append(lines.at(file, key).problem(value, f"expected a whole number in 1..{MAX_SCENARIOS}"))
        return 0
    return number


def _per_parameter(
    file: str,
    key: str,
    raw: Any,
    lines: _Lines,
    declared: set[Any],
    problems: list[InputProblem],
    parse: Callable[[Any, Where, list[InputProblem]], Any],
    wheres: dict[str, Where] | None = None,
) -> dict[str, Any]:
    """Parse a {parameter: item} mapping with ``parse``, checking the names were declared."""
    out: dict[str, Any] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.append(lines.at(file, key).problem(None, "expected a mapping {parameter: ...}"))
        return out
    for name, item in raw.items():
        where = lines.at(file, f"{key}.{name}")
        if name not in declared:
            problems.append(where.problem(name, "is not a declared parameter (see parameters:)"))
            continue
        parsed = parse(item, where, problems)
        if parsed is not None:
            out[str(name)] = parsed
            if wheres is not None:
                wheres[str(name)] = where
    return out


def _value_list(item: Any, where: Where, problems: list[InputProblem]) -> list[Any] | None:
    items = item if isinstance(item, list) else [item]
    if not items or any(isinstance(v, (dict, list)) or v is None for v in items):
        problems.append(where.problem(None, "expected a non-empty list of values"))
        return None
    return [as_number(v) if as_number(v) is not None else str(v) for v in items]


def _distribution(item: Any, where: Where, problems: list[InputProblem]) -> Distribution | None:
    if not isinstance(item, dict) or item.get("dist") not in DISTRIBUTIONS:
        problems.append(
            where.problem(
                None, f"expected {{dist: {' | '.join(DISTRIBUTIONS)}, ...}} with the distribution's arguments"
            )
        )
        return None
    dist = str(item["dist"])
    need = DISTRIBUTIONS[dist]
    allowed = set(need) | ({"low", "high"} if dist == "normal" else set())
    args: dict[str, float] = {}
    ok = True
    for key in item:
        if key != "dist" and key not in allowed:
            problems.append(
                where.problem(key, f"is not an argument of {dist} (expected: {', '.join(sorted(allowed))})")
            )
            ok = False
    for key in need:
        value = as_number(item.get(key))
        if value is None:
            problems.append(where.problem(item.get(key), f"{dist} needs a number for '{key}'"))
            ok = False
        else:
            args[key] = value
    for key in ("low", "high"):
        if dist == "normal" and key in item:
            value = as_number(item[key])
            if value is None:
                problems.append(where.problem(item[key], f"'{key}' (truncation) must be a number"))
                ok = False
            else:
                args[key] = value
    if not ok:
        return None
    problem = _distribution_problem(dist, args)
    if problem:
        problems.append(where.problem(None, problem))
        return None
    return Distribution(dist, args, where)


def _distribution_problem(dist: str, a: dict[str, float]) -> str | None:
    if dist == "uniform" and not a["low"] < a["high"]:
        return "uniform needs low < high"
    if dist == "triangular" and not (a["low"] <= a["mode"] <= a["high"] and a["low"] < a["high"]):
        return "triangular needs low <= mode <= high and low < high"
    if dist == "normal" and not a["sd"] > 0:
        return "normal needs sd > 0"
    if dist == "normal" and "low" in a and "high" in a and not a["low"] < a["high"]:
        return "normal truncation needs low < high"
    if dist == "lognormal" and not a["sigma"] > 0:
        return "lognormal needs sigma > 0"
    return None


def _bounds(item: Any, where: Where, problems: list[InputProblem]) -> tuple[float, float] | None:
    values = [as_number(v) for v in item] if isinstance(item, list) else []
    if len(values) != 2 or values[0] is None or values[1] is None or not values[0] < values[1]:
        problems.append(where.problem(item, "expected [low, high] with low < high"))
        return None
    low, high = values
    assert low is not None and high is not None
    return (low, high)


def _scenario_rows(
    file: str, raw: Any, lines: _Lines, declared: set[Any], problems: list[InputProblem]
) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        problems.append(
            lines.at(file, "design.scenarios").problem(None, "expected a list of {parameter: value}")
        )
        return []
    rows = []
    for i, item in enumerate(raw):
        where = lines.at(file, f"design.scenarios[{i}]")
        if not isinstance(item, dict):
            problems.append(where.problem(None, "expected a mapping {parameter: value}"))
            continue
        row: dict[str, Any] = {}
        for name, value in item.items():
            if name not in declared:
                problems.append(where.problem(name, "is not a declared parameter (see parameters:)"))
            elif value is not None:
                row[str(name)] = as_number(value) if as_number(value) is not None else str(value)
        rows.append(row)
    return rows
