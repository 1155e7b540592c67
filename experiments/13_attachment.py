"""The attachment kernel of German towns in the 2015 register, against a date-shuffling null.

Does a town with more partners gain the next one faster (preferential attachment), and is that more
than towns' fixed differences explain?

k is a German town's number of partners *within the register* at the start of a year (the register
holds German towns' partnerships only; a town enters with its first one, so k >= 1).  The null keeps
every partnership and shuffles the years among them (200 replicates).  The year 2000 (a probable
placeholder) is treated as unknown, as in the event studies (experiment 12).  Outputs: figures/
attachment_kernel.png, attachment_kernel.csv, attachment_null.csv.
"""

import matplotlib.pyplot as plt
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp

from twingraph import formation as F
from twingraph.plotting import panel_letters
from twingraph.plotting.formation import attachment_panels

DATASETS = ("germany-partnerships-2015",)
N = 200
pairs = F.partnerships(dataset("germany-partnerships-2015"))
fits = {"main": F.attachment_kernel(pairs, n_replicates=N, random_state=SEED, exclude_years=[2000]),
        "to 1996": F.attachment_kernel(pairs, n_replicates=N, random_state=SEED, exclude_years=[2000], last_year=1996),
        "2000 kept": F.attachment_kernel(pairs, n_replicates=N, random_state=SEED)}
rows = []
for name, ak in fits.items():
    ns = ak.null_summary()
    rows.append({"variant": name, "alpha": ak.alpha_, "ci_low": ak.alpha_ci_[0], "ci_high": ak.alpha_ci_[1],
                 "linear_p_value": ak.linear_p_value_, **{k if k.startswith("null") else f"null_{k}": v
                                                            for k, v in ns.items()},
                 "n_replicates": ak.n_replicates, "n_attachments": int(ak.counts["gained"].sum())})
summary = pd.DataFrame(rows)
print(summary.to_string(index=False, float_format="%.3f"))
ak = fits["main"]
null = ak.null_kernel_.rename(columns={"mean": "null_mean", "q025": "null_q025", "q975": "null_q975"})
kern = ak.kernel.merge(null, on="label")
kern.to_csv(FIGURES / "attachment_kernel.csv", index=False, float_format="%.6g")
nulls = {f"alpha_{k.replace(' ', '_')}": f.null_alpha_ for k, f in fits.items()}
pd.DataFrame({"replicate": range(N), **nulls}).to_csv(FIGURES / "attachment_null.csv", index=False, float_format="%.6g")
summary.to_csv(FIGURES / "attachment_summary.csv", index=False, float_format="%.6g")
m = summary.set_index("variant")
CAPTIONS = {
    "attachment_kernel.png": "Attachment kernel of German towns in germany-partnerships-2015 (k = partners within the "
    "register at the start of a year, k >= 1; 1946-2014; partnerships dated 2000, a probable placeholder, treated as "
    f"undated as in the event studies; {int(m.loc['main', 'n_attachments']):,} attachments). (a) New partnerships "
    "relative to the year's average rate per degree bin (1, 2, 3, 4, 5-6, 7-9, 10-14, 15+), exact Poisson 95% "
    "intervals; fitted k^α (Poisson model with year effects, HC1 95% interval) and linear k; grey band with outline: "
    f"{N} registers with the years shuffled among partnerships (95% range). (b) α in those registers against the "
    "observed α and its CI; p: two-sided empirical test of observed against null. The observed α "
    f"({m.loc['main', 'alpha']:.2f}) is compatible with linear attachment but lies below, not above, the null's "
    f"{m.loc['main', 'null_low']:.2f}-{m.loc['main', 'null_high']:.2f}: the degree dependence is what towns' fixed "
    "differences in final degree produce, with no evidence of degree-driven attachment beyond them.",
    "attachment_kernel.csv": "Kernel per degree bin (main variant): observed and expected attachments, towns at "
    "risk, relative rate with exact Poisson 95% CI, date-shuffled null mean and 95% range.",
    "attachment_null.csv": f"Fitted α in each of the {N} date-shuffled registers, per variant.",
    "attachment_summary.csv": "α with HC1 95% CI, Wald p of α = 1, null mean and 95% range, observed - null, "
    "empirical p, per variant: main (2000 as unknown), to 1996 (the register's well-covered years), 2000 kept.",
}
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(7.2, 3.0), gridspec_kw={"width_ratios": [1.4, 1]})
attachment_panels(ax, ax2, ak, kern)
panel_letters([ax, ax2])
fig.tight_layout()
stamp(fig, "germany-partnerships-2015: degrees within the register (partners of German towns only); k >= 1")
save(fig, "attachment_kernel.png")
