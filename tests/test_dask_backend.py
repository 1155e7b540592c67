"""Ensembles run through joblib; a Dask cluster chosen with joblib.parallel_config gives the same numbers.

Real scheduler and workers on localhost (dask.distributed.LocalCluster, processes); skipped when the
optional ``dask`` extra is not installed.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from joblib import parallel_config  # noqa: E402

from twingraph.counterfactual import counterfactual_removal  # noqa: E402


def test_counterfactual_on_a_local_dask_cluster_matches_serial() -> None:
    G = nx.relabel_nodes(nx.karate_club_graph(), lambda i: f"k{i:02d}")
    cut = [("k00", "k01"), ("k00", "k02"), ("k32", "k33")]
    serial = counterfactual_removal(G, cut, hubs=["k00"], n_replicates=24, random_state=3, n_jobs=1)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        with parallel_config(backend="dask"):
            remote = counterfactual_removal(G, cut, hubs=["k00"], n_replicates=24, random_state=3)
        assert len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(serial.table, remote.table)
    pd.testing.assert_frame_equal(serial.replicates, remote.replicates)
