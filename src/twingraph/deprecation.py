"""Deprecation shims (floor 1): renamed arguments and renamed functions keep working for one release,
with a ``DeprecationWarning`` that names the new spelling.

* :func:`renamed_arguments` -- ``@renamed_arguments(convention="weights")`` maps the old keyword to
  the new one (positional calls are unaffected: the parameter keeps its place);
* :func:`deprecated_alias` -- the old name of a renamed function.

The vocabulary these shims introduced (one word per choice, instead of ``convention=`` for five):

==========================  ==============================================  ==========================
new argument                chooses                                         replaces
==========================  ==============================================  ==========================
``weights=``                how parallel ties weight an edge                ``convention=`` (graphs)
                            (``"ties"``, ``"spells"``, ``"binary"``)
``dates=``                  how a partial date resolves to a day            ``convention=``,
                            (``"earliest"``, ``"midpoint"``, ``"latest"``,  ``date_convention=``
                            ``"strict"``)
``pairs=``                  which vertex pairs a distance statistic         ``convention=``
                            averages (``"konect"``, ``"distinct"``)         (measures.distances)
``random_state=``           the seed (:mod:`twingraph.randomness`)          ``seed=``, ``rng=``
==========================  ==============================================  ==========================
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar, cast

__all__ = ["renamed_arguments", "map_renamed", "deprecated_alias"]

F = TypeVar("F", bound=Callable[..., Any])


def map_renamed(func_name: str, kwargs: MutableMapping[str, Any], renames: dict[str, str],
                stacklevel: int = 3) -> None:
    """Move every deprecated keyword of ``kwargs`` to its new name, warning once per keyword.

    Parameters
    ----------
    func_name : str
        The function's name, for the messages.
    kwargs : dict
        The call's keyword arguments (changed in place).
    renames : dict
        ``{old: new}``.
    stacklevel : int
        Passed to :func:`warnings.warn` (3: the caller of the decorated function).

    Raises
    ------
    TypeError
        When both the old and the new keyword are given.
    """
    for old, new in renames.items():
        if old in kwargs:
            if new in kwargs:
                raise TypeError(f"{func_name}() got both {new}= and its deprecated alias {old}=")
            warnings.warn(f"{func_name}({old}=...) is deprecated; use {new}=...", DeprecationWarning,
                          stacklevel=stacklevel)
            kwargs[new] = kwargs.pop(old)


def renamed_arguments(**renames: str) -> Callable[[F], F]:
    """Decorator: accept the old keyword names ``renames`` (``old=new``) with a ``DeprecationWarning``.

    Parameters
    ----------
    **renames : str
        ``old_name="new_name"``.

    Returns
    -------
    callable
        The decorator; the decorated function records the mapping in ``__renamed_arguments__``.

    Examples
    --------
    >>> @renamed_arguments(convention="weights")
    ... def project(weights="ties"):
    ...     return weights
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     project(convention="spells"), str(w[0].message)
    ('spells', 'project(convention=...) is deprecated; use weights=...')
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            map_renamed(fn.__name__, kwargs, renames)
            return fn(*args, **kwargs)

        wrapper.__renamed_arguments__ = dict(renames)  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def deprecated_alias(fn: F, old_name: str, new_name: str) -> F:
    """``fn`` under its old name: calls warn (``DeprecationWarning``) and go through.

    Parameters
    ----------
    fn : callable
        The function under its new name.
    old_name, new_name : str
        For the message (e.g. ``"twingraph.survival.event_study"``).

    Returns
    -------
    callable
    """

    @functools.wraps(fn)
    def alias(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"{old_name} is deprecated; use {new_name}", DeprecationWarning, stacklevel=2)
        return fn(*args, **kwargs)

    alias.__name__ = old_name.rsplit(".", 1)[-1]
    alias.__qualname__ = alias.__name__
    alias.__doc__ = f"Deprecated alias of :func:`{new_name}`."
    alias.__deprecated_alias_of__ = new_name  # type: ignore[attr-defined]
    return cast(F, alias)
