"""Shared test fixtures: the real-data directory and a local HTTP server."""

from __future__ import annotations

import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
collect_ignore_glob = ["typing/*"]  # mypy fixtures, checked by tests/typing/check.py (.ci/run)
SHARED_DATA = Path(os.environ.get("TWINGRAPH_DATA_DIR", REPO.parent / "shared" / "data"))
# every test sees the shared snapshots as the data directory unless it overrides it (monkeypatch)
os.environ["TWINGRAPH_DATA_DIR"] = str(SHARED_DATA)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The directory holding ``<dataset>/<file>`` snapshots (``$TWINGRAPH_DATA_DIR`` or ../shared/data)."""
    if not (SHARED_DATA / "wikipedia-lists-2026").is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA}; set TWINGRAPH_DATA_DIR")
    return SHARED_DATA


@pytest.fixture(scope="session")
def wikipedia(shared_data: Path):  # type: ignore[no-untyped-def]
    from twingraph import load

    return load("wikipedia-lists-2026")


@pytest.fixture(scope="session")
def crawl(shared_data: Path):  # type: ignore[no-untyped-def]
    from twingraph import load

    return load("wikidata-crawl-2016")


@pytest.fixture
def file_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Serve ``tmp_path/www`` on 127.0.0.1 (a random free port); yields (base_url, folder, hits)."""
    root = tmp_path / "www"
    root.mkdir()
    hits: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):  # type: ignore[no-untyped-def]
            super().__init__(*a, directory=str(root), **kw)

        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            super().do_GET()

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root, hits
    finally:
        server.shutdown()
        server.server_close()


#: Tests that take seconds without touching the real datasets (simulations, CLI runs on dataset names,
#: cross-checks over many replicates): marked ``slow`` by name, so ``pytest -m "not slow"`` is the fast loop.
SLOW_TESTS = {
    "test_determinism.py::test_rank_table_is_byte_identical",
    "test_merge.py::test_cli_dataset_expression",
    "test_temporal.py::test_sweep_equals_rebuild",
    "test_formation.py::test_event_study_matches_statsmodels_formula_and_recovers_rate_ratio",
    "test_formation.py::test_event_studies_equals_single_runs_and_skips_missing_events",
    "test_formation.py::test_event_study_negbin_on_overdispersed_counts",
    "test_formation.py::test_event_study_year_without_treated_formation_is_not_estimated",
    "test_formation.py::test_attachment_exponent_recovers_simulated_kernel",
    "test_dask_backend.py::test_counterfactual_on_a_local_dask_cluster_matches_serial",
    "test_simulate.py::test_validate_survival_coverage_and_bias",
    "test_simulate.py::test_simulation_at_1e5_ties",
    "test_cli.py::test_more_user_errors_are_one_line",
    "test_cli.py::test_validate_survival_bad_option",
    "test_cli.py::test_info_crawl_is_one_component",
    "test_cli.py::test_info_wikipedia_numbers",
    "test_cli.py::test_info_json_reconciles",
    "test_associations.py::test_cli_stats_associations_exclude",
    "test_measures_degree.py::test_compare_tail_fits_detects_the_generating_law",
    "test_measures_centrality.py::test_parallel_betweenness_equals_serial",
    "test_measures_centrality.py::test_approximate_betweenness_within_bound",
    "test_reproduce_readme.py::test_two_runs_give_byte_identical_files",
    "test_counterfactual.py::test_seeds_reproducible_and_n_jobs_invariant",
    "test_gravity_maps.py::test_gravity_model_recovers_simulated_coefficients",
    "test_robust.py::test_rejections_under_a_file_is_one_line",
    "test_robust.py::test_nothing_loaded_is_an_error",
    "test_robust.py::test_format_with_a_dataset_name_is_an_error",
    "test_robust.py::test_empty_file_is_an_error",
    "test_robust.py::test_full_disk_is_reported",
    "test_robust.py::test_csv_export_onto_a_file_says_so",
    "test_robust.py::test_info_reports_then_fails_when_nothing_loaded",
    "test_robust.py::test_full_stdout_is_reported",
    "test_fuzz_loaders.py::test_mutated_rows",
    "test_fuzz_loaders.py::test_random_lines",
    "test_fuzz_loaders.py::test_register_mutated_rows",
    "test_wikidata_live.py::test_cli_fetch_then_info",
    "test_survival_inputs.py::test_constraint_generation_equals_the_full_linear_programme",
    "test_curated.py::test_any_event_sequence_accounts_for_every_row",
    "test_exceptions.py::test_no_exception_class_is_defined_outside_the_walk",
    "test_measures_nullmodels.py::test_ensemble_reproducible_and_parallel_equals_serial",
    "test_merge.py::test_dates_agree_disagree_and_status_conflicts",
    "test_cohorts.py::test_shipped_registry_counts",
    "test_graphs.py::test_strict_within_earliest_and_latest",
    "test_formation.py::test_event_study_null_effect_covers_one",
    "test_temporal.py::test_active_intervals_agree_with_graphs_active_mask",
    "test_measures_degree.py::test_bootstrap_pvalue_distinguishes_power_law_from_poisson",
    "plotting.py::twingraph.plotting.save_figure",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test on the real datasets (it needs the ``shared_data`` fixture, directly or
    through another fixture) and every test in :data:`SLOW_TESTS`."""
    for item in items:
        name = f"{item.path.name}::{getattr(item, 'originalname', item.name)}"
        if "shared_data" in getattr(item, "fixturenames", ()) or name in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
