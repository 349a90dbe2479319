"""Words and units of the report in Chinese (``zh``) and English (``en``).

Names of sectors and technologies come from the instance data (``name_zh`` / ``name_en``);
this module only holds the report's own vocabulary (actions, target kinds, statuses, cost
components) and the display units planners use; headings and phrases are in
:mod:`optimizer.report.text`. Every scaled quantity is *divided* by
:attr:`Unit.factor` for display, so ``raw = shown * factor`` recovers the CSV figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.targets.registry import KINDS

LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    """Normalise ``lang`` or raise a clear error (the CLI passes it through as typed)."""
    key = lang.strip().lower()
    if key not in LANGS:
        raise ValueError(f"unknown report language {lang!r} (expected one of: {', '.join(LANGS)})")
    return key


@dataclass(frozen=True)
class Unit:
    """A display unit: ``label`` shown next to numbers, ``factor`` raw units per shown unit."""

    label: str
    factor: float = 1.0


# One scale per quantity and language, as planners quote them: Chinese documents count
# capacity in 万吨 and money in 亿元; English readers expect Mt and M CNY.
_SCALES: dict[str, dict[str, Unit]] = {
    "zh": {
        "co2": Unit("万吨CO₂", 1e4),
        "money": Unit("亿元", 1e8),
        "energy": Unit("万tce", 1e4),
        "capacity_scale": Unit("万", 1e4),
        "mac": Unit("元/吨CO₂", 1.0),
        "mw": Unit("MW", 1.0),
        "days": Unit("天", 1.0),
    },
    "en": {
        "co2": Unit("MtCO₂", 1e6),
        "money": Unit("M CNY", 1e6),
        "energy": Unit("Mtce", 1e6),
        "capacity_scale": Unit("M", 1e6),
        "mac": Unit("CNY/tCO₂", 1.0),
        "mw": Unit("MW", 1.0),
        "days": Unit("days", 1.0),
    },
}

# Physical units of sector output (sectors.csv ``unit``), spelled per language.
_OUTPUT_UNITS = {
    "zh": {"t": "吨", "weight_box": "重量箱", "m2": "平方米"},
    "en": {"t": "t", "weight_box": "weight boxes", "m2": "m²"},
}


def unit(lang: str, quantity: str) -> Unit:
    """The display unit of ``quantity`` (co2, money, energy, mac, mw, days)."""
    return _SCALES[lang][quantity]


def output_unit(lang: str, sector_unit: str) -> Unit:
    """Scaled unit for capacity/output of a sector measured in ``sector_unit``.

    The factor is the same for every sector (10^4 in Chinese, 10^6 in English) so a column
    mixing sectors still converts with one factor; only the unit's name differs.
    """
    scale = _SCALES[lang]["capacity_scale"]
    name = _OUTPUT_UNITS[lang].get(sector_unit, sector_unit)
    if lang == "zh":
        return Unit(f"{scale.label}{name}", scale.factor)
    short = {"t": "Mt"}.get(sector_unit)
    return Unit(short or f"M {name}", scale.factor)


def _generic_capacity(lang: str) -> Unit:
    scale = _SCALES[lang]["capacity_scale"]
    return Unit("万单位" if lang == "zh" else "M units", scale.factor)


def intensity_unit(lang: str, sector_unit: str) -> str:
    """Per-unit intensity label: kgce per one unit of output (singular: kgce/weight box)."""
    name = _OUTPUT_UNITS[lang].get(sector_unit, sector_unit)
    if lang == "en" and sector_unit == "weight_box":
        name = "weight box"
    return f"kgce/{name}"


@dataclass(frozen=True)
class TargetUnit:
    """How a target's required/achieved figures are shown: percent, scaled, or as given."""

    label: str
    factor: float = 1.0
    percent: bool = False


_TARGET_UNITS = {
    "zh": {
        "MW": "MW",
        "t/d": "吨/日",
        "projects/yr": "个/年",
        "t retired per t built": "淘汰:新建(倍)",
        "days": "天",
        "d/yr": "天/年",
        "boilers": "台",
        "enterprises": "家",
        "CNY": "元",
    },
    "en": {},
}

# Capacity-valued targets (caps, allowances below the baseline) are quoted in the same scaled units
# as capacities elsewhere in the report.
_CAPACITY_TARGET_UNITS = {"t/yr": "t", "unit/yr": "unit"}


def target_unit(lang: str, raw_unit: str) -> TargetUnit:
    """Display unit of a target row whose ``unit`` column reads ``raw_unit``."""
    if raw_unit == "fraction":
        return TargetUnit("%", 1.0, percent=True)
    if raw_unit == "tCO2":
        u = unit(lang, "co2")
        return TargetUnit(u.label, u.factor)
    if raw_unit in _CAPACITY_TARGET_UNITS:
        name = _CAPACITY_TARGET_UNITS[raw_unit]
        scaled = output_unit(lang, name) if name == "t" else _generic_capacity(lang)
        return TargetUnit(scaled.label + ("/年" if lang == "zh" else "/yr"), scaled.factor)
    return TargetUnit(_TARGET_UNITS[lang].get(raw_unit, raw_unit))


ACTIONS = {
    "zh": {
        "keep": "保持",
        "retrofit": "技术改造",
        "retire": "退出",
        "swap_out": "置换退出",
        "retired": "已退出",
        "new_build": "新建",
    },
    "en": {
        "keep": "keep",
        "retrofit": "retrofit",
        "retire": "retire",
        "swap_out": "swap out",
        "retired": "retired",
        "new_build": "new build",
    },
}

TARGET_KINDS = {
    "zh": {name: k.label_zh for name, k in KINDS.items() if k.label_zh is not None},
    "en": {name: k.label_en for name, k in KINDS.items() if k.label_en is not None},
}

STATUS = {
    "zh": {
        "optimal": "最优(达到设定间隙)",
        "feasible": "可行(未证明最优)",
        "infeasible": "目标无法同时满足",
        "unbounded": "无界",
        "no_solution": "未找到规划",
        "error": "求解出错",
        "verification_failed": "校验未通过",
        "evaluated": "已评估(未优化)",
        "targets_missed": "有约束性目标未完成",
        "unknown": "未知",
    },
    "en": {
        "optimal": "optimal",
        "feasible": "feasible (not proven optimal)",
        "infeasible": "targets infeasible",
        "unbounded": "unbounded",
        "no_solution": "no plan found",
        "error": "solver error",
        "verification_failed": "verification failed",
        "evaluated": "evaluated (not optimised)",
        "targets_missed": "hard targets missed",
        "unknown": "unknown",
    },
}


# the CLI's exit codes (optimizer.cli), for summaries written without a status field
_EXIT_STATUS = {3: "infeasible", 4: "no_solution", 5: "verification_failed", 6: "targets_missed"}


def status_text(lang: str, summary: dict) -> str:
    """The run's outcome in words, from its status or else its exit code."""
    status = summary.get("status")
    if not status:
        code = summary.get("exit_code")
        status = _EXIT_STATUS.get(int(code), "unknown") if code is not None else "unknown"
    return STATUS[lang].get(str(status), str(status))


COST_COMPONENTS = {
    "zh": {
        "capex": "投资",
        "om": "运维",
        "fuel": "燃料",
        "electricity": "电力",
        "carbon": "碳成本",
        "salvage": "残值(抵减)",
        "closure": "关停成本",
        "total": "合计(净现值)",
    },
    "en": {
        "capex": "capex",
        "om": "O&M",
        "fuel": "fuel",
        "electricity": "power",
        "carbon": "carbon",
        "salvage": "salvage (credit)",
        "closure": "closure",
        "total": "total (NPV)",
    },
}


def with_unit(name: str, unit_label: str) -> str:
    """Column or axis title with its unit, as planners expect to see it."""
    return f"{name} ({unit_label})" if unit_label else name


def year_ranges(years: list[int]) -> str:
    """2025, 2026, 2027, 2029 -> "2025–2027, 2029"."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and runs[-1][-1] == y - 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
