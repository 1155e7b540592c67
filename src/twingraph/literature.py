"""Published findings beside this package's reproduction on the closest data.

:func:`kaltenbrunner_2013` -- Kaltenbrunner, Aragón, Laniado & Volkovich (2013), "Not all paths lead
to Rome: analysing the network of sister cities" (IWSOS 2013, LNCS 8221; arXiv 1301.6900).  Their
findings as published (``twingraph/data/kaltenbrunner_2013.csv``: the abstract's claims, with the
reason a finding here differs) are set beside the numbers measured by experiments 02, 05 and 06.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .measures.gravity import DecaySlopes

__all__ = ["kaltenbrunner_2013"]

AGREEMENT = {"data": "", "geography": "differs", "assortativity": "agrees", "communities": "agrees",
             "rankings": "not comparable"}


def kaltenbrunner_2013(n_places: int, n_ties: int, slopes: DecaySlopes, gravity: pd.DataFrame,
                       structure: pd.DataFrame, resolution: pd.DataFrame,
                       dataset: str = "wikipedia-lists-2026") -> pd.DataFrame:
    """The comparison table (``figures/kaltenbrunner_2013.csv``).

    Parameters
    ----------
    n_places, n_ties : int
        Size of the simple graph of ``dataset``.
    slopes : DecaySlopes
        :func:`twingraph.measures.decay_slopes`.
    gravity : DataFrame
        :func:`twingraph.measures.gravity_model` with a ``log_km`` row.
    structure : DataFrame
        Table 2 (``figures/table2_structure.csv``): ``statistic`` column, one column per network.
    resolution : DataFrame
        :func:`twingraph.measures.resolution_profile` of the country network.
    dataset : str

    Returns
    -------
    DataFrame
        ``claim_id, topic, published, twingraph, agreement, published_source, why_findings_differ``.
    """
    s = slopes.table.reset_index(drop=True)
    km = gravity.set_index("term").loc["log_km"]
    t2 = structure.set_index("statistic")
    r1 = resolution.set_index("resolution").loc[1.0]
    ours = {
        "data": f"{dataset}: {n_places:,} places, {n_ties:,} ties (simple graph)",
        "geography": (f"P(tie | d) ∝ d^{s['slope'][0]:.2f} [{s['ci_low'][0]:.2f}, {s['ci_high'][0]:.2f}] from 10 to "
                      f"{slopes.break_km:,.0f} km, d^{s['slope'][1]:.2f} beyond; gravity model: "
                      f"x{2 ** km['coef']:.2f} [{2 ** km['ci_low']:.2f}, {2 ** km['ci_high']:.2f}] ties per "
                      "doubling of distance (SEs clustered on both countries)"),
        "assortativity": (f"{float(t2.loc['degree_assortativity', dataset]):+.3f} all ties, "
                          f"{float(t2.loc['degree_assortativity', dataset + ' bilateral']):+.3f} bilateral"),
        "communities": (f"{int(r1['n_communities'])} Leiden communities of countries at resolution 1, "
                        f"modularity {r1['modularity']:.3f}"),
        "rankings": f"see rankings_{dataset}.csv",
    }
    lit = pd.read_csv(str(files("twingraph") / "data" / "kaltenbrunner_2013.csv"))
    lit.insert(3, "twingraph", lit["claim_id"].map(ours))
    lit.insert(4, "agreement", lit["claim_id"].map(AGREEMENT))
    return lit
