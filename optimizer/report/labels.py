"""Words and units of the report in Chinese (``zh``) and English (``en``).

Names of sectors and technologies come from the instance data (``name_zh`` / ``name_en``);
this module only holds the report's own vocabulary (headings, actions, target kinds, cost
components) and the display units planners use. Every scaled quantity is *divided* by
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

# Headings, column titles and short phrases. Keys are stable identifiers used by the code.
TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "建材行业碳达峰路径规划报告",
        "instance": "实例",
        "status": "求解状态",
        "npv": "总成本净现值",
        "gap": "MIP 间隙",
        "carbon_price": "碳价覆盖",
        "overrides": "参数覆盖",
        "none": "无",
        "generated": "生成时间",
        "data_sources": "数据来源",
        "real_plants": "{sectors}:真实工厂(GEM 厂址编号,{plants} 座工厂,{share} 产能);",
        "synthetic_sectors": "{sectors}:合成数据(S),仅供示意。",
        "targets": "目标完成情况",
        "targets_note": "每项政策目标在各考核年份的要求值与规划实现值;"
        "红色为未完成的约束性目标,橙色为未完成的参考性目标。",
        "target_id": "目标编号",
        "group": "范围",
        "pooled": "合并考核",
        "year": "年份",
        "kind": "类型",
        "clause": "文件条款",
        "description": "说明",
        "required": "要求值",
        "achieved": "实现值",
        "unit": "单位",
        "capacity_unit": "产量单位",
        "intensity_unit": "能耗单位",
        "per_unit": "单位产品",
        "met": "是否完成",
        "hard": "约束性",
        "yes": "是",
        "no": "否",
        "met_yes": "完成",
        "met_no": "未完成",
        "met_na": "不适用",
        "soft": "参考性",
        "key_figures": "主要指标",
        "peak_year": "排放峰值年份",
        "targets_met": "约束性目标完成",
        "emissions": "碳排放总量",
        "emissions_title": "年度碳排放(直接+间接)与达峰要求",
        "base_level": "基准年排放水平",
        "cap": "排放上限",
        "peak_deadline": "达峰年限",
        "plan_peak": "规划峰值",
        "capacity_title": "分行业产能与单位产品综合能耗",
        "capacity": "产能",
        "intensity": "单位产品综合能耗",
        "target": "目标",
        "shares_title": "能效标杆水平与基准水平以下产能占比",
        "share_benchmark": "标杆水平占比",
        "share_worse": "基准水平以下占比",
        "share": "占比",
        "pv_title": "清洁能源(光伏)装机",
        "pv": "光伏装机",
        "costs_title": "成本构成(规划期合计)",
        "nominal": "名义值",
        "discounted": "折现值",
        "component": "成本项",
        "mac_title": "所选措施的边际减排成本曲线",
        "mac_note": "逐项从规划中去掉一项技术(其余不变)重新评估:"
        "宽度为规划期累计减排量,高度为每吨减排的净现值成本。",
        "mac_none": "规划未采用可计算减排量的技术。",
        "abated": "累计减排量",
        "mac": "边际减排成本",
        "delta_npv": "净现值变化",
        "lines_adopting": "采用产线数",
        "technology": "技术",
        "timeline_title": "逐条产线行动时间线",
        "timeline_note": "仅列出有改造、退出、置换或新建的产线;可按城市和企业筛选。",
        "city": "城市",
        "company": "企业",
        "all": "全部",
        "shown": "显示",
        "of": "/",
        "lines_word": "条产线",
        "narrow": "(产线过多,请按城市或企业筛选)",
        "line": "产线",
        "sector": "行业",
        "action": "行动",
        "technologies": "持有技术",
        "new_technologies": "当年新增技术",
        "operating_days": "运行天数",
        "output": "产量",
        "co2": "碳排放",
        "capex": "投资",
        "cost": "年成本",
        "running_lines": "运行产线数",
        "energy": "综合能耗",
        "direct_co2": "直接排放",
        "indirect_co2": "间接排放",
        "intensity_change": "能耗较基准年变化",
        "npv_year": "当年成本现值",
        "shadow_title": "目标约束的影子价格",
        "schedule_title": "年度实施安排(退出、改造、新建与投资)",
        "schedule_note": "退出产能按产线设计产能计;投资与运行成本为当年名义值。",
        "sheet_schedule": "年度安排",
        "sheet_by_city": "按城市",
        "sheet_investment": "逐年投资",
        "price_basis": "价格依据",
        "prices_within_gap": "区间含 0:在当前最优性间隙下,尚不能确定该目标确有代价。",
        "sheet_by_company": "按企业",
        "by_city_title": "按城市的年度安排",
        "by_company_title": "按企业的年度安排",
        "investment_title": "逐年投资与退出产能",
        "lines_closed": "退出产线数",
        "capacity_closed": "退出产能",
        "closed_lines": "退出产线",
        "retrofits": "改造项数",
        "retrofits_by_tech": "改造技术(项数)",
        "new_builds": "新建产线数",
        "new_capacity": "新建产能",
        "operating_cost": "运行成本",
        "prices_title": "各项目标的代价",
        "prices_note": (
            "“目标代价”=当前最优方案成本减去去掉该目标后重新求解的最优成本(同一间隙与时限);影子价"
            "格取自固定整数决策后的线性规划,仅对起约束作用的目标给出。"
        ),
        "sheet_prices": "目标代价",
        "slack": "余量",
        "dual_price": "影子价格",
        "price_unit": "价格单位",
        "target_cost": "目标代价",
        "target_cost_range": "代价区间",
        "prices_sentence": (
            "{target}({year}年,{kind}):该目标使总成本增加约 {cost:,.2f} 亿元(区间 {low:,.2f}–{hig"
            "h:,.2f} 亿元)。"
        ),
        "prices_sentence_none": (
            "{target}({year}年,{kind}):起约束作用,但去掉后未能在时限内重新求解({status})。"
        ),
        "prices_sentence_skipped": (
            "{target}({year}年,{kind}):起约束作用;本次未重新求解其代价(--no-target-costs,或超出重解数量上限)。"
        ),
        "gap_warning": (
            "注意:求解时限已到,未达到要求的最优性间隙(要求 {requested:.2%},实际 {reached})。方案"
            "可行且已校验,但可能不是最低成本。"
        ),
        "no_new_build": "无新建",
        "prices_none_binding": (
            "本方案中没有目标处于紧约束(余量均超过容差:份额和降幅类 0.1 个百分点,其余 0.1%),因此"
            "未给出影子价格,也未重新求解目标代价。"
        ),
        "relaxation_in_unit": "放宽量(目标单位)",
        "absolute": "放宽量(绝对值)",
        "absolute_unit": "绝对值单位",
        "constraint": "约束",
        "dual": "影子价格(元/约束单位)",
        "binding": "紧约束",
        "infeasibility_title": "目标无法同时满足:最小放宽量",
        "relaxation": "放宽量",
        "note": "备注",
        "no_plan": "本次运行没有可行规划,仅显示概要。",
        "no_plan_time_limit": (
            "注意:在 {limit:.0f} 秒的求解时限内未找到可行规划。请加大 --time-limit 后重新运行。"
        ),
        "errors_none": "",
        "sheet_summary": "概要",
        "sheet_targets": "目标",
        "sheet_plan": "规划",
        "sheet_kpis": "分行业指标",
        "sheet_costs": "成本",
        "sheet_mac": "边际减排成本",
        "sheet_shadow": "影子价格",
        "sheet_infeasibility": "不可行分析",
        "item": "项目",
        "value": "数值",
        "sector_total": "合计",
        "mac_unavailable": "无法重建评估(实例文件不可读),未计算边际减排成本。",
        "rebuilt_differs": "注意:按当前实例文件重新评估的净现值 {npv:,.0f} 元"
        "与运行记录 {recorded:,.0f} 元不同,实例文件可能在运行后被修改;边际减排成本按当前文件计算。",
    },
    "en": {
        "title": "Carbon-peak plan for building-materials lines",
        "instance": "Instance",
        "status": "Status",
        "npv": "NPV of total cost",
        "gap": "MIP gap",
        "carbon_price": "Carbon price override",
        "overrides": "Overrides",
        "none": "none",
        "generated": "Generated",
        "data_sources": "Data sources",
        "real_plants": "{sectors}: real plants (GEM plant ids, {plants} plants, {share} of capacity); ",
        "synthetic_sectors": "{sectors}: synthetic lines (flag S), for illustration only.",
        "targets": "Targets",
        "targets_note": "Required and achieved value of every policy target in each checked year; "
        "red: a hard target missed, orange: a soft (reported-only) target missed.",
        "target_id": "Target",
        "group": "Scope",
        "pooled": "pooled",
        "year": "Year",
        "kind": "Kind",
        "clause": "Clause",
        "description": "Description",
        "required": "Required",
        "achieved": "Achieved",
        "unit": "Unit",
        "capacity_unit": "Output unit",
        "intensity_unit": "Intensity unit",
        "per_unit": "unit",
        "met": "Met",
        "hard": "Hard",
        "yes": "yes",
        "no": "no",
        "met_yes": "met",
        "met_no": "MISSED",
        "met_na": "n/a",
        "soft": "soft",
        "key_figures": "Key figures",
        "peak_year": "Emissions peak year",
        "targets_met": "Hard targets met",
        "emissions": "Emissions",
        "emissions_title": "Emissions per year (direct + indirect) against the peak requirement",
        "base_level": "base-year level",
        "cap": "cap",
        "peak_deadline": "peak deadline",
        "plan_peak": "plan peak",
        "capacity_title": "Capacity and capacity-weighted energy intensity per sector",
        "capacity": "Capacity",
        "intensity": "Energy intensity",
        "target": "target",
        "shares_title": "Share of capacity at benchmark / worse than baseline",
        "share_benchmark": "at benchmark",
        "share_worse": "worse than baseline",
        "share": "Share",
        "pv_title": "Installed clean energy (rooftop PV)",
        "pv": "PV capacity",
        "costs_title": "Cost breakdown over the horizon",
        "nominal": "nominal",
        "discounted": "discounted",
        "component": "Component",
        "mac_title": "Marginal abatement cost of the measures chosen",
        "mac_note": "Each technology removed from the plan on every line (all else kept) and the plan "
        "evaluated again: width = CO₂ abated over the horizon, height = NPV cost per tonne.",
        "mac_none": "The plan adopts no technology that abates CO₂.",
        "abated": "CO₂ abated",
        "mac": "Marginal abatement cost",
        "delta_npv": "NPV change",
        "lines_adopting": "Lines adopting",
        "technology": "Technology",
        "timeline_title": "Actions per line",
        "timeline_note": "Lines that are retrofitted, retired, swapped or built; filter by city and company.",
        "city": "City",
        "company": "Company",
        "all": "all",
        "shown": "showing",
        "of": "of",
        "lines_word": "lines",
        "narrow": "(too many to show at once: pick a city or company)",
        "line": "Line",
        "sector": "Sector",
        "action": "Action",
        "technologies": "Technologies held",
        "new_technologies": "Adopted this year",
        "operating_days": "Operating days",
        "output": "Output",
        "co2": "CO₂",
        "capex": "Capex",
        "cost": "Cost",
        "running_lines": "Running lines",
        "energy": "Energy use",
        "direct_co2": "Direct CO₂",
        "indirect_co2": "Indirect CO₂",
        "intensity_change": "Intensity change vs base year",
        "npv_year": "Discounted cost",
        "shadow_title": "Shadow prices of the target constraints",
        "schedule_title": "Yearly schedule (closures, retrofits, new builds, investment)",
        "schedule_note": (
            "Capacity closed at the lines' nameplate; capex and operating cost nominal in each year."
        ),
        "sheet_schedule": "Schedule",
        "sheet_by_city": "By city",
        "sheet_investment": "Investment by year",
        "price_basis": "Price basis",
        "prices_within_gap": (
            " The range includes 0: at this optimality gap the target is not proven to cost anything."
        ),
        "sheet_by_company": "By company",
        "by_city_title": "Yearly schedule by city",
        "by_company_title": "Yearly schedule by company",
        "investment_title": "Investment and capacity closed by year",
        "lines_closed": "Lines closed",
        "capacity_closed": "Capacity closed",
        "closed_lines": "Lines",
        "retrofits": "Retrofits",
        "retrofits_by_tech": "Retrofits by technology",
        "new_builds": "New lines",
        "new_capacity": "New capacity",
        "operating_cost": "Operating cost",
        "prices_title": "What each target costs",
        "prices_note": (
            "Target cost = today's optimum minus the optimum re-solved without the target (same g"
            "ap and time limit); shadow prices from the LP with integer decisions fixed, given on"
            "ly where the target binds."
        ),
        "sheet_prices": "Target prices",
        "slack": "Slack",
        "dual_price": "Shadow price",
        "price_unit": "Price unit",
        "target_cost": "Target cost",
        "target_cost_range": "Cost range",
        "prices_sentence": (
            "{target} ({year}, {kind}): this target raises the total cost by about {cost:,.2f} M "
            "CNY (between {low:,.2f} and {high:,.2f} M CNY)."
        ),
        "prices_sentence_none": (
            "{target} ({year}, {kind}): binding, but could not be re-solved without it in time ({status})."
        ),
        "prices_sentence_skipped": (
            "{target} ({year}, {kind}): binding; its cost was not re-solved in this run "
            "(--no-target-costs, or beyond the number of targets re-solved)."
        ),
        "gap_warning": (
            "Note: the time limit stopped the search before the requested gap (requested {request"
            "ed:.2%}, reached {reached}). The plan is feasible and verified but may not be the ch"
            "eapest."
        ),
        "no_new_build": "no new build",
        "prices_none_binding": (
            "No target binds in this plan (every slack exceeds the tolerance: 0.1 point for share"
            "s and cuts, 0.1 % otherwise), so no shadow price is given and no target cost was re-"
            "solved."
        ),
        "relaxation_in_unit": "Relaxation (target's unit)",
        "absolute": "Relaxation (absolute)",
        "absolute_unit": "Absolute unit",
        "constraint": "Constraint",
        "dual": "Dual (CNY per constraint unit)",
        "binding": "Binding",
        "infeasibility_title": "Targets cannot all be met: least relaxation",
        "relaxation": "Relaxation",
        "note": "Note",
        "no_plan": "This run found no plan; only the summary is shown.",
        "no_plan_time_limit": (
            "Note: no plan was found within the {limit:.0f} s time limit. "
            "Run again with a longer --time-limit."
        ),
        "errors_none": "",
        "sheet_summary": "Summary",
        "sheet_targets": "Targets",
        "sheet_plan": "Plan",
        "sheet_kpis": "Sector KPIs",
        "sheet_costs": "Costs",
        "sheet_mac": "MAC",
        "sheet_shadow": "Shadow prices",
        "sheet_infeasibility": "Infeasibility",
        "item": "Item",
        "value": "Value",
        "sector_total": "total",
        "mac_unavailable": "The evaluation could not be rebuilt (instance not readable): no MAC curve.",
        "rebuilt_differs": "Note: evaluated again with the instance files as they are now, the plan's NPV is "
        "{npv:,.0f} CNY, not the {recorded:,.0f} CNY the run recorded; the instance was probably "
        "edited after the run, and the MAC curve reflects the current files.",
    },
}


def with_unit(name: str, unit_label: str) -> str:
    """Column or axis title with its unit, as planners expect to see it."""
    return f"{name} ({unit_label})" if unit_label else name
