"""What a plan does to each line, and when: one row per line from a run's plan.csv."""

from __future__ import annotations

import pandas as pd

EXIT_ACTIONS = ("retire", "swap_out")


def line_actions(plan: pd.DataFrame) -> pd.DataFrame:
    """Per line_id: exit action and year, technologies adopted with their year, and a one-line story.

    ``plan`` is a plan.csv table (line_id, year, action, new_technologies, ...)."""
    missing = {"line_id", "year", "action", "new_technologies"} - set(plan.columns)
    if missing:
        raise ValueError(f"plan.csv: missing columns {sorted(missing)} (expected a plan written by optimize)")
    rows = []
    for line_id, g in plan.sort_values("year").groupby("line_id", sort=True):
        exits = g[g["action"].isin(EXIT_ACTIONS)]
        exit_action = str(exits["action"].iloc[0]) if len(exits) else ""
        exit_year = int(exits["year"].to_numpy()[0]) if len(exits) else None
        built = g[g["action"] == "new_build"]
        adopted = [
            f"{tech}@{year}"
            for year, new in zip(g["year"].astype(int), g["new_technologies"], strict=True)
            for tech in (new if isinstance(new, str) else "").split(";")
            if tech
        ]
        parts = []
        if len(built):
            parts.append(f"new_build {int(built['year'].iloc[0])}")
        parts += [f"adopt {a}" for a in adopted]
        if exit_action:
            parts.append(f"{exit_action} {exit_year}")
        rows.append(
            {
                "line_id": line_id,
                "exit_action": exit_action,
                "exit_year": exit_year,
                "adopted": ";".join(adopted),
                "story": "; ".join(parts) or "keep",
            }
        )
    return pd.DataFrame(rows, columns=["line_id", "exit_action", "exit_year", "adopted", "story"])


def line_differences(plans: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """line_id × run: each run's story for the line, ``differs`` and ``in_runs``.

    Lines that some runs do not have read "(not in this run)" and count as differing, so a
    mismatch between instances shows instead of being dropped."""
    stories = {name: line_actions(p).set_index("line_id")["story"] for name, p in plans.items()}
    ids = sorted(set().union(*(s.index for s in stories.values())))
    table = pd.DataFrame({"line_id": ids})
    for name, s in stories.items():
        table[name] = [s.get(i, ABSENT) for i in ids]
    cols = list(stories)
    table["in_runs"] = [sum(table.at[i, c] != ABSENT for c in cols) for i in table.index]
    # bool even when no run has a line (no plan anywhere): a boolean mask, never a column list
    table["differs"] = pd.Series(
        [len({table.at[i, c] for c in cols}) > 1 for i in table.index], index=table.index, dtype=bool
    )
    return table


ABSENT = "(not in this run)"


def decision_delta(first: pd.DataFrame, other: pd.DataFrame) -> str:
    """What ``other`` does differently from ``first``, per line: "L1: +tech@2030 -tech@2027 exit a→b".

    Both are plan.csv tables; lines only one of them has are named as missing."""
    a = line_actions(first).set_index("line_id")
    b = line_actions(other).set_index("line_id")
    parts = []
    for line in sorted(set(a.index) | set(b.index)):
        if line not in a.index or line not in b.index:
            parts.append(f"{line}: only in {'the other plan' if line in b.index else 'the first plan'}")
            continue
        adopted_a = set(filter(None, str(a.at[line, "adopted"] or "").split(";")))
        adopted_b = set(filter(None, str(b.at[line, "adopted"] or "").split(";")))
        change = [f"+{t}" for t in sorted(adopted_b - adopted_a)] + [
            f"-{t}" for t in sorted(adopted_a - adopted_b)
        ]
        exit_a, exit_b = _exit(a.loc[line]), _exit(b.loc[line])
        if exit_a != exit_b:
            change.append(f"exit {exit_a}→{exit_b}")
        if change:
            parts.append(f"{line}: {' '.join(change)}")
    return "; ".join(parts)


def _exit(row: pd.Series) -> str:
    return f"{row['exit_action']} {int(row['exit_year'])}" if row["exit_action"] else "—"


__all__ = [
    "ABSENT",
    "catalogue_tech_names_zh",
    "decision_delta",
    "instance_tech_names_zh",
    "line_actions",
    "line_differences",
    "story_in",
]


STORY_ZH = {"new_build": "{year} 年新建", "retire": "{year} 年退出", "swap_out": "{year} 年置换退出"}


def story_in(lang: str, story: str, tech_names: dict[str, str]) -> str:
    """A line's story (:func:`line_actions`) in ``lang``: "adopt cooler_4th_gen@2026; retire
    2029" reads "2026 年采用 第四代篦冷机; 2029 年退出" in Chinese; technologies not in
    ``tech_names`` (a planner's own) keep their id."""
    if lang != "zh" or story == ABSENT:
        return story
    if story == "keep":
        return "保留(不改造、不退出)"
    parts = []
    for part in story.split("; "):
        word, _, rest = part.partition(" ")
        if word == "adopt":
            tech, _, year = rest.rpartition("@")
            parts.append(f"{year} 年采用 {tech_names.get(tech, tech)}")
        elif word in STORY_ZH:
            parts.append(STORY_ZH[word].format(year=rest))
        else:
            parts.append(part)
    return "; ".join(parts)


def catalogue_tech_names_zh() -> dict[str, str]:
    """tech_id -> Chinese name of the shipped catalogue's technologies."""
    from optimizer.data.load import catalogue_dir

    table = pd.read_csv(catalogue_dir() / "technologies.csv", usecols=["tech_id", "name_zh"], dtype=str)
    return dict(zip(table["tech_id"], table["name_zh"].fillna(table["tech_id"]), strict=True))


def instance_tech_names_zh(instance_paths: list[str | None]) -> dict[str, str]:
    """tech_id -> Chinese name: the shipped catalogue's, then each run instance's own
    ``technologies.csv`` (where the folder still exists) over it, so a planner's renamed or
    added technologies read in their own words."""
    from pathlib import Path

    names = catalogue_tech_names_zh()
    for path in instance_paths:
        own = Path(path) / "technologies.csv" if path else None
        if own is None or not own.is_file():
            continue
        table = pd.read_csv(own, dtype=str)
        if {"tech_id", "name_zh"} <= set(table.columns):
            names |= {
                t: n
                for t, n in zip(table["tech_id"], table["name_zh"], strict=True)
                if isinstance(n, str) and n
            }
    return names
