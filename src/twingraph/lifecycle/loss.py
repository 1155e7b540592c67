"""Tie loss without a shock: the 2026 fate of ties attested in 2013-2017, its breakdowns and a
logistic model (see :mod:`twingraph.lifecycle`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .core import ENDED, OLDER, Lifecycle, LifecycleError, _association_ties, tie_status

FATES = ("listed", "dropped", "no longer covered", "documented end")


def _covariates(lc: Lifecycle, ties: pd.DataFrame) -> pd.DataFrame:
    from ..graphs import simple_graph
    from ..measures.geography import haversine_km

    places = lc.data.places.set_index("place_id")
    out = ties.copy()
    for side in ("a", "b"):
        c = places.reindex(out[side])
        out[f"country_{side}"] = c["country"].to_numpy()
        out[f"lat_{side}"], out[f"lon_{side}"] = c["lat"].to_numpy(), c["lon"].to_numpy()
    out["distance_km"] = haversine_km(out["lat_a"], out["lon_a"], out["lat_b"], out["lon_b"])
    deg = dict(simple_graph(lc.data).degree())
    da, db = out["a"].map(deg).astype(float), out["b"].map(deg).astype(float)
    out["degree_max"], out["degree_min"] = np.maximum(da, db), np.minimum(da, db)
    att = lc.data.attestations
    starts = att[att["start"].notna()].groupby("tie_id")["start"].min()
    out["start_year"] = starts.reindex(out["tie_id"]).dt.year.to_numpy()
    out["association"] = out["tie_id"].isin(_association_ties(lc))
    return out



def tie_loss(lc: Lifecycle, status: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ties attested by a source of 2013–2017, with their fate in 2026 (``fate``: ``listed``,
    ``documented end``, ``no longer covered``, ``dropped``) and covariates (countries, distance,
    degrees in the merged graph, earliest dated start, association co-membership).

    Parameters
    ----------
    lc : Lifecycle
        The merged sources.
    status : DataFrame, optional
        :func:`tie_status` of ``lc`` (computed when not given).

    Returns
    -------
    DataFrame
        The rows of ``status`` first seen in 2017 or before, with ``fate``, ``country_a``,
        ``country_b``, ``lat_a``, ``lon_a``, ``lat_b``, ``lon_b``, ``distance_km``, ``degree_max``,
        ``degree_min`` (degrees in the merged simple graph), ``start_year`` (earliest dated start of
        any attestation) and ``association`` (bool).
    """
    st = tie_status(lc) if status is None else status
    old = st[st["first_seen"].notna() & (st["first_seen"] <= 2017)].copy()
    fate = np.select([old["status"].isin(ENDED) & (old["state_2026"] != "seen"),
                      old["state_2026"] == "seen", old["state_2026"] == "not covered"],
                     ["documented end", "listed", "no longer covered"], "dropped")
    old["fate"] = fate
    return _covariates(lc, old).reset_index(drop=True)


def loss_breakdown(loss: pd.DataFrame, by: str, min_n: int = 30) -> pd.DataFrame:
    """Shares of each fate by a column (``country`` counts a tie under both of its countries;
    ``age``, ``distance``, ``degree`` are binned; ``shock`` separates ties with a Russian or
    Belarusian town, a Chinese town, and the rest: the no-shock baseline), groups with at least
    ``min_n`` ties.

    Parameters
    ----------
    loss : DataFrame
        :func:`tie_loss`.
    by : {"shock", "country", "age", "distance", "degree", "association"}
        The grouping (``age``: years from the dated start to 2026, ``undated`` when unknown;
        ``degree``: the larger endpoint's degree).
    min_n : int
        Smallest group kept.

    Returns
    -------
    DataFrame
        One row per group (column named ``by``): the counts of the four fates, ``n``,
        ``absent_2026``, ``share_absent`` and ``share_dropped_of_covered`` (dropped / ties the 2026
        lists still cover); largest groups first.

    Raises
    ------
    LifecycleError
        For an unknown ``by``.
    """
    df = loss.copy()
    if by == "country":
        df = pd.concat([df.assign(group=df["country_a"]), df[df["country_b"] != df["country_a"]].assign(
            group=df["country_b"])], ignore_index=True)
    elif by == "age":
        df["group"] = pd.cut(2026 - df["start_year"], [0, 20, 30, 40, 50, 60, 200],
                             labels=["<20", "20-29", "30-39", "40-49", "50-59", "60+"], right=False).astype(str)
        df.loc[df["start_year"].isna(), "group"] = "undated"
    elif by == "distance":
        df["group"] = pd.cut(df["distance_km"], [0, 250, 500, 1000, 2000, 5000, 25000],
                             labels=["<250", "250-500", "500-1000", "1000-2000", "2000-5000", "5000+"]).astype(str)
    elif by == "degree":
        df["group"] = pd.cut(df["degree_max"], [0, 5, 10, 20, 50, 1e9],
                             labels=["1-5", "6-10", "11-20", "21-50", "51+"]).astype(str)
    elif by == "association":
        df["group"] = np.where(df["association"], "co-members", "bilateral")
    elif by == "shock":  # ties exposed to a documented shock of 2013-2026 (Russia 2022, China) vs the rest
        cc = df[["country_a", "country_b"]]
        df["group"] = np.select([cc.isin(["RUS", "BLR"]).any(axis=1), cc.isin(["CHN"]).any(axis=1)],
                                ["Russian or Belarusian town", "Chinese town"], "neither (no shock)")
    else:
        raise LifecycleError(f"unknown breakdown {by!r}")
    tab = pd.crosstab(df["group"], df["fate"])
    for f in ("listed", "dropped", "no longer covered", "documented end"):
        if f not in tab:
            tab[f] = 0
    tab["n"] = tab.sum(axis=1)
    tab["absent_2026"] = tab["n"] - tab["listed"]
    tab["share_absent"] = tab["absent_2026"] / tab["n"]
    covered = tab["n"] - tab["no longer covered"]
    tab["share_dropped_of_covered"] = tab["dropped"] / covered.where(covered > 0)
    out = tab[tab["n"] >= min_n].reset_index().rename(columns={"group": by})
    return out.sort_values("n", ascending=False).reset_index(drop=True)


def loss_model(loss: pd.DataFrame) -> pd.DataFrame:
    """Logistic model of ``dropped`` against ``listed`` among ties the 2026 lists cover and no
    documented end: log2 distance, log2 degrees (larger and smaller end), decades since the dated
    start (undated: indicator), association co-members, same country; odds ratios with
    dyadic-robust 95% intervals (:func:`twingraph.survival.robust.dyadic_variance`).

    Parameters
    ----------
    loss : DataFrame
        :func:`tie_loss`; ties without distance or degree, or at distance 0, are left out.

    Returns
    -------
    DataFrame
        One row per term (``intercept`` first): ``term``, ``coef``, ``se_dyadic``, ``se_model``,
        ``odds_ratio``, ``ci_low``, ``ci_high`` (dyadic-robust), ``n`` and ``n_dropped`` (the
        model's ties and its dropped ones).
    """
    from ..survival.robust import dyadic_variance

    d = loss[loss["fate"].isin(["dropped", "listed"])].dropna(subset=["distance_km", "degree_max"]).copy()
    d = d[d["distance_km"] > 0]
    y = (d["fate"] == "dropped").to_numpy(float)
    undated = d["start_year"].isna()
    X = pd.DataFrame({
        "intercept": 1.0,
        "log2_distance_km": np.log2(d["distance_km"]),
        "log2_degree_larger": np.log2(d["degree_max"]),
        "log2_degree_smaller": np.log2(d["degree_min"]),
        "decades_since_start": np.where(undated, 0.0, (2026 - d["start_year"].fillna(2026)) / 10),
        "undated": undated.astype(float),
        "association": d["association"].astype(float),
        "same_country": (d["country_a"] == d["country_b"]).astype(float),
    })
    Xm = X.to_numpy(float)
    beta = np.zeros(Xm.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(Xm @ beta)))
        w = p * (1 - p)
        step = np.linalg.solve(Xm.T @ (Xm * w[:, None]), Xm.T @ (y - p))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = 1 / (1 + np.exp(-(Xm @ beta)))
    bread = np.linalg.inv(Xm.T @ (Xm * (p * (1 - p))[:, None]))
    V, _ = dyadic_variance(Xm * (y - p)[:, None], bread, d["a"].to_numpy(), d["b"].to_numpy())
    se = np.sqrt(np.diag(V))
    se_model = np.sqrt(np.diag(bread))
    z = 1.959963984540054
    return pd.DataFrame({"term": X.columns, "coef": beta, "se_dyadic": se, "se_model": se_model,
                         "odds_ratio": np.exp(beta), "ci_low": np.exp(beta - z * se),
                         "ci_high": np.exp(beta + z * se), "n": len(d), "n_dropped": int(y.sum())})




def loss_tables(loss: pd.DataFrame) -> pd.DataFrame:
    """Every breakdown of :func:`tie_loss` in one long table (``by``, ``group``, fate counts and
    shares): by attesting source, country, age, distance, degree and association membership.

    Parameters
    ----------
    loss : DataFrame
        :func:`tie_loss`.

    Returns
    -------
    DataFrame
        ``by`` (``source``, ``shock``, ``country``, ``age``, ``distance``, ``degree``,
        ``association``), ``group``, the counts of the four fates, ``n``, ``absent_2026``,
        ``share_absent``, ``share_dropped_of_covered``.  By source, a tie counts under every older
        source that attests it (all groups kept); the other breakdowns are :func:`loss_breakdown`'s
        (groups of at least 30 ties).
    """
    bysrc = pd.concat([loss[loss["sources"].str.contains(s)].assign(group=s) for s in OLDER])
    src = pd.crosstab(bysrc["group"], bysrc["fate"]).reindex(columns=list(FATES), fill_value=0)
    src["n"] = src.sum(axis=1)
    src["absent_2026"] = src["n"] - src["listed"]
    src["share_absent"] = src["absent_2026"] / src["n"]
    src["share_dropped_of_covered"] = src["dropped"] / (src["n"] - src["no longer covered"])
    parts = [src.reset_index().assign(by="source")]
    parts += [loss_breakdown(loss, by).rename(columns={by: "group"}).assign(by=by)
              for by in ("shock", "country", "age", "distance", "degree", "association")]
    return pd.concat(parts, ignore_index=True)
