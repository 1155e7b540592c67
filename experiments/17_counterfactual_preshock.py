"""The Russia cut on the pre-shock network: exact global efficiency after removing every tie of a Russian
place with a place abroad, on the 2016 Wikidata crawl and on the merged pre-2022 graph (crawl 2016 + German
register 2015), beside the 2026 result of 09_counterfactual.py (twingraph.counterfactual).

The sources are merged with the 2026 lists (places resolved once; the crawl's places get their countries
from the merge); each graph keeps only the ties its sources attest.  Fewer random cuts than experiment 09
(N_REPLICATES, stated in the table) keep this cheap.
"""

import os

import pandas as pd
from _setup import FIGURES, SEED

import twingraph as tg
from joblib import parallel_config
from twingraph.counterfactual import attested_by

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016", "germany-partnerships-2015")
N_JOBS = int(os.environ.get("TWINGRAPH_N_JOBS", "2"))
N_REPLICATES = 100
GRAPHS = {"wikidata-crawl-2016": ("wikidata-crawl-2016",),
          "pre-2022 merged (wikidata-crawl-2016 + germany-partnerships-2015)": ("wikidata-crawl-2016",
                                                                              "germany-partnerships-2015")}
CAPTIONS = {
    "counterfactual_preshock.csv": "Exact efficiency (and largest component) after cutting every tie of a Russian "
    "place with a place abroad, on the pre-shock networks (2016 crawl; crawl + 2015 German register, merged with "
    f"the 2026 lists for countries), against {N_REPLICATES} random cuts of as many ties; the 2026 row is experiment "
    "09's (500 random cuts). `undetermined` = ties whose exposure is unknown (a place without a country).",
}

merged = tg.merge(*DATASETS)
rule = {r.shock_id: r for r in tg.default_rules()}["russia-invasion-2022"]
rows = []
for name, sources in GRAPHS.items():
    sub = attested_by(merged, sources)
    exp, n_undetermined = tg.exposure(sub, rule), tg.undetermined_exposure(sub, rule)
    G = tg.simple_graph(sub)
    with parallel_config(n_jobs=N_JOBS):
        res = tg.counterfactual_removal(G, tg.exposed_edges(sub.spells, exp), measures=("efficiency", "lcc"),
                                        n_replicates=N_REPLICATES, random_state=SEED)
    rows.append(res.table.assign(dataset=name, scenario="russia", k_removed=res.k, n=res.n, m=res.m,
                                 undetermined=n_undetermined))
    print(name, f"n={res.n} m={res.m} cut {res.k} (undetermined {n_undetermined})\n",
          res.table.to_string(index=False, float_format=lambda x: f"{x:.6g}"), flush=True)
cf = FIGURES / "counterfactual.csv"
if cf.exists():  # the 2026 result of experiment 09, beside
    now = pd.read_csv(cf)
    now = now[(now["scenario"] == "russia") & now["measure"].isin(["efficiency", "lcc_size", "n_components"])]
    rows.insert(0, now.assign(dataset="wikipedia-lists-2026", undetermined=pd.NA))
out = pd.concat(rows, ignore_index=True)
out.to_csv(FIGURES / "counterfactual_preshock.csv", index=False, float_format="%.10g")
print(out[["dataset", "measure", "baseline", "observed", "null_mean", "loss_ratio", "loss_ratio_low", "loss_ratio_high",
           "n_replicates", "k_removed", "n"]].to_string(index=False))
