"""Read a run folder into one object the report builders share.

The CSV files are the record of the run, so every figure shown comes from them; the
instance is loaded again only for names (Chinese/English) and to rebuild the exact
evaluation the marginal-abatement curve needs. A run folder whose instance moved or no
longer validates still gets a report, with ids instead of names and no MAC curve.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer.data.instance import Instance
from optimizer.data.load import catalogue_dir, load_instance
from optimizer.errors import InputError
from optimizer.evaluator.api import Evaluation, evaluate
from optimizer.overrides import apply_overrides
from optimizer.plan_io import read_plan
from optimizer.report.labels import check_lang, output_unit
from optimizer.report.text import TEXT

# Order of the rows of costs.csv (Evaluation.cost_breakdown): a run writes that frame without
# its index, so older folders carry no component column and are matched by position.
COST_ORDER = ("capex", "om", "fuel", "electricity", "carbon", "salvage", "closure", "total")
_LEGACY_COST_ORDER = ("capex", "om", "fuel", "electricity", "carbon", "salvage", "total")  # no closure

_PLAN_TEXT = ("line_id", "company", "city", "sector", "action", "technologies", "new_technologies")


@dataclass
class RunData:
    """Everything read from one run folder, plus the names to show in one language."""

    run_dir: Path
    lang: str
    summary: dict
    targets: pd.DataFrame | None
    plan: pd.DataFrame | None
    kpis: pd.DataFrame | None
    costs: pd.DataFrame | None
    shadow: pd.DataFrame | None
    infeasibility: pd.DataFrame | None
    instance: Instance | None = None
    schedule: pd.DataFrame | None = None
    schedule_by_city: pd.DataFrame | None = None
    schedule_by_company: pd.DataFrame | None = None
    target_prices: pd.DataFrame | None = None
    city_names: dict[str, str] = field(default_factory=dict)
    company_names: dict[str, str] = field(default_factory=dict)
    evaluation: Evaluation | None = None
    sector_names: dict[str, str] = field(default_factory=dict)
    sector_units: dict[str, str] = field(default_factory=dict)
    tech_names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def t(self, key: str) -> str:
        """The report's own word for ``key`` in this report's language."""
        return TEXT[self.lang][key]

    def city(self, name: str) -> str:
        """The city as lines.csv spells it in this language (``city_zh`` where given)."""
        return self.city_names.get(name, name)

    def company(self, name: str) -> str:
        return self.company_names.get(name, name)

    def sector(self, sector_id: str) -> str:
        return self.sector_names.get(sector_id, sector_id)

    def tech(self, tech_id: str) -> str:
        return self.tech_names.get(tech_id, tech_id)

    def techs(self, cell: object, sep: str = "; ") -> str:
        """A ';'-separated cell of technology ids as names."""
        return sep.join(self.tech(t) for t in split_cell(cell))

    def sector_unit(self, sector_id: str) -> str:
        return self.sector_units.get(sector_id, "t")

    def output_unit_label(self, sector_id: str) -> str:
        return output_unit(self.lang, self.sector_unit(sector_id)).label

    @property
    def years(self) -> list[int]:
        if self.kpis is not None and len(self.kpis):
            return sorted(int(y) for y in self.kpis["year"].unique())
        if self.plan is not None and len(self.plan):
            return sorted(int(y) for y in self.plan["year"].unique())
        return []

    @property
    def base_year(self) -> int | None:
        years = self.years
        return years[0] if years else None

    @property
    def sectors(self) -> list[str]:
        """Sectors with data, in the instance's sector order where known."""
        present: list[str] = []
        if self.kpis is not None:
            present = list(dict.fromkeys(self.kpis["sector"]))
        order = list(self.sector_names)
        return sorted(present, key=lambda s: order.index(s) if s in order else len(order))


def split_cell(cell: object) -> list[str]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    return [p.strip() for p in str(cell).split(";") if p.strip()]


def _read_csv(path: Path, **kwargs: object) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return pd.read_csv(path, **kwargs)  # type: ignore[call-overload]


def _met(value: object) -> bool | None:
    """targets.csv writes True/False, and nothing for targets that are not modelled."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "1.0"}:
        return True
    if text in {"false", "0", "0.0"}:
        return False
    return None


def _costs(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None:
        return None
    if "component" not in frame.columns:
        order = {len(COST_ORDER): COST_ORDER, len(_LEGACY_COST_ORDER): _LEGACY_COST_ORDER}.get(len(frame))
        if order is None:
            return None
        frame = frame.assign(component=list(order))
    return frame[["component", "nominal_cny", "discounted_cny"]].reset_index(drop=True)


def load_run(
    run_dir: Path,
    lang: str = "zh",
    *,
    instance: Instance | None = None,
    evaluation: Evaluation | None = None,
) -> RunData:
    """Read ``run_dir``; ``instance``/``evaluation`` skip re-loading when the caller has them."""
    lang = check_lang(lang)
    run_dir = Path(run_dir)
    summary_path = run_dir / "summary.json"
    if not summary_path.exists():
        raise FileNotFoundError(f"{run_dir} is not a run folder: summary.json is missing")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    targets = _read_csv(run_dir / "targets.csv", dtype={"met": object, "group": str, "scope": str})
    if targets is not None:
        targets["met"] = [_met(v) for v in targets["met"]]
        for column in ("group", "scope", "source", "description", "unit", "source_en", "description_zh"):
            if column not in targets.columns:  # run folders written before the column existed
                targets[column] = ""
            targets[column] = targets[column].fillna("").astype(str)
    plan = _read_csv(
        run_dir / "plan.csv",
        dtype={c: str for c in _PLAN_TEXT},
    )
    if plan is not None:
        for column in _PLAN_TEXT:
            plan[column] = plan[column].fillna("")
    data = RunData(
        run_dir=run_dir,
        lang=lang,
        summary=summary,
        targets=targets,
        plan=plan,
        kpis=_read_csv(run_dir / "kpis.csv"),
        costs=_costs(_read_csv(run_dir / "costs.csv")),
        shadow=_read_csv(run_dir / "shadow_prices.csv"),
        infeasibility=_read_csv(run_dir / "infeasibility.csv"),
        instance=instance,
        evaluation=evaluation,
        schedule=_read_csv(
            run_dir / "schedule.csv", dtype={"closed_lines": str, "retrofits_by_technology": str}
        ),
        schedule_by_city=_read_csv(run_dir / "schedule_by_city.csv", dtype={"city": str}),
        schedule_by_company=_read_csv(run_dir / "schedule_by_company.csv", dtype={"company": str}),
        target_prices=_read_csv(run_dir / "target_prices.csv", dtype={"group": str}),
    )
    if data.instance is None:
        data.instance = _load_instance(summary, data.notes, run_dir)
    _names(data)
    for frame in (data.plan, data.schedule_by_city, data.schedule_by_company):
        if frame is not None:
            if "city" in frame.columns and data.city_names:
                frame["city"] = [data.city(str(c)) for c in frame["city"]]
            if "company" in frame.columns and data.company_names:
                frame["company"] = [data.company(str(c)) for c in frame["company"]]
    if data.evaluation is None and data.instance is not None and plan is not None:
        try:
            data.evaluation = evaluate(data.instance, read_plan(data.instance, run_dir / "plan.csv"))
        except InputError as error:
            data.notes.append(f"plan.csv could not be evaluated again: {error}")
        recorded = summary.get("evaluator_npv_cny")
        if data.evaluation is not None and recorded is not None:
            # instance files edited since the run: the MAC curve would describe another problem
            npv = data.evaluation.npv_cny
            if abs(npv - float(recorded)) > 1e-6 * max(abs(float(recorded)), 1.0):
                data.notes.append(data.t("rebuilt_differs").format(npv=npv, recorded=float(recorded)))
    return data


def _load_instance(summary: dict, notes: list[str], run_dir: Path | None = None) -> Instance | None:
    path = summary.get("instance_path")
    if not path:
        return None
    try:
        base = load_instance(Path(path))
        instance = apply_overrides(base, summary.get("carbon_price"), list(summary.get("overrides") or []))
        if summary.get("company") and run_dir is not None and (run_dir / "goals.csv").is_file():
            # a portfolio run: the company's lines, its goals and decisions, its share of demand
            from optimizer.portfolio.company import company_instance

            given = run_dir / "decisions_given.csv"
            decisions = pd.read_csv(given, dtype=str, keep_default_na=False) if given.is_file() else None
            goals = pd.read_csv(run_dir / "goals.csv", dtype=str, keep_default_na=False)
            return company_instance(instance, str(summary["company"]), goals, decisions)
        return instance
    except (InputError, OSError) as error:
        notes.append(f"instance {path} could not be loaded: {error}")
        return None


def _names(data: RunData) -> None:
    """Sector and technology names in the report language, from the instance or catalogue."""
    column = f"name_{data.lang}"
    if data.instance is not None:
        sectors, techs = data.instance.sectors, data.instance.technologies
    else:
        folder = catalogue_dir()
        sectors = pd.read_csv(folder / "sectors.csv").set_index("sector", drop=False)
        techs = pd.read_csv(folder / "technologies.csv").set_index("tech_id", drop=False)
    data.sector_names = {str(k): str(v) for k, v in sectors[column].items() if isinstance(v, str) and v}
    data.sector_units = {str(k): str(v) for k, v in sectors["unit"].items()}
    data.tech_names = {str(k): str(v) for k, v in techs[column].items() if isinstance(v, str) and v}
    if data.lang == "zh" and data.instance is not None:
        # GEM-based fleets carry Chinese names (city_zh, company_zh); older fleets only pinyin
        lines = data.instance.lines
        for raw, names in (("city", data.city_names), ("company", data.company_names)):
            if f"{raw}_zh" in lines.columns:
                for k, v in zip(lines[raw], lines[f"{raw}_zh"], strict=True):
                    if isinstance(v, str) and v.strip():
                        names[str(k)] = v.strip()


def data_sources_text(data: RunData) -> str:
    """Which sectors are real plants and which synthetic, with the GEM attribution (CC BY 4.0)."""
    from optimizer.data.gem import GEM_ATTRIBUTION
    from optimizer.summary import real_plants_summary

    if data.instance is None:
        return ""
    rows = real_plants_summary(data.instance)
    real = [r for r in rows if r["real_lines"]]
    synthetic = [data.sector(r["sector"]) for r in rows if not r["real_lines"]]
    text = "".join(
        data.t("real_plants").format(
            sectors=data.sector(r["sector"]), plants=r["real_plants"], share=f"{r['real_capacity_share']:.0%}"
        )
        for r in real
    )
    if synthetic:
        text += data.t("synthetic_sectors").format(sectors=", ".join(synthetic))
    if real:
        text += f" {GEM_ATTRIBUTION} CC BY 4.0."
    return f"{data.t('data_sources')}: {text}"
