"""The union-find of place resolution (:func:`twingraph.resolve.resolve_places`): groups of place
rows, with what the guards against a wrong join need per group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .geo import haversine_km

class UnionFind:
    """Union-find over row positions keeping, per group, what the guards need.

    Parameters
    ----------
    frame : DataFrame
        One row per place row, with ``qid``, ``country``, ``lat`` and ``lon``.
    max_km : float
        Two groups with coordinates further apart than this are never joined.

    Attributes
    ----------
    parent : list of int
        Each row's parent (a root is its own parent).
    qids, countries : list of set of str
        Per root, the QIDs and countries of its group's rows.
    coords : list of list of (float, float)
        Per root, the coordinates of its group's rows.
    members : list of list of int
        Per root, the rows of its group (empty for a non-root).
    cannot : set of (int, int)
        Row pairs ``(i, j)``, ``i < j``, that must stay apart (cannot-link overrides).
    """

    def __init__(self, frame: pd.DataFrame, max_km: float) -> None:
        n = len(frame)
        self.parent = list(range(n))
        self.max_km = max_km
        self.qids = [{q} if isinstance(q, str) and q else set() for q in frame["qid"]]
        self.countries = [{c} if isinstance(c, str) and c else set() for c in frame["country"]]
        self.coords = [[(la, lo)] if not (np.isnan(la) or np.isnan(lo)) else []
                       for la, lo in zip(frame["lat"].to_numpy(float), frame["lon"].to_numpy(float), strict=True)]
        self.members: list[list[int]] = [[i] for i in range(n)]
        self.cannot: set[tuple[int, int]] = set()

    def find(self, i: int) -> int:
        """The root of a row's group (path halving on the way).

        Parameters
        ----------
        i : int
            Row position.

        Returns
        -------
        int
            The root's row position.
        """
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def why_not(self, i: int, j: int) -> str:
        """The guard that forbids joining the groups of two rows, if any.

        Parameters
        ----------
        i, j : int
            Row positions.

        Returns
        -------
        str
            ``""`` when the join is allowed (or the rows are already one group), else
            ``"different-qid"``, ``"different-country"``, ``"coordinates-<d>km-apart"`` or
            ``"cannot-link"``.
        """
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return ""
        if self.qids[ri] and self.qids[rj] and self.qids[ri] != self.qids[rj]:
            return "different-qid"
        if self.countries[ri] and self.countries[rj] and self.countries[ri] != self.countries[rj]:
            return "different-country"
        if self.coords[ri] and self.coords[rj]:
            a = np.asarray(self.coords[ri])
            b = np.asarray(self.coords[rj])
            d = haversine_km(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1])
            if float(d.max()) > self.max_km:
                return f"coordinates-{float(d.max()):.0f}km-apart"
        mi, mj = self.members[ri], self.members[rj]
        if self.cannot and any((min(x, y), max(x, y)) in self.cannot for x in mi for y in mj):
            return "cannot-link"
        return ""

    def union(self, i: int, j: int) -> None:
        """Join the groups of two rows (the smaller under the larger), without checking the guards.

        Parameters
        ----------
        i, j : int
            Row positions.
        """
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return
        if len(self.members[ri]) < len(self.members[rj]):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.members[ri] += self.members[rj]
        self.qids[ri] |= self.qids[rj]
        self.countries[ri] |= self.countries[rj]
        self.coords[ri] += self.coords[rj]
        self.members[rj] = []
