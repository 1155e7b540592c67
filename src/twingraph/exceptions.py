"""Every error and warning twingraph raises, under one base (floor 1: imports nothing from the package).

``except twingraph.exceptio  ns.TwingraphError`` catches every error the package raises on purpose;
each class also keeps the builtin base it always had (``ContractError`` is still a ``ValueError``,
``DatasetError`` still a ``  RuntimeError``), so existing ``except ValueError`` code keeps working.

===========================  ======================  =================================================
class                        builtin base            raised when
===========================  ======================  =================================================
:class:`TwingraphError`      ``Exception``           (the base; never raised itself)
:class:`RandomStateError`    ``TypeError``           a ``random_state`` is not an int, Generator or None
:class:`UserError`           ``Exception``           the command line meets an error the user can fix
:class:`DatasetError`        ``RuntimeError``        a dataset is unknown, missing or corrupted
:class:`ContractError`       ``ValueError``          a table breaks the contract (a bug in a loader)
:class:`LoadError`           ``ValueError``          a source cannot be loaded
:class:`KonectFormatError`   ``ValueError``          a file is not a readable KONECT edge list
:class:`NotFittedError`      ``ValueError``,         a survival fitter is used before ``fit``
                             ``AttributeError``
:class:`GraphTypeError`      ``TypeError``,          a directed graph or a multigraph where an undirected
                             ``ValueError``          simple graph is needed
``WikidataFetchError``       ``RuntimeError``        a Wikidata request failed for good
                                                     (:mod:`twingraph.loaders.wikidata_client`)
``CohortError``              ``ValueError``          a cohort file is malformed (:mod:`twingraph.cohorts`)
:class:`TwingraphWarning`    ``UserWarning``         (the base of the package's warnings)
``NotEstimableWarning``      ``RuntimeWarning``      a Cox coefficient has no finite maximum
                                                     (:mod:`twingraph.survival.cox`)
===========================  ======================  =================================================

The classes are importable from here and from the modules that raise them
(``twingraph.tables.ContractError`` is ``twingraph.exceptions.ContractError``).
"""

from __future__ import annotations

__all__ = ["TwingraphError", "TwingraphWarning", "RandomStateError", "UserError", "DatasetError",
           "ContractError", "LoadError", "KonectFormatError", "NotFittedError",
           "GraphTypeError"]


class TwingraphError(Exception):
    """Base of every error twingraph raises on purpose."""


class TwingraphWarning(UserWarning):
    """Base of every warning twingraph issues."""


class RandomStateError(TwingraphError, TypeError):
    """A ``random_state`` argument is not an int, a ``numpy.random.Generator`` or None."""


class UserError(TwingraphError):
    """An error the user can fix; the command line prints it as one line and exits with status 2."""


class DatasetError(TwingraphError, RuntimeError):
    """A dataset is unknown, missing or corrupted (a user-facing error with one clear message)."""


class ContractError(TwingraphError, ValueError):
    """A table breaks the contract: a bug in the code that built it (a loader), not bad input.

    Loaders turn bad input rows into rejections; a breach that reaches
    :func:`twingraph.tables.validate` is reported with its traceback (the CLI does not turn it into
    a one-line user error).
    """


class LoadError(TwingraphError, ValueError):
    """The source cannot be loaded (unknown name, missing file, unknown or malformed format)."""


class KonectFormatError(TwingraphError, ValueError):
    """The file is not a readable KONECT edge list."""


class GraphTypeError(TwingraphError, TypeError, ValueError):
    """A graph of the wrong kind: directed, or a multigraph where a simple graph is needed
    (project it first with :func:`twingraph.graphs.project`)."""


class NotFittedError(TwingraphError, ValueError, AttributeError):
    """A survival fitter's results were asked for before ``fit`` (as scikit-learn's ``NotFittedError``)."""
