"""Network structure measures, to KONECT's definitions (Kunegis, *Handbook of Network Analysis*).

Inputs are undirected simple ``igraph.Graph`` objects (a networkx ``Graph`` is converted).
One module per topic: :mod:`.size`, :mod:`.distances`, :mod:`.degree`, :mod:`.clustering`,
:mod:`.assortativity`, :mod:`.centrality`, :mod:`.communities`, :mod:`.geography`,
:mod:`.nullmodels`, :mod:`.summary`.
"""

from ._common import TestResult, as_igraph, check_random_state, child_seeds, empirical_test, igraph_rng
from .assortativity import (continent_of, degree_assortativity, nominal_assortativity,
                            same_label_share, size_assortativity)
from .centrality import (CENTRALITIES, approximate_betweenness, betweenness, closeness, core_number,
                         degree_centrality, eigenvector, harmonic, hoeffding_sample_size, pagerank, place_scores,
                         rank_table)
from .clustering import average_local_clustering, clustering_by_degree, local_clustering, transitivity
from .communities import (CommunityResult, best_partition, leiden, louvain, mixing_matrix, modularity,
                          modularity_null, resolution_profile)
from .degree import (KONECT_ALPHA_GRID, TAIL_ALTERNATIVES, PowerLawFit, compare_tail_fits, degree_ccdf, degrees,
                     edge_distribution_entropy,
                     fit_powerlaw, gini, lorenz_curve, max_degree, mean_degree, powerlaw_exponent_konect,
                     powerlaw_ks, powerlaw_pvalue, sample_discrete_powerlaw)
from .distances import (DistanceDistribution, diameter, distance_distribution, distance_stats,
                        effective_diameter, effective_diameter_int, global_efficiency, mean_distance,
                        median_distance)
from .geography import (EARTH_RADIUS_KM, distance_by_group_pair, distance_null_test, edge_distances,
                        haversine_km, null_distances)
from .gravity import (country_anchors, country_pair_null, country_pairs, decay_slopes, distance_decay,
                      gravity_expected, gravity_model, short_tie_bins, short_tie_excess)
from .nullmodels import STATISTICS, null_ensemble, rewire, z_scores
from .size import (claw_count, component_sizes, largest_component, lcc_size, n_components, n_edges,
                   n_nodes, size_stats, star_count, triangle_count, wedge_count)
from .summary import KONECT_KEYS, KONECT_TWIN, KONECT_TWIN_SOURCE, konect_stats

__all__ = [
    "TestResult", "as_igraph", "check_random_state", "child_seeds", "empirical_test", "igraph_rng",
    "continent_of", "degree_assortativity", "nominal_assortativity", "same_label_share",
    "size_assortativity",
    "CENTRALITIES", "approximate_betweenness", "betweenness", "closeness", "core_number",
    "degree_centrality", "eigenvector", "harmonic", "hoeffding_sample_size", "pagerank", "place_scores",
    "rank_table",
    "average_local_clustering", "clustering_by_degree", "local_clustering", "transitivity",
    "CommunityResult", "best_partition", "leiden", "louvain", "mixing_matrix", "modularity",
    "modularity_null", "resolution_profile",
    "KONECT_ALPHA_GRID", "TAIL_ALTERNATIVES", "compare_tail_fits", "PowerLawFit", "degree_ccdf", "degrees",
    "edge_distribution_entropy",
    "fit_powerlaw", "gini", "lorenz_curve", "max_degree", "mean_degree", "powerlaw_exponent_konect",
    "powerlaw_ks", "powerlaw_pvalue", "sample_discrete_powerlaw",
    "DistanceDistribution", "diameter", "distance_distribution", "distance_stats",
    "effective_diameter", "effective_diameter_int", "global_efficiency", "mean_distance", "median_distance",
    "EARTH_RADIUS_KM", "distance_by_group_pair", "distance_null_test", "edge_distances",
    "haversine_km", "null_distances",
    "country_anchors", "country_pair_null", "country_pairs", "distance_decay", "gravity_model",
    "short_tie_excess", "short_tie_bins", "decay_slopes", "gravity_expected",
    "STATISTICS", "null_ensemble", "rewire", "z_scores",
    "claw_count", "component_sizes", "largest_component", "lcc_size", "n_components", "n_edges",
    "n_nodes", "size_stats", "star_count", "triangle_count", "wedge_count",
    "KONECT_KEYS", "KONECT_TWIN", "KONECT_TWIN_SOURCE", "konect_stats",
]
