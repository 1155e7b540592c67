"""The package's one randomness contract (floor 1).

Every public function that draws random numbers takes a ``random_state`` argument, and every such
argument accepts

* an ``int`` (reproducible: the same int gives the same output),
* a ``numpy.random.Generator`` (used as is, and advanced), or
* ``None`` (fresh OS entropy: not reproducible).

Anything else raises :class:`~twingraph.exceptions.RandomStateError` (a ``TypeError``).  The pieces:

* :func:`check_random_state`: the ``numpy.random.Generator`` behind a ``random_state``
  (the anchor: scikit-learn's ``check_random_state``);
* :func:`int_seed`: an integer seed (for libraries that want one: leidenalg, igraph);
* :func:`spawn` / :func:`spawn_seeds`: **the** way to derive independent child seeds, the children
  of ``numpy.random.SeedSequence`` (as SeedSequences, or as one 32-bit int each);
* :func:`igraph_rng`: run igraph's random draws from a ``random_state``;
* :func:`random_state_arg`: the decorator every public function that takes a seed wears (the anchor:
  networkx's ``py_random_state``): it checks the argument early, normalises numpy integers to
  ``int``, and maps the deprecated ``seed=`` keyword to ``random_state=`` with a
  ``DeprecationWarning``.

Internally a ``numpy.random.SeedSequence`` is accepted wherever a ``random_state`` is (it is how
replicates are seeded); it is not part of the public contract.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import random
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias, TypeVar, cast

import numpy as np

from .deprecation import map_renamed
from .exceptions import RandomStateError

__all__ = ["RandomState", "SeedLike", "check_random_state", "validate_random_state", "int_seed", "seed_sequence",
           "spawn", "spawn_seeds", "igraph_rng", "random_state_arg"]

#: What every ``random_state`` argument accepts: an int seed, a numpy Generator, or None (fresh entropy).
RandomState: TypeAlias = int | np.random.Generator | None
#: What the internal helpers also accept: a ``numpy.random.SeedSequence`` (how replicates are seeded).
SeedLike: TypeAlias = int | np.random.Generator | np.random.SeedSequence | None

F = TypeVar("F", bound=Callable[..., Any])


def validate_random_state(random_state: Any) -> Any:
    """Check a ``random_state`` and normalise it without drawing from it.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        (A ``numpy.random.SeedSequence`` is also accepted, for internal use.)

    Returns
    -------
    int, numpy.random.Generator, numpy.random.SeedSequence or None
        The same value; a numpy integer becomes a Python ``int``.

    Raises
    ------
    RandomStateError
        For anything else (a bool, a float, a string, a legacy ``numpy.random.RandomState``, ...).

    Examples
    --------
    >>> validate_random_state(np.int64(3))
    3
    """
    if random_state is None or isinstance(random_state, (np.random.Generator, np.random.SeedSequence)):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, (bool, np.bool_)):
        if random_state < 0:
            raise RandomStateError(f"random_state must be a non-negative int, got {random_state}")
        return int(random_state)
    raise RandomStateError("random_state must be an int, a numpy.random.Generator or None, "
                           f"got {type(random_state).__name__}")


def check_random_state(random_state: SeedLike) -> np.random.Generator:
    """The numpy Generator behind a ``random_state`` argument.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        An int seeds a new ``numpy.random.default_rng``; a Generator is used as is (and advanced);
        None draws fresh OS entropy (not reproducible).

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    RandomStateError
        When ``random_state`` is none of these.

    Examples
    --------
    >>> check_random_state(3).integers(10) == check_random_state(3).integers(10)
    np.True_
    """
    random_state = validate_random_state(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def int_seed(random_state: SeedLike, high: int = 2**63 - 1) -> int:
    """An integer seed from a ``random_state``.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        An int is returned as is; a Generator gives one draw in ``[0, high)`` (and is advanced);
        None gives a fresh one.
    high : int
        Exclusive upper bound of a drawn seed.

    Returns
    -------
    int

    Examples
    --------
    >>> int_seed(7)
    7
    >>> int_seed(np.random.default_rng(0), 100) == int_seed(np.random.default_rng(0), 100)
    True
    """
    random_state = validate_random_state(random_state)
    if isinstance(random_state, int):
        return random_state
    return int(check_random_state(random_state).integers(high))


def seed_sequence(random_state: SeedLike) -> np.random.SeedSequence:
    """The ``numpy.random.SeedSequence`` rooted at a ``random_state``.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        An int roots ``SeedSequence(int)``; a Generator or None roots ``SeedSequence(int_seed(...))``
        (one 63-bit draw); a SeedSequence is returned as is.

    Returns
    -------
    numpy.random.SeedSequence
    """
    random_state = validate_random_state(random_state)
    if isinstance(random_state, np.random.SeedSequence):
        return random_state
    return np.random.SeedSequence(int_seed(random_state))


def spawn(random_state: SeedLike, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child SeedSequences of :func:`seed_sequence` ``(random_state)``.

    The one way the package derives child seeds: replicate ``i`` of anything is seeded by child
    ``i``.  (Spawning from a SeedSequence advances its child counter, as ``SeedSequence.spawn`` does.)

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
    n : int
        Number of children.

    Returns
    -------
    list of numpy.random.SeedSequence
    """
    return seed_sequence(random_state).spawn(int(n))


def spawn_seeds(random_state: SeedLike, n: int) -> list[int]:
    """``n`` independent integer seeds: the first 32-bit word of each child of :func:`spawn`.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
    n : int
        Number of seeds.

    Returns
    -------
    list of int
        Reproducible for an int ``random_state``.

    Examples
    --------
    >>> spawn_seeds(42, 3) == spawn_seeds(42, 3)
    True
    >>> len(set(spawn_seeds(42, 100)))
    100
    """
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in spawn(random_state, n)]


@contextlib.contextmanager
def igraph_rng(random_state: RandomState) -> Iterator[None]:
    """Run igraph's random draws from ``random_state``; restore igraph's global RNG afterwards.

    igraph draws from Python's global ``random`` module by default (so an unseeded call, e.g. the
    ARPACK start vector of ``eigenvector_centrality``, differs from run to run).  Inside the block
    igraph draws from a private ``random.Random`` seeded from ``random_state`` (an int is used
    directly; a Generator gives one 63-bit draw; None gives a fresh seed); on exit igraph is given
    back the global ``random`` module, whatever happened inside.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph.Famous("Zachary")
    >>> with igraph_rng(1):
    ...     a = g.community_multilevel().membership
    >>> with igraph_rng(1):
    ...     b = g.community_multilevel().membership
    >>> a == b
    True
    """
    import igraph as ig

    ig.set_random_number_generator(random.Random(int_seed(random_state)))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def random_state_arg(name: str = "random_state", *, deprecated: tuple[str, ...] = ("seed",)) -> Callable[[F], F]:
    """Decorator: the ``random_state`` contract of a public function.

    On every call the argument ``name`` is checked (:func:`validate_random_state`: an int, a
    Generator or None, else :class:`~twingraph.exceptions.RandomStateError` before any work is
    done) and numpy integers become ``int``.  A keyword in ``deprecated`` (by default ``seed=``) is
    mapped to ``name`` with a ``DeprecationWarning`` (passing both is a ``TypeError``).  The
    decorated function is marked with ``__random_state__ = name`` (the architecture tests find
    every such function by it).

    Parameters
    ----------
    name : str
        The argument holding the random state.
    deprecated : tuple of str
        Old keyword names accepted for one release.

    Returns
    -------
    callable
        The decorator.

    Examples
    --------
    >>> @random_state_arg()
    ... def draw(n, random_state=0):
    ...     return check_random_state(random_state).integers(100, size=n).tolist()
    >>> draw(2, random_state=np.int64(1)) == draw(2, random_state=1)
    True
    """

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        if name not in sig.parameters:
            raise TypeError(f"{fn.__qualname__} has no argument {name!r}")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            map_renamed(fn.__name__, kwargs, {old: name for old in deprecated})
            bound = sig.bind_partial(*args, **kwargs)
            if name in bound.arguments:
                bound.arguments[name] = validate_random_state(bound.arguments[name])
            return fn(*bound.args, **bound.kwargs)

        wrapper.__random_state__ = name  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate
