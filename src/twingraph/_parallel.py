"""Persistent worker processes for the package's parallel loops.

Every parallel loop in twingraph goes through :func:`run`, which hands the tasks to joblib.  With
joblib's default backend (loky) the worker processes are started by the first parallel call and
*kept* (joblib's reusable executor, idle timeout 300 s): later calls with the same number of
workers reuse them, so the start-up (a fresh Python importing numpy, igraph and the package: 1-3 s
per worker on a quiet machine, over 10 s on a loaded one) is paid once per session, not per call
or per task.  :func:`warm_up` pays it up front (benchmarks, interactive sessions).  A backend set
with ``joblib.parallel_config`` (e.g. ``backend="dask"`` on a ``distributed`` cluster) is used when
``n_jobs`` is None.

Determinism: callers split their work into a fixed number of pieces that does not depend on
``n_jobs`` and combine the pieces' results in piece order, so the numbers (to the last bit) are the
same with 1, 2 or 64 workers, and on any backend.

Worker kernels live here (igraph and numpy only) so that unpickling a task imports little.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["run", "warm_up", "effective_jobs", "betweenness_part", "betweenness_weighted_part", "strided"]


def effective_jobs(n_jobs: int | None) -> int:
    """Number of workers ``n_jobs`` means (None: what ``joblib.parallel_config`` sets, else 1).

    Parameters
    ----------
    n_jobs : int or None
        joblib's ``n_jobs``.

    Returns
    -------
    int
    """
    from joblib import effective_n_jobs

    return int(effective_n_jobs(n_jobs))


def run(fn: Callable[..., Any], argsets: Iterable[Sequence[Any]], n_jobs: int | None = 1) -> list[Any]:
    """``[fn(*args) for args in argsets]``, in order; in worker processes unless ``n_jobs == 1``.

    ``n_jobs=None`` defers to ``joblib.parallel_config`` (backend and worker count); an int > 1 uses
    joblib's persistent loky pool (see the module docstring).

    Parameters
    ----------
    fn : callable
        Picklable task function.
    argsets : iterable of sequence
        Positional arguments of each task.
    n_jobs : int or None
        Workers (1: in this process).

    Returns
    -------
    list
        The results, in task order.
    """
    argsets = list(argsets)
    if n_jobs == 1 or len(argsets) <= 1:
        return [fn(*a) for a in argsets]
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=n_jobs)(delayed(fn)(*a) for a in argsets))


def _import(modules: Sequence[str]) -> int:
    import importlib
    import os

    for m in modules:
        importlib.import_module(m)
    return os.getpid()


def warm_up(n_jobs: int | None = -1, modules: Sequence[str] = ("twingraph.measures",)) -> int:
    """Start the persistent workers now and import ``modules`` in each; returns how many answered.

    Later parallel calls with the same ``n_jobs`` find the workers ready.

    Parameters
    ----------
    n_jobs : int or None
        Workers (``-1``: all cores).
    modules : sequence of str
        Modules imported in each worker.

    Returns
    -------
    int
        Distinct worker processes that answered (1 when ``n_jobs`` means one worker).
    """
    k = effective_jobs(n_jobs)
    if k <= 1:
        return 1
    pids = run(_import, [(tuple(modules),)] * (4 * k), n_jobs)
    return len(set(pids))


def strided(n: int, pieces: int) -> list[np.ndarray]:
    """``[arange(i, n, pieces) for i in range(pieces)]`` without empty pieces: balanced source sets.

    Parameters
    ----------
    n : int
        Number of items.
    pieces : int
        Number of pieces.

    Returns
    -------
    list of numpy.ndarray
    """
    return [p for p in (np.arange(i, n, pieces) for i in range(pieces)) if len(p)]


def betweenness_part(n: int, edges: np.ndarray, sources: np.ndarray,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """Half the summed one-source Brandes dependencies of ``sources`` (igraph C), on the simple
    undirected graph with ``n`` vertices and ``edges`` (m x 2): the pieces of an exact betweenness.

    Parameters
    ----------
    n : int
        Number of vertices.
    edges : numpy.ndarray
        Edges, m x 2.
    sources : numpy.ndarray
        Source vertices.
    weights : numpy.ndarray, optional
        Edge lengths.

    Returns
    -------
    numpy.ndarray of float
        One value per vertex.
    """
    import igraph as ig

    g = ig.Graph(n=n, edges=edges, directed=False)
    w = None
    if weights is not None:
        g.es["w"] = weights
        w = "w"
    return np.asarray(g.betweenness(directed=False, weights=w, sources=sources.tolist()), dtype=float)


def betweenness_weighted_part(n: int, edges: np.ndarray, sources: np.ndarray, mult: np.ndarray) -> np.ndarray:
    """``sum_s mult[s] * (half the one-source dependencies of s)`` over ``sources`` (igraph C, one
    call per distinct multiplicity, in increasing order): a piece of the leaf-pruned betweenness.

    Parameters
    ----------
    n : int
        Number of vertices.
    edges : numpy.ndarray
        Edges, m x 2.
    sources : numpy.ndarray
        Source vertices.
    mult : numpy.ndarray
        Multiplicity of each source.

    Returns
    -------
    numpy.ndarray of float
        One value per vertex.
    """
    import igraph as ig

    g = ig.Graph(n=n, edges=edges, directed=False)
    out = np.zeros(n)
    for m in np.unique(mult):
        group = sources[mult == m]
        out += float(m) * np.asarray(g.betweenness(directed=False, sources=group.tolist()), dtype=float)
    return out
