"""Cohort models: Cox fits with an explicit "not estimable", covariates, linking ties to a dataset's places,
US states by reverse geocoding, the curated registry as a table."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..survival import CoxPH
from ..tables import TwinData
from .outcomes import _base_name, normalize_place_name


# ----------------------------------------------------------------------------------------------
# Cox regression with an explicit "not estimable"
# ----------------------------------------------------------------------------------------------

def _monotone_binary(surv: pd.DataFrame, col: str) -> str | None:
    """Why the Cox estimate of a 0/1 covariate is infinite (no event on one side while both are at risk)."""
    x = surv[col].to_numpy(float)
    if set(np.unique(x[~np.isnan(x)])) - {0.0, 1.0}:
        return None
    t, e = surv["duration"].to_numpy(float), surv["event"].to_numpy() == 1
    found = {0.0: False, 1.0: False}
    for ti, xi in zip(t[e], x[e]):
        found[xi] |= bool(((t >= ti) & (x != xi)).any())
    if not found[0.0] and not found[1.0]:
        return f"{col}: no event while the other group is at risk"
    if not found[1.0]:
        return f"{col}: no event with {col}=1 while {col}=0 is at risk (HR -> 0)"
    if not found[0.0]:
        return f"{col}: no event with {col}=0 while {col}=1 is at risk (HR -> infinity)"
    return None


def dyadic_supported() -> bool:
    """Whether :class:`twingraph.survival.CoxPH` offers dyadic-robust SEs (``dyad_cols``).

    Returns
    -------
    bool
    """
    import inspect

    return "dyad_cols" in inspect.signature(CoxPH.fit).parameters


def fit_cox(surv: pd.DataFrame, covariates: Sequence[str], cluster: str | None = None,
            model: str = "", *, dyad: tuple[str, str] | None = None) -> pd.DataFrame:
    """Cox model of the hazard of any end (suspended or terminated), one row per covariate.

    Rows with a missing covariate are dropped (counted in ``n``).  Fewer than two events per
    covariate, a covariate that is constant, a 0/1 covariate whose partial likelihood is monotone
    (every event on one side while the other side is at risk), or a fit that
    :class:`twingraph.survival.CoxPH` flags as not converged or not estimable, gives
    ``status = "not estimable: ..."`` and no numbers [1]_.

    Parameters
    ----------
    surv : DataFrame
        :func:`survival_table` output with the covariate columns.
    covariates : sequence of str
        Numeric columns.
    cluster : str, optional
        Column of cluster labels for one-way sandwich SEs (one endpoint of the tie).
    model : str
        Label copied to the output.
    dyad : (str, str), optional
        The two endpoint columns for dyadic-robust SEs [2]_: ties
        sharing either place are dependent.  Needs a :class:`~twingraph.survival.CoxPH` with
        ``dyad_cols``; exclusive with ``cluster``.

    Returns
    -------
    DataFrame
        ``model``, ``covariate``, ``n``, ``events``, ``clusters``, ``se_type``, ``coef``, ``se``,
        ``hazard_ratio``, ``hr_lower``, ``hr_upper``, ``p``, ``status``.

    References
    ----------
    .. [1] Heinze, G. & Schemper, M. (2001). A solution to the problem of monotone likelihood in Cox
       regression. *Biometrics* 57, 114–119.
    .. [2] Aronow, P. M., Samii, C. & Assenova, V. A. (2015). Cluster-robust variance estimation for
       dyadic data. *Political Analysis* 23, 564–577.
    """
    if dyad is not None and cluster is not None:
        raise ValueError("give cluster or dyad, not both")
    if dyad is not None and not dyadic_supported():
        raise NotImplementedError("dyadic SEs need twingraph.survival.CoxPH with dyad_cols")
    cols = list(covariates) + ([cluster] if cluster else []) + (list(dyad) if dyad else [])
    d = surv.dropna(subset=cols)
    n_events = int(d["event"].sum())
    se_type = (f"dyadic-robust on ({dyad[0]}, {dyad[1]})" if dyad else
               f"sandwich clustered by {cluster}" if cluster else "model-based")
    base: dict[str, Any] = {"model": model, "n": len(d), "events": n_events, "clusters": np.nan, "se_type": se_type}
    why = [f"{c}: constant" for c in covariates if d[c].nunique() < 2]
    why += [w for c in covariates if (w := _monotone_binary(d, c))]
    if n_events < 2 * len(covariates):
        why.append(f"{n_events} event(s) for {len(covariates)} covariate(s) (fewer than 2 per covariate)")
    fit = None
    if not why:
        kw: dict[str, Any] = {"dyad_cols": dyad} if dyad else {"cluster": cluster}
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            try:
                fit = CoxPH().fit(d.assign(_dur=d["duration"] / 365.25), duration_col="_dur",
                                  covariates=list(covariates), **kw)
            except ValueError as err:  # e.g. collinear covariates (newer CoxPH)
                why.append(str(err))
        estimable = getattr(fit, "estimable_", None)
        if estimable is not None and not bool(np.all(estimable)):
            why.append("monotone partial likelihood in " + ", ".join(estimable.index[~estimable.to_numpy()]))
        elif fit is not None and not fit.converged_:
            why.append("partial likelihood has no finite maximum (CoxPH did not converge)")
    if why or fit is None:
        return pd.DataFrame([{**base, "covariate": c, "coef": np.nan, "se": np.nan, "hazard_ratio": np.nan,
                              "hr_lower": np.nan, "hr_upper": np.nan, "p": np.nan,
                              "status": "not estimable: " + "; ".join(why)} for c in covariates])
    s = fit.summary
    base["clusters"] = fit.n_clusters_ if (cluster or dyad) else np.nan
    return pd.DataFrame([{**base, "covariate": c, **{k: float(s.loc[c, k]) for k in
                                                        ("coef", "se", "hazard_ratio", "hr_lower", "hr_upper", "p")},
                          "status": "fitted"} for c in covariates])


def cox_covariates(linked: pd.DataFrame, reference_country: str = "DEU") -> pd.DataFrame:
    """Covariates for :func:`fit_cox` from :func:`link_places` output (side a = the non-Russian place).

    Parameters
    ----------
    linked : DataFrame
        :func:`link_places` output.
    reference_country : str
        ISO3 code left out of the ``partner_<ISO3>`` dummies.

    Returns
    -------
    DataFrame
        ``linked`` plus ``tie_age_decades`` ((shock year - start year) / 10; NaN without a start
        year), ``log10_distance_km``, ``log2_degree_a`` / ``log2_degree_b`` (log2(1 + other
        partners in the linked dataset): the tie itself is not counted, so a tie missing from the
        linked data does not lower its own places' degrees), ``log2_degree_2016_a`` / ``_b`` (the same
        from :func:`link_qid_degrees`, measured before the shock), ``partner_<ISO3>`` dummies of ``country_a`` against
        ``reference_country``, and ``cluster_a`` / ``cluster_b`` (each side's place id, or its name
        when unmatched): the dyad of a tie, for clustered or dyadic-robust SEs.
    """
    out = linked.copy()
    out["tie_age_decades"] = (pd.to_datetime(out["shock_date"]).dt.year - out["start_year"]) / 10
    out["log10_distance_km"] = np.log10(out["distance_km"].astype(float))
    for side in ("a", "b"):
        other = out[f"degree_{side}"].astype(float) - out["in_data"].astype(float)
        out[f"log2_degree_{side}"] = np.log2(1 + other)
        if f"degree_2016_{side}" in out:  # the crawl lists every crawl-attested tie: minus the tie itself
            out[f"log2_degree_2016_{side}"] = np.log2(out[f"degree_2016_{side}"].astype(float))
    for cc in sorted(set(out["country_a"]) - {reference_country}):
        out[f"partner_{cc}"] = (out["country_a"] == cc).astype(int)
    for side in ("a", "b"):
        out[f"cluster_{side}"] = out[f"place_{side}"].fillna(out[f"country_{side}"] + ":" + out[f"city_{side}"])
    return out


def fit_cox_partners(surv: pd.DataFrame, covariates: Sequence[str], cluster: str | None = None, *,
                     partner_col: str = "country_a", model: str = "",
                     dyad: tuple[str, str] | None = None) -> pd.DataFrame:
    """Cox model with partner-country dummies, leaving out countries without a documented end.

    A partner country whose ties have no event makes its dummy's estimate -infinity (monotone
    likelihood).  Its ties are left out of the model and it gets one row ``status = "not
    estimable: no documented end among n ties"``; the remaining countries get dummies
    ``partner_<ISO3>_vs_<REF>`` against the one with the most ties (the reference, which gets a row
    ``"reference"``).

    Parameters
    ----------
    surv : DataFrame
        :func:`survival_table` output carrying ``partner_col``, ``covariates`` and ``cluster``.
    covariates : sequence of str
        Other covariates.
    cluster : str, optional
        Cluster column for sandwich SEs.
    dyad : (str, str), optional
        Endpoint columns for dyadic-robust SEs (see :func:`fit_cox`).
    partner_col : str
        Column with the partner country.
    model : str
        Label.

    Returns
    -------
    DataFrame
        Rows of :func:`fit_cox` plus the reference and not-estimable countries.
    """
    ev = surv.groupby(partner_col)["event"].agg(["sum", "size"])
    keep = ev[ev["sum"] > 0].sort_values(["size", "sum"], ascending=False)
    ref = keep.index[0] if len(keep) else None
    d = surv[surv[partner_col].isin(keep.index)].copy()
    dummies = []
    for cc in sorted(keep.index.drop(ref)) if ref is not None else []:
        d[f"partner_{cc}_vs_{ref}"] = (d[partner_col] == cc).astype(int)
        dummies.append(f"partner_{cc}_vs_{ref}")
    rows = [fit_cox(d, dummies + list(covariates), cluster, model, dyad=dyad)] if len(d) else []
    extra = [{"model": model, "covariate": f"partner_{ref}", "n": int(ev.loc[ref, "size"]),
              "events": int(ev.loc[ref, "sum"]), "status": "reference"}] if ref is not None else []
    extra += [{"model": model, "covariate": f"partner_{cc}", "n": int(r["size"]), "events": 0,
               "status": f"not estimable: no documented end among {int(r['size'])} ties"}
              for cc, r in ev[ev["sum"] == 0].iterrows()]
    return pd.concat(rows + [pd.DataFrame(extra)], ignore_index=True)


# ----------------------------------------------------------------------------------------------
# linking cohort ties to places of a loaded dataset
# ----------------------------------------------------------------------------------------------

def link_places(table: pd.DataFrame, data: TwinData) -> pd.DataFrame:
    """Attach coordinates, degree and distance from a loaded dataset to each cohort tie.

    Matching rule (documented; replace by :mod:`twingraph.resolve` when available): a cohort place
    ``(name, ISO3)`` matches the dataset place with the same country and the same
    :func:`normalize_place_name`; failing that, the same name with parenthesised qualifiers removed
    (``"Oberursel (Taunus)"`` -> ``oberursel``), only if exactly one place of that country has it.
    Homonyms merged by the dataset's own loader (several Bloomingtons in one place) are not split.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` output.
    data : TwinData
        E.g. ``twingraph.load("wikipedia-lists-2026")``.

    Returns
    -------
    DataFrame
        ``table`` plus ``place_a``/``place_b`` (place ids or None), ``lat_a``, ``lon_a``,
        ``lat_b``, ``lon_b``, ``degree_a``, ``degree_b`` (distinct partners in ``data``),
        ``distance_km`` (great circle) and ``in_data`` (the pair is a tie of ``data``).  The share
        of place ends matched is ``out[["place_a", "place_b"]].notna().to_numpy().mean()``.
    """
    from ..graphs import simple_graph
    from ..measures.geography import haversine_km

    pl = data.places.assign(_full=data.places["name"].map(normalize_place_name),
                            _base=data.places["name"].map(_base_name))
    full = pl.drop_duplicates(["country", "_full"]).set_index(["country", "_full"])["place_id"]
    uniq = pl.groupby(["country", "_base"])["place_id"].agg(lambda x: x.iloc[0] if len(x) == 1 else None)
    G = simple_graph(data)
    deg = dict(G.degree())
    coords = data.places.set_index("place_id")[["lat", "lon"]]
    pairs = set(zip(data.spells["a"], data.spells["b"]))
    out = table.copy()
    for side in ("a", "b"):
        ids = []
        for name, cc in zip(out[f"city_{side}"], out[f"country_{side}"]):
            pid = full.get((cc, normalize_place_name(name)))
            if pid is None:
                pid = uniq.get((cc, _base_name(name)))
            ids.append(pid)
        out[f"place_{side}"] = ids
        c = coords.reindex(out[f"place_{side}"])
        out[f"lat_{side}"], out[f"lon_{side}"] = c["lat"].to_numpy(), c["lon"].to_numpy()
        out[f"degree_{side}"] = [deg.get(p, np.nan) if p is not None else np.nan for p in ids]
    out["distance_km"] = haversine_km(out["lat_a"], out["lon_a"], out["lat_b"], out["lon_b"])
    out["in_data"] = [(a, b) in pairs or (b, a) in pairs for a, b in zip(out["place_a"], out["place_b"])]
    return out


def link_qid_degrees(table: pd.DataFrame, data: TwinData, suffix: str = "2016") -> pd.DataFrame:
    """Degrees of the tie's places in a QID-keyed dataset (e.g. the 2016 Wikidata crawl): pre-shock degrees.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` output with ``qid_a`` / ``qid_b`` (crawl-attested ties; None elsewhere).
    data : TwinData
        Places carry ``qid``; degree = distinct partners in :func:`twingraph.graphs.simple_graph`.
    suffix : str
        Column suffix: ``degree_<suffix>_a`` / ``degree_<suffix>_b``.

    Returns
    -------
    DataFrame
        ``table`` plus the two degree columns (NaN without a QID or a place with it).
    """
    from ..graphs import simple_graph

    deg = dict(simple_graph(data).degree())
    by_qid = data.places.dropna(subset=["qid"]).drop_duplicates("qid").set_index("qid")["place_id"]
    out = table.copy()
    for side in ("a", "b"):
        pid = out[f"qid_{side}"].map(by_qid) if f"qid_{side}" in out else pd.Series(np.nan, index=out.index)
        out[f"degree_{suffix}_{side}"] = pid.map(deg).astype(float)
    return out


def attach_membership(table: pd.DataFrame, members: pd.DataFrame, column: str = "association") -> pd.DataFrame:
    """Flag ties with a place in a membership list (hook for association membership).

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` output.
    members : DataFrame
        Columns ``name`` and ``country`` (ISO3): places that are members (e.g. of an association of
        twinned towns).  Matched by :func:`normalize_place_name` within the country.
    column : str
        Name of the new 0/1 column (1 = either end of the tie is a member).

    Returns
    -------
    DataFrame
        ``table`` with ``column`` added.
    """
    keys = set(zip(members["country"], members["name"].map(normalize_place_name)))
    out = table.copy()
    hit = np.zeros(len(out), bool)
    for side in ("a", "b"):
        hit |= np.array([(c, normalize_place_name(n)) in keys
                         for n, c in zip(out[f"city_{side}"], out[f"country_{side}"])])
    out[column] = hit.astype(int)
    return out


# ----------------------------------------------------------------------------------------------
# US states from coordinates (GeoNames, offline)
# ----------------------------------------------------------------------------------------------

def us_states(lat: Any, lon: Any) -> pd.Series:
    """US state of each coordinate pair, offline, from the nearest GeoNames place (``reverse_geocoder``).

    The nearest populated place (GeoNames ``cities1000``) decides; near a state line it can be the
    neighbour state.  Points whose nearest place is outside the USA, and missing coordinates, give
    None.

    Parameters
    ----------
    lat, lon : array-like of float

    Returns
    -------
    Series of str or None

    References
    ----------
    .. [1] ``reverse_geocoder`` (thampiman/reverse-geocoder), GeoNames data, k-d tree search.

    Examples
    --------
    >>> us_states([32.7767, 39.1653], [-96.7970, -86.5264]).tolist()
    ['Texas', 'Indiana']
    """
    import reverse_geocoder  # type: ignore[import-untyped]

    la, lo = np.asarray(lat, float), np.asarray(lon, float)
    ok = np.isfinite(la) & np.isfinite(lo)
    out: list[str | None] = [None] * len(la)
    if ok.any():
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints a loading message
            hits = reverse_geocoder.search(list(zip(la[ok], lo[ok])), mode=1)
        for i, h in zip(np.flatnonzero(ok), hits):
            out[i] = h["admin1"] if h["cc"] == "US" else None
    return pd.Series(out, dtype=object)


def check_us_states(table: pd.DataFrame, data: TwinData) -> tuple[pd.DataFrame, dict[str, float]]:
    """Reverse-geocode the US end (side a) of cohort ties and compare with the researchers' states.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` rows; ``subdivision_a`` holds the researchers' state where they gave one.
    data : TwinData
        Dataset with coordinates (linked by :func:`link_places`).

    Returns
    -------
    (rows, summary)
        Per US tie: ``state_geocoded`` and ``agrees``; summary: ``us_ties``, ``with_coordinates``,
        ``geocoded`` (a US state found), ``match_rate`` (= geocoded / us_ties), ``with_research_state``,
        ``comparable`` (both states known), ``agree``.
    """
    us = link_places(table[table["country_a"] == "USA"], data)
    us["state_geocoded"] = us_states(us["lat_a"], us["lon_a"]).to_numpy()
    known = us["subdivision_a"].notna() & us["state_geocoded"].notna()
    us["agrees"] = (us["state_geocoded"] == us["subdivision_a"]).where(known)
    summary = {"us_ties": len(us), "with_coordinates": int(us["lat_a"].notna().sum()),
               "geocoded": int(us["state_geocoded"].notna().sum()),
               "match_rate": float(us["state_geocoded"].notna().mean()) if len(us) else np.nan,
               "with_research_state": int(us["subdivision_a"].notna().sum()), "comparable": int(known.sum()),
               "agree": int(us["agrees"].fillna(False).astype(bool).sum())}
    return us, summary


def sourced_events(shock_id: str | None = None, path: Path | str | None = None) -> pd.DataFrame:
    """The curated registry's events as a table of sourced facts (no curve, no test on it).

    The curated registry collects documented ties, mostly documented breaks: it is selected on the
    outcome, so it is shown as a list of facts, each with its source, not as survival curves.

    Parameters
    ----------
    shock_id : str, optional
        Keep rows whose ``shock_id`` is this shock (default: every row with an event other than
        ``signed``).
    path : path, optional
        ``curated_tie_events.csv`` (default: the packaged file).

    Returns
    -------
    DataFrame
        ``date``, ``date_precision``, ``place_a``, ``place_b`` ("name (ISO3)"), ``kind``, ``event``,
        ``cause``, ``shock_id``, ``source``, sorted by date (undated last), then places.
    """
    src = files("twingraph") / "data" / "curated_tie_events.csv" if path is None else Path(path)
    with src.open(encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False).replace({"": None})
    df = df[df["event"] != "signed"]
    if shock_id is not None:
        df = df[df["shock_id"] == shock_id]
    df = df.assign(place_a=df["city_a"] + " (" + df["country_a"] + ")",
                   place_b=df["city_b"] + " (" + df["country_b"] + ")")
    cols = ["date", "date_precision", "place_a", "place_b", "kind", "event", "cause", "shock_id", "source"]
    return df.sort_values(["date", "place_a", "place_b"], na_position="last")[cols].reset_index(drop=True)
