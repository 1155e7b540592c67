"""Sandwich variances for Cox regression: one-way clustered, multi-way clustered and dyadic-robust.

All take the score residuals ``U`` (rows x p, :func:`twingraph.survival.likelihood.score_residuals`)
and the model-based variance ``V`` (inverse information) and return ``V M V`` for a "meat" ``M``:

* one-way (Lin & Wei 1989; R ``coxph(..., cluster=g)``): ``M = sum_g U_g U_g'`` with ``U_g`` the
  sum of the residuals of cluster ``g``; no small-sample factor, as R;
* multi-way (Cameron, Gelbach & Miller 2011): inclusion-exclusion over the non-empty subsets of the
  clusterings, ``V_A + V_B - V_{A and B}`` for two;
* dyadic (Aronow, Samii & Assenova 2015; Fafchamps & Gubert 2007): rows ``i, j`` are dependent when
  their dyads share a node (either endpoint, in either position): ``M = sum_{i,j share a node}
  U_i U_j' = sum_n S_n S_n' - sum_d T_d T_d'`` where ``S_n`` sums the residuals of all rows touching
  node ``n`` and ``T_d`` those of dyad ``d`` (pairs sharing both nodes, i.e. the same dyad, are
  counted twice by the node sums).

Multi-way and dyadic meats need not be positive semi-definite; negative eigenvalues are set to zero
(Cameron, Gelbach & Miller 2011, section 2.3) and counted in the returned ``clipped`` flag.

References
----------
Lin, D. Y. & Wei, L. J. (1989). The robust inference for the Cox proportional hazards model.
*JASA* 84, 1074-1078.
Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2011). Robust inference with multiway clustering.
*J. Business & Economic Statistics* 29, 238-249.
Aronow, P. M., Samii, C. & Assenova, V. A. (2015). Cluster-robust variance estimation for dyadic
data. *Political Analysis* 23, 564-577.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["cluster_variance", "multiway_variance", "dyadic_variance"]


def _codes(g: Any) -> np.ndarray:
    arr = g.to_numpy() if isinstance(g, pd.Series) else np.asarray(g)
    if arr.dtype.kind in "iub":
        return np.unique(arr, return_inverse=True)[1].ravel()
    codes = pd.factorize(pd.Series(arr, dtype=object))[0]
    if (codes < 0).any():
        raise ValueError("cluster labels must not be missing")
    return codes


def _group_sums(resid: np.ndarray, codes: np.ndarray) -> np.ndarray:
    out = np.zeros((int(codes.max()) + 1 if len(codes) else 0, resid.shape[1]))
    np.add.at(out, codes, resid)
    return out


def _psd(m: np.ndarray) -> tuple[np.ndarray, bool]:
    w, v = np.linalg.eigh((m + m.T) / 2)
    if np.all(w >= -1e-12 * max(1.0, np.abs(w).max())):
        return m, False
    return (v * np.clip(w, 0, None)) @ v.T, True


def cluster_variance(resid: np.ndarray, bread: np.ndarray, groups: Any) -> np.ndarray:
    """One-way clustered sandwich ``V (sum_g U_g U_g') V``.

    Parameters
    ----------
    resid
        Score residuals, rows x p.
    bread
        Model-based variance (inverse information), p x p.
    groups
        Cluster label of each row.

    Returns
    -------
    numpy.ndarray, p x p.

    Examples
    --------
    >>> import numpy as np
    >>> cluster_variance(np.array([[1.0], [-1.0]]), np.eye(1), [0, 0])
    array([[0.]])
    """
    g = _group_sums(np.asarray(resid, float), _codes(groups))
    return bread @ (g.T @ g) @ bread


def multiway_variance(resid: np.ndarray, bread: np.ndarray, *groupings: Any) -> tuple[np.ndarray, bool]:
    """Multi-way clustered sandwich (Cameron, Gelbach & Miller 2011).

    Parameters
    ----------
    resid, bread
        As :func:`cluster_variance`.
    *groupings
        Two or more label arrays; rows sharing a label in *any* of them are dependent.

    Returns
    -------
    (variance, clipped): clipped is True when negative eigenvalues of the meat were set to 0.
    """
    resid = np.asarray(resid, float)
    codes = [_codes(g) for g in groupings]
    meat = np.zeros((resid.shape[1], resid.shape[1]))
    for r in range(1, len(codes) + 1):
        for sub in combinations(codes, r):
            joint = pd.factorize(pd.MultiIndex.from_arrays(list(sub)))[0] if r > 1 else sub[0]
            g = _group_sums(resid, joint)
            meat += (-1) ** (r + 1) * (g.T @ g)
    meat, clipped = _psd(meat)
    return bread @ meat @ bread, clipped


def dyadic_variance(resid: np.ndarray, bread: np.ndarray, node_a: Any, node_b: Any) -> tuple[np.ndarray, bool]:
    """Dyadic-robust sandwich (Aronow, Samii & Assenova 2015).

    Parameters
    ----------
    resid, bread
        As :func:`cluster_variance`.
    node_a, node_b
        The two endpoints (e.g. place ids) of each row's dyad; order does not matter.

    Returns
    -------
    (variance, clipped): clipped is True when negative eigenvalues of the meat were set to 0.

    Examples
    --------
    Two rows sharing node "q" are dependent; a third, disjoint row is not:

    >>> import numpy as np
    >>> U = np.array([[1.0], [1.0], [1.0]])
    >>> dyadic_variance(U, np.eye(1), ["p", "q", "s"], ["q", "r", "t"])[0]
    array([[5.]])
    """
    resid = np.asarray(resid, float)
    a = node_a.to_numpy() if isinstance(node_a, pd.Series) else np.asarray(node_a)
    b = node_b.to_numpy() if isinstance(node_b, pd.Series) else np.asarray(node_b)
    if not (a.dtype.kind in "iu" and b.dtype.kind in "iu"):
        a, b = a.astype(object), b.astype(object)
        if np.any(pd.isna(a)) or np.any(pd.isna(b)):
            raise ValueError("dyad endpoints must not be missing")
        a, b = a.astype(str), b.astype(str)
    if np.any(a == b):
        raise ValueError("a dyad joins two different nodes")
    nodes, inv = np.unique(np.r_[a, b], return_inverse=True)
    inv = inv.ravel()
    n = len(a)
    S = np.zeros((len(nodes), resid.shape[1]))
    np.add.at(S, inv[:n], resid)
    np.add.at(S, inv[n:], resid)
    lo, hi = np.minimum(inv[:n], inv[n:]), np.maximum(inv[:n], inv[n:])
    T = _group_sums(resid, pd.factorize(lo * len(nodes) + hi)[0])
    meat, clipped = _psd(S.T @ S - T.T @ T)
    return bread @ meat @ bread, clipped
