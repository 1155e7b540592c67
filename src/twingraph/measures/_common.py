"""Shared helpers for the measures package: graph coercion, vertex labels (the seeding helpers live
in :mod:`twingraph.randomness` and are re-exported here).

Every public measure accepts an undirected simple :class:`igraph.Graph`.  A networkx ``Graph``
is accepted too and converted by :func:`as_igraph` (vertex ``i`` <-> the ``i``-th node in
sorted order when the nodes are sortable, else insertion order; node attributes are copied as
vertex attributes, the node itself becomes the ``"name"`` attribute, edge attributes are copied).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, fields
from collections.abc import Iterator, Sequence
from typing import Any, TypeAlias

import igraph as ig
import networkx as nx
import numpy as np

from ..graphs import igraph_skeleton
from ..randomness import RandomState, check_random_state, igraph_rng, int_seed, spawn_seeds

#: What every measure accepts.  An explicit alias: mypy analyses igraph from its source
#: (``follow_untyped_imports`` in pyproject.toml) and networkx through types-networkx, so passing
#: anything else (a TwinData, a DataFrame, a path) is a type error, not a silent ``Any``.
GraphLike: TypeAlias = ig.Graph | nx.Graph

__all__ = ["GraphLike", "as_igraph", "igraph_seed", "igraph_rng", "check_random_state", "vertex_values",
           "child_seeds", "int_seed", "round_sig", "RandomState", "TestResult", "empirical_test", "SCORE_DIGITS"]

#: significant digits kept by :func:`round_sig` before spectral scores (eigenvector, PageRank) are
#: ranked: their last bits depend on the solver's start vector, so they are rounded away
SCORE_DIGITS = 10


def _nx_to_igraph(G: nx.Graph, keep_loops: bool = False) -> ig.Graph:
    if G.is_directed():
        raise ValueError("measures expect an undirected graph")
    if G.is_multigraph():
        raise ValueError("measures expect a simple graph; project the multigraph first "
                         "(twingraph.graphs.project)")
    # numbering and edges from the package's one converter (graphs.igraph_skeleton, also behind
    # graphs.to_igraph); measures stringify names and copy every attribute as is
    g, nodes, edge_data = igraph_skeleton(G, keep_loops=keep_loops)
    g.vs["name"] = [str(u) for u in nodes]
    keys = sorted({k for _, d in G.nodes(data=True) for k in d} - {"name"})
    for k in keys:
        g.vs[k] = [G.nodes[u].get(k) for u in nodes]
    ekeys = sorted({k for _, _, d in G.edges(data=True) for k in d})
    for k in ekeys:
        g.es[k] = [d.get(k) for d in edge_data]
    return g


def as_igraph(g: GraphLike, *, require_simple: bool = True) -> ig.Graph:
    """Return ``g`` as an undirected igraph.Graph (igraph input is returned unchanged).

    networkx input: multigraphs and directed graphs are refused; self-loops are dropped when
    ``require_simple`` (the default) and kept otherwise (community detection on the country
    graph, whose self-loops are domestic ties).
    igraph input: must be undirected; with ``require_simple`` it must have no loops and no
    parallel edges (``ValueError`` otherwise, call ``g.simplify()`` first).
    """
    if isinstance(g, nx.Graph):
        return _nx_to_igraph(g, keep_loops=not require_simple)
    if not isinstance(g, ig.Graph):
        raise TypeError(f"expected igraph.Graph or networkx.Graph, got {type(g).__name__}")
    if g.is_directed():
        raise ValueError("measures expect an undirected graph")
    if require_simple and not g.is_simple():
        raise ValueError("measures expect a simple graph (no loops, no parallel edges); "
                         "use g.simplify() or twingraph.graphs.project")
    return g


@contextlib.contextmanager
def igraph_seed(seed: int | None) -> Iterator[None]:
    """Temporarily make igraph's random generator a ``random.Random(seed)``
    (:func:`twingraph.randomness.igraph_rng`); ``seed=None`` leaves the generator unchanged."""
    if seed is None:
        yield
        return
    with igraph_rng(int(seed)):
        yield


def round_sig(x: np.ndarray, digits: int = SCORE_DIGITS) -> np.ndarray:
    """Round every value to ``digits`` significant digits (0 and non-finite values unchanged).

    Used before ranking floating-point scores whose last bits are solver noise, so that equal
    scores tie exactly and ranks (and written tables) do not change between runs.

    Examples
    --------
    >>> round_sig(np.array([0.123456789012345, 0.0, 2.0 / 3.0]), 4).tolist()
    [0.1235, 0.0, 0.6667]
    """
    x = np.asarray(x, dtype=float)
    out = x.copy()
    ok = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    out[ok] = np.round(x[ok] * scale) / scale
    return out


@dataclass(frozen=True)
class TestResult:
    """One result object for every test statistic in twingraph.

    Attributes
    ----------
    statistic : float
        The observed value of the statistic.
    p_value : float
        The p-value under ``convention``.
    convention : str
        How ``p_value`` was computed, e.g. ``"two-sided empirical (1 + #|null - mean| >= |obs -
        mean|) / (n_replicates + 1)"`` or ``"likelihood ratio, chi2(1)"``.
    null_mean, null_sd : float
        Mean and standard deviation (ddof=1) of the statistic under the null model (NaN when the
        test has no simulated null).
    effect_size : float
        A named effect size (``effect_name``): e.g. observed / null mean, a rate ratio, a
        log-likelihood ratio.  NaN when not defined.
    effect_name : str
        What ``effect_size`` is.
    ci_low, ci_high : float
        An interval for the effect size (``ci_level``), NaN when not available.
    n_replicates : int
        Null-model replicates behind ``null_mean``/``null_sd``/``p_value`` (0 for analytic tests).
    null_model : str
        The null model, in words.
    """

    __test__ = False  # not a pytest class

    statistic: float
    p_value: float
    convention: str
    null_mean: float = float("nan")
    null_sd: float = float("nan")
    effect_size: float = float("nan")
    effect_name: str = ""
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    ci_level: float = 0.95
    n_replicates: int = 0
    null_model: str = ""

    @property
    def z(self) -> float:
        """``(statistic - null_mean) / null_sd`` (NaN when the sd is 0 or unknown)."""
        if not np.isfinite(self.null_sd) or self.null_sd == 0:
            return float("nan")
        return (self.statistic - self.null_mean) / self.null_sd

    def as_dict(self) -> dict[str, Any]:
        """The fields (and ``z``) as a plain dict, e.g. for one row of a table."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["z"] = self.z
        return d


def empirical_test(statistic: float, null: np.ndarray, null_model: str, alternative: str = "two-sided",
                   effect: str = "ratio") -> TestResult:
    """A :class:`TestResult` from an observed statistic and its simulated null distribution.

    Parameters
    ----------
    statistic : float
        The observed value.
    null : array of float
        The statistic on each null replicate.
    null_model : str
        Words for the null model (kept in the result).
    alternative : {"two-sided", "less", "greater"}
        ``"two-sided"``: ``(1 + #{|null - mean| >= |obs - mean|}) / (R + 1)``; ``"less"``:
        ``(1 + #{null <= obs}) / (R + 1)``; ``"greater"``: with ``>=``.
    effect : {"ratio", "difference"}
        Effect size: observed / null mean (with a 95% interval from the null's 2.5 and 97.5
        percentiles, ``obs / q``) or observed - null mean (interval ``obs - q``).

    Returns
    -------
    TestResult
    """
    r = np.asarray(null, dtype=float)
    r = r[np.isfinite(r)]
    R = len(r)
    mean = float(r.mean()) if R else float("nan")
    sd = float(r.std(ddof=1)) if R > 1 else float("nan")
    if alternative == "two-sided":
        extreme = np.abs(r - mean) >= abs(statistic - mean) - 1e-12 * max(1.0, abs(statistic))
    elif alternative == "less":
        extreme = r <= statistic
    elif alternative == "greater":
        extreme = r >= statistic
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    p = float((1 + np.sum(extreme)) / (R + 1))
    conv = {"two-sided": "two-sided empirical (1 + #{|null - mean| >= |obs - mean|}) / (R + 1)",
            "less": "one-sided empirical (1 + #{null <= obs}) / (R + 1)",
            "greater": "one-sided empirical (1 + #{null >= obs}) / (R + 1)"}[alternative]
    lo, hi = (np.percentile(r, [2.5, 97.5]) if R else (np.nan, np.nan))
    if effect == "ratio":
        eff = statistic / mean if mean else float("nan")
        ci = sorted((statistic / hi if hi else np.nan, statistic / lo if lo else np.nan))
        name = "observed / null mean"
    elif effect == "difference":
        eff, ci, name = statistic - mean, sorted((statistic - hi, statistic - lo)), "observed - null mean"
    else:
        raise ValueError(f"unknown effect {effect!r}")
    return TestResult(float(statistic), p, conv, mean, sd, float(eff), name, float(ci[0]), float(ci[1]),
                      0.95, R, null_model)


def child_seeds(master_seed: RandomState, n: int) -> list[int]:
    """``n`` integer seeds derived from ``master_seed``: :func:`twingraph.randomness.spawn_seeds`
    (kept under its old name)."""
    return spawn_seeds(master_seed, n)


def vertex_values(g: ig.Graph, values: str | Sequence[Any] | np.ndarray | None,
                  default_attr: str | None = None) -> list[Any]:
    """Resolve ``values`` to one value per vertex: an attribute name, or a sequence of length n.

    ``None`` falls back to ``default_attr`` when that attribute exists, else to ``None`` for all.
    """
    if values is None:
        if default_attr is not None and default_attr in g.vs.attributes():
            return list(g.vs[default_attr])
        return [None] * g.vcount()
    if isinstance(values, str):
        if values not in g.vs.attributes():
            raise KeyError(f"graph has no vertex attribute {values!r}")
        return list(g.vs[values])
    out = list(values)
    if len(out) != g.vcount():
        raise ValueError(f"expected {g.vcount()} values, got {len(out)}")
    return out
