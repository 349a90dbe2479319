"""Line paths: a line's whole plan as one choice, and what each column of the model is.

A *path* keeps a line on its base package (no new technology), or switches it to one kept
package in one model year and keeps it there, and may close the line in one model year (a
closure the instance forces is always taken; a voluntary closure never follows a retrofit).
Every path keeps the line's own rows by construction: one state a year, retirement is final,
retrofits persist, and the adoption, campaign and salvage indicators it implies are set
(adoption in the switch year; salvage when the line runs at the end). Paths the column bounds
forbid (planner decisions, forced closures, kept lines) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from optimizer.models.constraints.core import output_bounds
from optimizer.models.data import ModelData
from optimizer.solvers.base import StandardForm

X, R, A, C, Z, N, Q, QN, OTHER = range(9)
_KINDS = {"x": X, "r": R, "a": A, "c": C, "z": Z, "n": N, "q": Q, "qn": QN}
DETERMINED = (X, R, A, C, Z, N)
"""Columns a plan fixes: states, retirements, replacement lines, and the adoption, campaign
and salvage indicators they imply."""


@dataclass
class ColumnMap:
    """What each column of the planning model is: kind (x, r, …), line, and look-ups."""

    kind: np.ndarray
    line: np.ndarray
    x: dict[tuple[int, int, int], int]
    r: dict[tuple[int, int], int]
    a: dict[tuple[int, int, int], int]
    c: dict[tuple[int, int], int]
    z: dict[tuple[int, int, int], int]
    q: dict[tuple[int, int, int], int]
    n: dict[tuple[str, int], int]

    @classmethod
    def of(cls, columns: list, n_lines: int) -> ColumnMap:
        """Columns of a replacement-line sector (n, qn) count as one more line each, so the
        rows tying them together are that sector's own, not coupling rows."""
        kind = np.full(len(columns), OTHER, dtype=np.int8)
        line = np.full(len(columns), -1, dtype=np.int64)
        maps: dict[int, dict] = {k: {} for k in range(9)}
        sectors: dict[str, int] = {}
        for i, var in enumerate(columns):
            k = _KINDS.get(var.parent_component().local_name, OTHER)
            kind[i] = k
            index = var.index()
            key = index if isinstance(index, tuple) else (index,)
            maps[k][key] = i
            if k in (X, R, A, C, Z, Q):
                line[i] = int(key[0])
            elif k in (N, QN):
                line[i] = n_lines + sectors.setdefault(str(key[0]), len(sectors))
        return cls(kind, line, maps[X], maps[R], maps[A], maps[C], maps[Z], maps[Q], maps[N])


@dataclass
class Paths:
    """Candidate paths of every line: the columns each sets (values), and its output columns."""

    line: np.ndarray  # (P,)
    det: sp.csc_array  # (n_cols, P) values of the determined columns
    qcol: np.ndarray  # (P, T) output column per model year, -1 while closed
    qmin: np.ndarray  # (P, T)
    qmax: np.ndarray  # (P, T)
    label: list[tuple[int, int, int]]  # (package or -1, switch year or 0, closure year or 0)
    base: np.ndarray  # (L,) the path each line starts on, -1 for a line without one


def _can_close(d: ModelData, cm: ColumnMap, up: np.ndarray, l: int, t: int, kept_until: int | None) -> bool:
    """Whether line l may be closed from model year t (not kept open then, r not held at 0)."""
    if kept_until is not None and t <= kept_until:
        return False
    i = cm.r.get((l, t))
    if i is None:  # r fixed outside the form: only a forced closure
        return (l, t) in d.forced_retire
    return bool(up[i] >= 0.5)


class _LineColumns:
    """One line's columns, looked up once per package and year however many paths use them."""

    def __init__(self, d: ModelData, cm: ColumnMap, up: np.ndarray, l: int):
        self.d, self.cm, self.up, self.l = d, cm, up, l
        self._states: dict[tuple[int, int], tuple[int, int, float, float] | None] = {}
        self._adoptions: dict[tuple[int, int, bool], list[int]] = {}

    def state(self, pkg: int, t: int) -> tuple[int, int, float, float] | None:
        """(x column, output column, least and most output) on package pkg in t; None when
        the bounds forbid it."""
        key = (pkg, t)
        if key not in self._states:
            i = self.cm.x.get((self.l, pkg, t))
            if i is None or self.up[i] < 0.5:
                self._states[key] = None
            else:
                q_low, q_high = output_bounds(self.d, self.l, pkg, t)
                self._states[key] = (i, self.cm.q.get((self.l, pkg, t), -1), q_low, q_high)
        return self._states[key]

    def adoption(self, pkg: int, t: int, salvage: bool) -> list[int]:
        """Adoption (and, when the line runs to the end, salvage) indicators of pkg's
        technologies taken up in t, and the campaign indicator: the line switches from its
        base package, which has no technology."""
        key = (pkg, t, salvage)
        if key not in self._adoptions:
            cm, l, techs = self.cm, self.l, self.d.packages.techs[pkg]
            cols = [cm.a[(l, k, t)] for k in techs if (l, k, t) in cm.a]
            if salvage:
                cols += [cm.z[(l, k, t)] for k in techs if (l, k, t) in cm.z]
            if cols and (l, t) in cm.c:
                cols.append(cm.c[(l, t)])
            self._adoptions[key] = cols
        return self._adoptions[key]


def line_paths(d: ModelData, cm: ColumnMap, form: StandardForm) -> Paths:
    """Every line's paths (module docstring) that the form's column bounds allow."""
    years = list(d.model_years)
    lines_out: list[int] = []
    rows_i: list[int] = []
    cols_i: list[int] = []
    qcols: list[list[int]] = []
    qmins: list[list[float]] = []
    qmaxs: list[list[float]] = []
    labels: list[tuple[int, int, int]] = []
    base = np.full(len(d.lines), -1, dtype=np.int64)
    up, lo = form.col_upper, form.col_lower
    techs = d.packages.techs

    for l in d.lines:
        pkgs = d.pkgs_of_line[l]
        if not pkgs:
            continue
        empty = [j for j in pkgs if not techs[j]]
        base_pkg = empty[0] if empty else None
        forced = sorted(t for t in years if (l, t) in d.forced_retire)
        t_forced = forced[0] if forced else None
        kept_until = max((t for t in years if (l, t) in d.forced_keep), default=None)
        closures: list[int | None] = []
        if t_forced is None:
            closures.append(None)
        closures += [
            t
            for t in years
            if (t_forced is None or t <= t_forced) and _can_close(d, cm, up, l, t, kept_until)
        ]
        options: list[tuple[int | None, int | None, int | None]] = []
        for T in closures:
            if base_pkg is not None:
                options.append((None, None, T))
            if T is None or t_forced == T:  # a voluntary closure never follows a retrofit here
                for j in pkgs:
                    if j == base_pkg:
                        continue
                    for y in years:
                        if T is not None and y >= T:
                            break
                        options.append((j, y, T))
        r_col = {t: cm.r.get((l, t)) for t in years}
        held_open = {t: r_col[t] is not None and lo[r_col[t]] > 0.5 for t in years}
        line = _LineColumns(d, cm, up, l)

        for j, y, T in options:
            cols: list[int] = []
            qc: list[int] = []
            qn_: list[float] = []
            qx: list[float] = []
            ok = True
            for t in years:
                if T is not None and t >= T:
                    i = r_col[t]
                    if i is not None:
                        cols.append(i)
                    qc.append(-1)
                    qn_.append(0.0)
                    qx.append(0.0)
                    continue
                pkg = j if (j is not None and y is not None and t >= y) else base_pkg
                st = None if pkg is None or held_open[t] else line.state(pkg, t)
                if st is None:
                    ok = False
                    break
                cols.append(st[0])
                qc.append(st[1])
                qn_.append(st[2])
                qx.append(st[3])
                if j is not None and t == y:
                    cols += line.adoption(j, t, T is None)
            if not ok:
                continue
            p = len(lines_out)
            if j is None and (T is None or t_forced == T) and base[l] < 0:
                base[l] = p
            lines_out.append(l)
            rows_i += cols
            cols_i += [p] * len(cols)
            qcols.append(qc)
            qmins.append(qn_)
            qmaxs.append(qx)
            labels.append((-1 if j is None else j, 0 if y is None else y, 0 if T is None else T))
    vals = [1.0] * len(rows_i)
    det = sp.csc_array(
        (np.array(vals), (np.array(rows_i, dtype=np.int64), np.array(cols_i, dtype=np.int64))),
        shape=(form.shape[1], len(lines_out)),
    )
    return Paths(
        np.array(lines_out, dtype=np.int64),
        det,
        np.array(qcols, dtype=np.int64).reshape(len(lines_out), len(years)),
        np.array(qmins, dtype=float).reshape(len(lines_out), len(years)),
        np.array(qmaxs, dtype=float).reshape(len(lines_out), len(years)),
        labels,
        base,
    )
