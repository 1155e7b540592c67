"""The tidy tables every loader returns: places, tie spells, events, and a rejection report.

This module is the contract between the loaders (sources -> tables) and everything downstream
(tables -> graphs -> analyses).  Each table is a ``pandas.DataFrame`` with the columns below, in
this order; :func:`validate` checks a :class:`TwinData` against the contract.

Places (one row per place)
    ``place_id`` (str, unique: a Wikidata QID, ``"konect:<id>"``, or ``"wp:<ISO3>:<name>"``),
    ``name`` (display name, Wikipedia disambiguation kept, e.g. ``"Halle (Saale)"``),
    ``country`` (ISO 3166-1 alpha-3 or ``None``), ``subdivision`` (e.g. ``"England"``, ``"Texas"``),
    ``level`` (``municipality``/``province``/``region``/``country``/``unknown``), ``lat``, ``lon``,
    ``population``, ``qid``, ``konect_id``.

Tie spells (one row per spell of a tie; a tie = an unordered pair of places and a kind)
    ``spell_id`` (``"<tie_id>#<spell>"``), ``tie_id``, ``spell`` (0, 1, ... in time order),
    ``a``, ``b`` (place ids, ``a < b``), ``kind`` (:data:`TIE_KINDS`), ``start`` / ``end``
    (first day of the partial date, ``NaT`` when unknown), ``start_precision`` /
    ``end_precision`` (:data:`twingraph.dates.PRECISIONS`), ``end_status`` (:data:`END_STATUSES`,
    ``None`` while active: right-censored), ``end_cause`` (free text or a Wikidata QID),
    ``rank`` (Wikidata statement rank, ``"normal"`` elsewhere; deprecated statements are kept and
    flagged, never dropped), ``directions`` (``"a->b"``, ``"b->a"`` or ``"both"``: who states the
    tie), ``n_rows`` (input rows merged into this spell), ``conflict`` (input rows disagree on
    its dates), ``source`` (dataset name), ``reference`` (URL, file:line, or statement id).

Events (one row per dated event that can affect ties: a war, a dispute, a law)
    ``event_id``, ``date``, ``date_precision``, ``kind`` (``war``/``annexation``/``dispute``/
    ``law``/...), ``name``, ``actors`` and ``targets`` (ISO3 codes joined with ``";"``),
    ``description``, ``source``.

Attestations (provenance of merged data, :func:`twingraph.merge`; empty for a single source)
    One row per spell a source gives of a merged tie: ``tie_id`` (the merged tie), ``source``,
    ``source_tie_id`` (the tie's id in that source), ``source_a`` / ``source_b`` (that source's
    place ids), ``kind``, ``start``, ``start_precision``, ``end``, ``end_precision``,
    ``end_status``, ``observed`` (the source's observation date: a tie it lists as active was
    active then; a tie it does not list was absent then, which is not an end), ``reference``.
    The merged spell's ``source`` lists every attesting source joined by ``";"``.

Rejections (one row per input row that became neither a place nor part of a tie)
    ``file``, ``line`` (1-based physical line in the file; 0 when not line-based), ``reason``
    (a short stable code such as ``"unknown-country"``), ``detail``, ``raw``.

Associations (one row per multilateral network)
    A twinning association such as the Douzelage, a thematic network such as C40, a regional
    network such as the Union of the Baltic Cities: ``association_id``, ``name``, ``kind``
    (:data:`ASSOCIATION_KINDS`), ``founded`` (first day of the partial date),
    ``founded_precision``, ``source``, ``note``.

Memberships (one row per membership spell of a place in an association; the membership layer)
    ``association_id``, ``place_id`` (the place in this dataset, ``None`` when the registry's place
    is not matched), ``place`` and ``country`` (as the registry names them), ``joined`` / ``left``
    (first day of the partial date, ``NaT`` when unknown) with ``joined_precision`` /
    ``left_precision``, ``end_status`` (:data:`MEMBERSHIP_END_STATUSES`, ``None`` when no end is
    known), ``end_cause``, ``basis`` (``"registry"``: a sourced row of the curated registry;
    ``"inferred"``: a place found in a clique of this dataset matching the registry's members),
    ``source``, ``note``.  Both tables are empty unless filled by
    :func:`twingraph.associations.attach`.

Optional spell column: ``via_association`` (str or ``None``), the association(s) whose co-members a
tie joins, added after the contract's columns by :func:`twingraph.associations.flag_associations`.

Row accounting: for every loader ``rows_read == rows_loaded + rows_rejected``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from .dates import resolve_dates
from .exceptions import ContractError

__all__ = [
    "ASSOCIATION_COLUMNS",
    "ASSOCIATION_KINDS",
    "ATTESTATION_COLUMNS",
    "ContractError",
    "END_STATUSES",
    "EVENT_COLUMNS",
    "LEVELS",
    "MEMBERSHIP_COLUMNS",
    "MEMBERSHIP_END_STATUSES",
    "OPTIONAL_SPELL_COLUMNS",
    "PLACE_COLUMNS",
    "REJECTION_COLUMNS",
    "SPELL_COLUMNS",
    "TIE_KINDS",
    "Rejections",
    "TwinData",
    "empty_associations",
    "empty_attestations",
    "empty_events",
    "empty_memberships",
    "empty_places",
    "empty_spells",
    "pair_key",
    "validate",
]

PLACE_COLUMNS: Final = (
    "place_id", "name", "country", "subdivision", "level", "lat", "lon", "population", "qid", "konect_id",
)
SPELL_COLUMNS: Final = (
    "spell_id", "tie_id", "spell", "a", "b", "kind",
    "start", "start_precision", "end", "end_precision", "end_status", "end_cause",
    "rank", "directions", "n_rows", "conflict", "source", "reference",
)
EVENT_COLUMNS: Final = (
    "event_id", "date", "date_precision", "kind", "name", "actors", "targets", "description", "source",
)
REJECTION_COLUMNS: Final = ("file", "line", "reason", "detail", "raw")
ATTESTATION_COLUMNS: Final = (
    "tie_id", "source", "source_tie_id", "source_a", "source_b", "kind",
    "start", "start_precision", "end", "end_precision", "end_status", "observed", "reference",
)

ASSOCIATION_COLUMNS: Final = ("association_id", "name", "kind", "founded", "founded_precision", "source", "note")
MEMBERSHIP_COLUMNS: Final = (
    "association_id", "place_id", "place", "country", "joined", "joined_precision", "left", "left_precision",
    "end_status", "end_cause", "basis", "source", "note",
)
OPTIONAL_SPELL_COLUMNS: Final = ("via_association",)
ASSOCIATION_KINDS: Final = ("twinning association", "thematic network", "regional network")
MEMBERSHIP_END_STATUSES: Final = ("suspended", "expelled", "withdrew", "replaced", "lapsed")

TIE_KINDS: Final = ("twin", "friendship", "partnership", "cooperation", "unknown")
END_STATUSES: Final = ("suspended", "terminated", "lapsed")
LEVELS: Final = ("municipality", "province", "region", "country", "unknown")


def pair_key(u: str, v: str) -> tuple[str, str]:
    """The canonical (sorted) order of an unordered pair of place ids.

    Parameters
    ----------
    u, v : str
        Place ids.

    Returns
    -------
    tuple of (str, str)
    """
    return (u, v) if u <= v else (v, u)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def empty_places() -> pd.DataFrame:
    """A places table with no rows and the contract's columns.

    Returns
    -------
    DataFrame
        Columns :data:`PLACE_COLUMNS`, ``lat``, ``lon``, ``population`` as float64.
    """
    return _typed_places(_empty(PLACE_COLUMNS))


def empty_spells() -> pd.DataFrame:
    """A spells table with no rows and the contract's columns.

    Returns
    -------
    DataFrame
        Columns :data:`SPELL_COLUMNS` (``start``/``end`` datetime, ``spell``/``n_rows`` int64, ``conflict`` bool).
    """
    return _typed_spells(_empty(SPELL_COLUMNS))


def empty_events() -> pd.DataFrame:
    """An events table with no rows and the contract's columns.

    Returns
    -------
    DataFrame
        Columns :data:`EVENT_COLUMNS`, ``date`` as datetime.
    """
    df = _empty(EVENT_COLUMNS)
    df["date"] = pd.to_datetime(df["date"])
    return df


def empty_associations() -> pd.DataFrame:
    """An associations table with no rows and the contract's columns.

    Returns
    -------
    DataFrame
        Columns :data:`ASSOCIATION_COLUMNS`, ``founded`` as datetime.

    References
    ----------
    The module docstring (the contract).

    Examples
    --------
    >>> list(empty_associations().columns) == list(ASSOCIATION_COLUMNS)
    True
    """
    df = _empty(ASSOCIATION_COLUMNS)
    df["founded"] = pd.to_datetime(df["founded"])
    return df


def empty_memberships() -> pd.DataFrame:
    """A memberships table with no rows and the contract's columns.

    Returns
    -------
    DataFrame
        Columns :data:`MEMBERSHIP_COLUMNS`, ``joined``/``left`` as datetime.

    References
    ----------
    The module docstring (the contract).

    Examples
    --------
    >>> len(empty_memberships())
    0
    """
    df = _empty(MEMBERSHIP_COLUMNS)
    df["joined"] = pd.to_datetime(df["joined"])
    df["left"] = pd.to_datetime(df["left"])
    return df


def empty_attestations() -> pd.DataFrame:
    """An attestations table with no rows and the contract's columns.

    Returns
    -------
    DataFrame
        Columns :data:`ATTESTATION_COLUMNS`, ``start``, ``end``, ``observed`` as datetime.
    """
    df = _empty(ATTESTATION_COLUMNS)
    for c in ("start", "end", "observed"):
        df[c] = pd.to_datetime(df[c])
    return df


def _typed_places(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reindex(columns=list(PLACE_COLUMNS))
    for c in ("lat", "lon", "population"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df.reset_index(drop=True)


def _typed_spells(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reindex(columns=list(SPELL_COLUMNS))
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    df["spell"] = df["spell"].astype("int64")
    df["n_rows"] = df["n_rows"].astype("int64")
    df["conflict"] = df["conflict"].astype("bool")
    return df.reset_index(drop=True)


class Rejections:
    """Collects rejected input rows with file, line and reason (the rejection report)."""

    def __init__(self) -> None:
        self._rows: list[dict[str, object]] = []

    def add(self, file: str, line: int, reason: str, detail: str = "", raw: str = "") -> None:
        """Record one rejected row.

        Parameters
        ----------
        file : str
            Input file.
        line : int
            Line number in it.
        reason : str
            Short reason code.
        detail : str
            Explanation.
        raw : str
            The raw row.
        """
        self._rows.append({"file": file, "line": int(line), "reason": reason, "detail": detail, "raw": raw})

    def __len__(self) -> int:
        return len(self._rows)

    def frame(self) -> pd.DataFrame:
        """The rejection report.

        Returns
        -------
        DataFrame
            One row per rejected row, columns :data:`REJECTION_COLUMNS` (``line`` int64).
        """
        if not self._rows:
            df = _empty(REJECTION_COLUMNS)
            df["line"] = df["line"].astype("int64")
            return df
        return pd.DataFrame(self._rows, columns=list(REJECTION_COLUMNS))


@dataclass
class TwinData:
    """What every loader returns: the three tables, the rejection report and the row accounting.

    Attributes
    ----------
    places, spells, events, rejections : DataFrame
        See the module docstring for the columns.
    rows_read : int
        Data rows read from the input files (header and comment lines excluded).
    rows_loaded : int
        Rows that became (part of) a place or a tie spell; rows merged into an existing tie (the
        reverse statement of a Wikidata tie, the same pair listed on two Wikipedia pages) count
        here, and the spell's ``n_rows`` says how many rows it merges.
    source : str
        Dataset name or file path.
    observed : Timestamp or None
        The date the data describes (when it was crawled); ties with no end are right-censored here.
    notes : dict
        Loader-specific counts worth reporting (e.g. same-name pairs kept, conflicting dates).
    associations, memberships : DataFrame
        The membership layer (see the module docstring); empty unless filled by
        :func:`twingraph.associations.attach`.
    attestations : DataFrame
        Provenance of merged ties (see the module docstring); empty for a single source.
    """

    places: pd.DataFrame
    spells: pd.DataFrame
    events: pd.DataFrame
    rejections: pd.DataFrame
    rows_read: int
    rows_loaded: int
    source: str
    observed: pd.Timestamp | None = None
    notes: dict[str, object] = field(default_factory=dict)
    associations: pd.DataFrame = field(default_factory=empty_associations)
    memberships: pd.DataFrame = field(default_factory=empty_memberships)
    attestations: pd.DataFrame = field(default_factory=empty_attestations)

    @property
    def rows_rejected(self) -> int:
        """Number of rejected input rows.

        Returns
        -------
        int
        """
        return len(self.rejections)

    @property
    def ties(self) -> pd.DataFrame:
        """One row per tie (the last spell of each tie).

        Returns
        -------
        DataFrame
            Rows of ``spells``, sorted by ``tie_id``.
        """
        return self.spells.sort_values(["tie_id", "spell"]).groupby("tie_id", sort=True).tail(1)

    def rejected_by_reason(self) -> dict[str, int]:
        """Rejected rows counted by reason.

        Returns
        -------
        dict of str to int
            Sorted by reason (empty without rejections).
        """
        if self.rejections.empty:
            return {}
        counts = self.rejections["reason"].value_counts()
        return {str(k): int(v) for k, v in sorted(counts.items())}

    def place_name(self, place_id: str) -> str:
        """Display name of a place.

        Parameters
        ----------
        place_id : str

        Returns
        -------
        str
            Its ``name``, or ``place_id`` when the place is unknown.
        """
        row = self.places.loc[self.places["place_id"] == place_id]
        return str(row["name"].iloc[0]) if len(row) else place_id

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return (
            f"TwinData(source={self.source!r}, places={len(self.places)}, "
            f"ties={self.spells['tie_id'].nunique()}, spells={len(self.spells)}, "
            f"events={len(self.events)}, rows_read={self.rows_read}, rejected={self.rows_rejected})"
        )


def make_twindata(
    places: pd.DataFrame | list[dict[str, object]],
    spells: pd.DataFrame | list[dict[str, object]],
    rejections: Rejections,
    rows_read: int,
    rows_loaded: int,
    source: str,
    events: pd.DataFrame | None = None,
    observed: pd.Timestamp | None = None,
    notes: Mapping[str, object] | None = None,
) -> TwinData:
    """Assemble and validate a :class:`TwinData` from loader output (records or frames).

    Spells may omit ``spell_id``/``spell`` (derived: spells of a tie numbered by start) and the
    bookkeeping columns (``rank`` = "normal", ``directions`` = "both", ``n_rows`` = 1,
    ``conflict`` = False).

    Parameters
    ----------
    places, spells : DataFrame or list of dict
        Place and spell records.
    rejections : Rejections
        The rejected rows.
    rows_read, rows_loaded : int
        Row accounting (:class:`TwinData`).
    source : str
        Dataset name (also the spells' default ``source``).
    events : DataFrame, optional
        Events table (default: empty).
    observed : pandas.Timestamp, optional
        Date the data describes.
    notes : mapping, optional
        Loader-specific counts.

    Returns
    -------
    TwinData
        Validated (:func:`validate`).
    """
    p = pd.DataFrame(places) if not isinstance(places, pd.DataFrame) else places.copy()
    s = pd.DataFrame(spells) if not isinstance(spells, pd.DataFrame) else spells.copy()
    p = _typed_places(p) if len(p) else empty_places()
    if len(s):
        defaults = {"rank": "normal", "directions": "both", "n_rows": 1, "conflict": False,
                    "end_status": None, "end_cause": None, "kind": "unknown", "source": source,
                    "start": pd.NaT, "end": pd.NaT, "start_precision": "unknown", "end_precision": "unknown"}
        for col, val in defaults.items():
            if col not in s.columns:
                s[col] = val
            else:
                s[col] = s[col].where(s[col].notna(), val) if val is not None else s[col]
        s["start"] = pd.to_datetime(s["start"])
        s["end"] = pd.to_datetime(s["end"])
        if "spell" not in s.columns:
            s = s.sort_values(["tie_id", "start"], na_position="first", kind="stable")
            s["spell"] = s.groupby("tie_id").cumcount()
        if "spell_id" not in s.columns:
            s["spell_id"] = s["tie_id"].astype(str) + "#" + s["spell"].astype(str)
        s = _typed_spells(s).sort_values(["tie_id", "spell"], kind="stable").reset_index(drop=True)
    else:
        s = empty_spells()
    e = events if events is not None else empty_events()
    data = TwinData(
        places=p, spells=s, events=e, rejections=rejections.frame(), rows_read=int(rows_read),
        rows_loaded=int(rows_loaded), source=source, observed=observed, notes=dict(notes or {}),
    )
    validate(data)
    return data


def validate(data: TwinData) -> None:
    """Check a :class:`TwinData` against the contract; raise :class:`ContractError` naming the first breach.

    Parameters
    ----------
    data : TwinData
    """
    for name, df, cols in (
        ("places", data.places, PLACE_COLUMNS),
        ("spells", data.spells, SPELL_COLUMNS),
        ("events", data.events, EVENT_COLUMNS),
        ("rejections", data.rejections, REJECTION_COLUMNS),
        ("associations", data.associations, ASSOCIATION_COLUMNS),
        ("memberships", data.memberships, MEMBERSHIP_COLUMNS),
    ):
        if name == "spells" and tuple(df.columns) == tuple(cols) + OPTIONAL_SPELL_COLUMNS:
            continue
        if tuple(df.columns) != tuple(cols):
            raise ContractError(f"{name} columns {list(df.columns)} != contract {list(cols)}")
    if data.places["place_id"].duplicated().any():
        dup = data.places.loc[data.places["place_id"].duplicated(), "place_id"].iloc[0]
        raise ContractError(f"duplicate place_id {dup!r}")
    s = data.spells
    if len(s):
        known = set(data.places["place_id"])
        missing = (set(s["a"]) | set(s["b"])) - known
        if missing:
            raise ContractError(f"spells refer to unknown places, e.g. {sorted(missing)[:3]}")
        if (s["a"] >= s["b"]).any():
            raise ContractError("spell endpoints must be two different places stored with a < b")
        if s["spell_id"].duplicated().any():
            raise ContractError("duplicate spell_id")
        bad = ~s["kind"].isin(TIE_KINDS)
        if bad.any():
            raise ContractError(f"unknown tie kind {s.loc[bad, 'kind'].iloc[0]!r}")
        ended = s["end_status"].notna()
        if (~s.loc[ended, "end_status"].isin(END_STATUSES)).any():
            raise ContractError("unknown end_status")
        start_first = resolve_dates(s["start"], s["start_precision"], "earliest")
        end_last = resolve_dates(s["end"], s["end_precision"], "latest")
        both = ~(np.isnat(start_first) | np.isnat(end_last))
        if (end_last[both] < start_first[both]).any():  # periods may overlap: "2018-10" .. "2018" is fine
            raise ContractError("a spell ends before it starts")
    _validate_membership_layer(data)
    if len(data.attestations):
        if tuple(data.attestations.columns) != tuple(ATTESTATION_COLUMNS):
            raise ContractError(f"attestations columns {list(data.attestations.columns)} != contract "
                             f"{list(ATTESTATION_COLUMNS)}")
        unknown = set(data.attestations["tie_id"]) - set(s["tie_id"])
        if unknown:
            raise ContractError(f"attestations of unknown ties, e.g. {sorted(unknown)[:3]}")
    if data.rows_read != data.rows_loaded + data.rows_rejected:
        raise ContractError(
            f"row accounting broken: read {data.rows_read} != loaded {data.rows_loaded} + "
            f"rejected {data.rows_rejected}"
        )


def _validate_membership_layer(data: TwinData) -> None:
    """The associations/memberships part of :func:`validate`."""
    from .dates import PRECISIONS

    a, m = data.associations, data.memberships
    if a["association_id"].duplicated().any():
        dup = a.loc[a["association_id"].duplicated(), "association_id"].iloc[0]
        raise ContractError(f"duplicate association_id {dup!r}")
    bad = ~a["kind"].isin(ASSOCIATION_KINDS)
    if bad.any():
        raise ContractError(f"unknown association kind {a.loc[bad, 'kind'].iloc[0]!r}")
    if not len(m):
        return
    unknown = set(m["association_id"]) - set(a["association_id"])
    if unknown:
        raise ContractError(f"memberships refer to unknown associations, e.g. {sorted(unknown)[:3]}")
    ids = m["place_id"].dropna()
    missing = set(ids) - set(data.places["place_id"])
    if missing:
        raise ContractError(f"memberships refer to unknown places, e.g. {sorted(missing)[:3]}")
    for col in ("joined_precision", "left_precision"):
        if (~m[col].isin(PRECISIONS)).any():
            raise ContractError(f"unknown {col} {m.loc[~m[col].isin(PRECISIONS), col].iloc[0]!r}")
    ended = m["end_status"].notna()
    bad_status = ended & ~m["end_status"].isin(MEMBERSHIP_END_STATUSES)
    if bad_status.any():
        raise ContractError(f"unknown membership end_status {m.loc[bad_status, 'end_status'].iloc[0]!r}")
    if (~m["basis"].isin(("registry", "inferred"))).any():
        raise ContractError("membership basis must be 'registry' or 'inferred'")
    reg = m["basis"] == "registry"
    if (m.loc[reg, "source"].fillna("").astype(str).str.strip() == "").any():
        raise ContractError("a registry membership has no source")
    both = m["joined"].notna() & m["left"].notna()
    if (m.loc[both, "left"] < m.loc[both, "joined"]).any():
        raise ContractError("a membership ends before it starts")
