"""Table 1: what each dataset holds (row accounting, places, ties, dating) + ties by country."""

import pandas as pd
from _setup import REAL, dataset, save, stamp, FIGURES

import matplotlib.pyplot as plt
from twingraph.cli import info_summary

rows = []
loaded = {}
for name in (*REAL, "curated"):
    data = dataset(name)
    loaded[name] = data
    s = info_summary(data)
    s.pop("notes")
    s["rejected_by_reason"] = "; ".join(f"{k}={v}" for k, v in s["rejected_by_reason"].items())
    rows.append(s)
table = pd.DataFrame(rows)
table.to_csv(FIGURES / "table1_datasets.csv", index=False)
print(table.to_string(index=False))

wp = loaded["wikipedia-lists-2026"]
ties = wp.spells.merge(wp.places[["place_id", "country"]], left_on="a", right_on="place_id") \
    .merge(wp.places[["place_id", "country"]], left_on="b", right_on="place_id", suffixes=("_a", "_b"))
per_country = pd.concat([ties["country_a"], ties["country_b"]]).value_counts()
per_country.rename("tie_ends").to_csv(FIGURES / "ties_by_country.csv", header=True)
top = per_country.head(30)[::-1]
fig, ax = plt.subplots(figsize=(6, 7))
ax.barh(top.index, top.values, color="#3b6ea8")
ax.set_xlabel("tie ends (a tie between two countries counts once for each)")
ax.set_title("Twinning ties per country, top 30")
stamp(fig, "wikipedia-lists-2026 (English Wikipedia lists, Feb 2026)")
save(fig, "ties_by_country.png")
