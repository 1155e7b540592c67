"""The attachment kernel of German towns in the 2015 register: does a town with more partners gain the
next one faster (preferential attachment), and is that more than towns' fixed differences explain?

k is a German town's number of partners *within the register* at the start of a year (the register
holds German towns' partnerships only; a town enters with its first one, so k >= 1).  The null keeps
every partnership and shuffles the years among them (200 replicates).  Outputs: figures/
attachment_kernel.png, attachment_kernel.csv, attachment_null.csv.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp

from twingraph import formation as F

DATASETS = ("germany-partnerships-2015",)
CB = ["#0072B2", "#E69F00", "#009E73", "#D55E00"]
CAPTIONS = {
    "attachment_kernel.png": "Attachment kernel of German towns in germany-partnerships-2015 (k = partners within the "
    "register at the start of a year, k >= 1; 1946-2014, year 2000 kept): new partnerships relative to the year's "
    "average rate, exact Poisson 95% intervals; fitted k^alpha (Poisson model with year effects, HC1 interval) and "
    "linear k; grey band and panel B: 200 registers with the years shuffled among partnerships.",
}

pairs = F.partnerships(dataset("germany-partnerships-2015"))
# ---------------------------------------------------------------------------------- attachment kernel
ak = F.attachment_kernel(pairs, n_replicates=200, random_state=SEED)
null = ak.null_kernel_.rename(columns={"mean": "null_mean", "q025": "null_q025", "q975": "null_q975"})
kern = ak.kernel.merge(null, on="label")
kern.to_csv(FIGURES / "attachment_kernel.csv", index=False, float_format="%.6g")
lo, hi = np.percentile(ak.null_alpha_, [2.5, 97.5])
pd.DataFrame({"replicate": range(len(ak.null_alpha_)), "alpha": ak.null_alpha_}).to_csv(
    FIGURES / "attachment_null.csv", index=False, float_format="%.6g")
print(f"alpha = {ak.alpha_:.3f} [{ak.alpha_ci_[0]:.3f}, {ak.alpha_ci_[1]:.3f}], p(alpha=1) = {ak.linear_p_value_:.3g}; "
      f"date-shuffled null: mean {ak.null_alpha_.mean():.3f}, 95% range [{lo:.3f}, {hi:.3f}] "
      f"({ak.n_replicates} replicates)")

fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.6, 1]})
kmid = np.sqrt(kern["k_low"] * np.maximum(kern["k_high"], kern["k_low"]))
ax.fill_between(kmid, kern["null_q025"], kern["null_q975"], color="0.85", label="date-shuffled null (95% range)")
ax.errorbar(kmid, kern["relative_rate"],
            yerr=[kern["relative_rate"] - kern["ci_low"], kern["ci_high"] - kern["relative_rate"]],
            fmt="o", color=CB[0], capsize=2, label="observed A(k), exact 95% CI")
kk = np.geomspace(1, kmid.max(), 50)
scale = (kern["observed"].sum() / (kern["expected"] * kmid ** ak.alpha_).sum())
ax.plot(kk, scale * kk ** ak.alpha_, color=CB[3],
        label=f"fit k^alpha, alpha = {ak.alpha_:.2f} [{ak.alpha_ci_[0]:.2f}, {ak.alpha_ci_[1]:.2f}]")
ax.plot(kk, (kern["observed"].sum() / (kern["expected"] * kmid).sum()) * kk, color=CB[2], ls=":",
        label="linear (alpha = 1)")
ax.set(xscale="log", yscale="log",
       xlabel="partners k at the start of the year (bins: " + ", ".join(kern["label"]) + ")",
       ylabel="relative attachment rate A(k)")
ax.legend(fontsize=8, frameon=False)
ax.set_title("(A) Attachment kernel, German towns", fontsize=10, loc="left")
ax2.hist(ak.null_alpha_, bins=25, color="0.7")
ax2.axvline(ak.alpha_, color=CB[3], lw=2, label="observed alpha")
ax2.axvspan(*ak.alpha_ci_, color=CB[3], alpha=0.15, label="its 95% CI")
ax2.set(xlabel="alpha", ylabel="replicates")
ax2.legend(fontsize=8, frameon=False)
ax2.set_title(f"(B) alpha in {ak.n_replicates} date-shuffled registers", fontsize=10, loc="left")
stamp(fig, "germany-partnerships-2015: degrees within the register (partners of German towns only); k >= 1")
save(fig, "attachment_kernel.png")

