# Reference values for twingraph.survival, from R's survival and cmprsk.
#
# Run from the repository root:  Rscript tests/r/make_reference.R
# Needs: R >= 4.2 with survival (>= 3.0) and cmprsk, e.g. Debian/Ubuntu packages
#        r-base-core r-cran-survival r-cran-cmprsk   (apt-get install -y --no-install-recommends ...)
# Writes tests/r/data_<case>.csv (the inputs), tests/r/reference.csv (case, quantity, value), which
# tests/test_survival_r.py compares against, and tests/r/versions.txt (R and package versions).  The
# data are generated here with R's own RNG (set.seed), so re-running reproduces the files byte for byte with the same R and package versions.
# Generated with R 4.2.2, survival 3.5-3, cmprsk 2.2-11 (Debian bookworm).
# Round 2 (issue 22, cases 6-9) was generated with the same versions on 2026-12-07: the newest
# survival release could not be installed (CRAN unreachable from the build machine: "Couldn't resolve
# host name"; Debian's candidate is 3.5-3-1, the installed one).  Regenerating changed no round-1 row
# or data file (byte-identical).  Re-run with a newer survival and compare before updating the
# versions named here and in tests/test_survival_r.py.
# Values R reports as NA (a median bound never reached) are written as NA.

suppressMessages({library(survival); library(cmprsk)})
out_dir <- "tests/r"
ref <- list()
add <- function(case, quantity, value) {
  value <- as.numeric(value)
  names <- if (length(value) == 1) quantity else paste0(quantity, "[", seq_along(value) - 1, "]")
  ref[[length(ref) + 1]] <<- data.frame(case = case, quantity = names, value = value)
}
put <- function(df, case) write.csv(df, file.path(out_dir, paste0("data_", case, ".csv")), row.names = FALSE)
ctrl <- coxph.control(eps = 1e-10, iter.max = 100)

## 1. The issue-10 reproducer: Efron-type score residuals in the clustered SE (plain and stratified)
d1 <- data.frame(stop = c(1, 1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 6), event = c(1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1),
                 x = c(0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0), cl = c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6),
                 s = rep(c(1, 2), 6))
put(d1, "efron_cluster")
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(stop, event) ~ x, d1, ties = ties, cluster = cl, control = ctrl)
  add("efron_cluster", paste0(ties, "_coef"), coef(f))
  add("efron_cluster", paste0(ties, "_se"), sqrt(diag(f$naive.var)))
  add("efron_cluster", paste0(ties, "_robust_se"), sqrt(diag(f$var)))
  fs <- coxph(Surv(stop, event) ~ x + strata(s), d1, ties = ties, cluster = cl, control = ctrl)
  add("efron_cluster", paste0(ties, "_strata_coef"), coef(fs))
  add("efron_cluster", paste0(ties, "_strata_robust_se"), sqrt(diag(fs$var)))
}

## 2. Counting-process data: left truncation, a split time-varying covariate, ties, strata, clusters
set.seed(20261201)
n <- 300
id <- 1:n
x1 <- rbinom(n, 1, 0.4)
x2 <- round(rnorm(n), 2)
g <- sample(1:3, n, replace = TRUE)
cl <- sample(1:40, n, replace = TRUE)
t <- round(round(rexp(n, 0.15 * exp(0.6 * x1 - 0.4 * x2)), 1) + 0.1, 4)
cen <- round(runif(n, 2, 15), 1)
stop <- pmin(t, cen)
event <- as.integer(t <= cen)
entry <- ifelse(runif(n) < 0.3, round(runif(n, 0, 1), 1), 0)
keep <- entry < stop
sub <- data.frame(id, start = entry, stop, event, x1, x2, g, cl)[keep, ]
sub[, c("start", "stop")] <- round(sub[, c("start", "stop")], 4)   # the values the CSV holds exactly
cut <- round(round(sub$start + (sub$stop - sub$start) * 0.5, 1), 4)
split <- cut > sub$start & cut < sub$stop
a <- sub; a$stop[split] <- cut[split]; a$event[split] <- 0
b <- sub[split, ]; b$start <- cut[split]
cp <- rbind(a, b)
cp <- cp[order(cp$id, cp$start), ]

zon <- rbinom(n, 1, 0.5)[cp$id]     # half the subjects switch z on at their cut time
second <- cp$start >= cut[match(cp$id, sub$id)] & split[match(cp$id, sub$id)]
cp$z <- ifelse(second & zon == 1, 1, 0)
put(cp, "counting")
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(start, stop, event) ~ x1 + x2 + z, cp, ties = ties, cluster = cl, control = ctrl)
  add("counting", paste0(ties, "_coef"), coef(f))
  add("counting", paste0(ties, "_se"), sqrt(diag(f$naive.var)))
  add("counting", paste0(ties, "_robust_se"), sqrt(diag(f$var)))
  add("counting", paste0(ties, "_loglik"), f$loglik[2])
  fi <- coxph(Surv(start, stop, event) ~ x1 + x2 + z, cp, ties = ties, cluster = id, control = ctrl)
  add("counting", paste0(ties, "_robust_se_by_id"), sqrt(diag(fi$var)))
  fs <- coxph(Surv(start, stop, event) ~ x1 + x2 + z + strata(g), cp, ties = ties, cluster = cl, control = ctrl)
  add("counting", paste0(ties, "_strata_coef"), coef(fs))
  add("counting", paste0(ties, "_strata_se"), sqrt(diag(fs$naive.var)))
  add("counting", paste0(ties, "_strata_robust_se"), sqrt(diag(fs$var)))
  for (tr in c("km", "rank", "identity")) {
    z <- cox.zph(f, transform = tr)
    add("counting", paste0(ties, "_zph_", tr, "_chisq"), z$table[, "chisq"])
    zs <- cox.zph(fs, transform = tr)
    add("counting", paste0(ties, "_strata_zph_", tr, "_chisq"), zs$table[, "chisq"])
  }
  bh <- basehaz(f, centered = FALSE)
  at <- c(1, 2.5, 5, 10)
  add("counting", paste0(ties, "_basehaz"), sapply(at, function(s) max(c(0, bh$hazard[bh$time <= s]))))
}
# Kaplan–Meier with left truncation (one row per subject), log-log band
km <- survfit(Surv(start, stop, event) ~ 1, sub, conf.type = "log-log")
at <- c(0.5, 1, 2, 3.3, 5, 8)
s <- summary(km, times = at)
add("counting", "km_times", at)
add("counting", "km_surv", s$surv)
add("counting", "km_std_err", s$std.err)
add("counting", "km_lower", s$lower)
add("counting", "km_upper", s$upper)
add("counting", "km_n_risk", s$n.risk)
add("counting", "km_median", unname(summary(km)$table["median"]))
# log-rank (right-censored subjects, 3 groups)
lr <- survdiff(Surv(stop, event) ~ g, sub)
add("counting", "logrank_chisq", lr$chisq)

## 3. Bad input as R handles it: a missing duration is dropped, zero-length rows are dropped
d3 <- data.frame(time = c(1, 2, NA, 3, 4, 4, 5, 6, 7, 8), event = c(1, 0, 1, 1, 1, 0, 1, 0, 1, 1))
put(d3, "missing")
add("missing", "km_median", unname(summary(survfit(Surv(time, event) ~ 1, d3))$table["median"]))
add("missing", "km_n", unname(summary(survfit(Surv(time, event) ~ 1, d3))$table["records"]))
set.seed(3)
m <- 60
d4 <- data.frame(start = 0, stop = round(round(rexp(m, 0.3), 3) + 0.01, 4), event = rbinom(m, 1, 0.8),
                 grp = rep(0:1, m / 2))
zl <- d4[1:10, ]; zl$start <- zl$stop; zl$event <- 1   # zero-length rows (start == stop), all "events"
d4 <- rbind(d4, zl)
put(d4, "zero_length")
f4 <- suppressWarnings(coxph(Surv(start, stop, event) ~ grp, d4, ties = "breslow"))
add("zero_length", "score_test", f4$score)       # = log-rank on the 60 valid rows (no tied times)
add("zero_length", "n_used", f4$n)
add("zero_length", "logrank_valid_rows", survdiff(Surv(stop, event) ~ grp, d4[d4$stop > d4$start, ])$chisq)

## 4. Firth's penalised Cox: computed from survival's own log-likelihood and information,
##    l*(b) = loglik(b) + log(det(I(b))) / 2 with coxph(..., init = b, iter.max = 0), Breslow ties
##    (coxphf's definition, Heinze & Schemper 2001); profile-penalised-likelihood 95% intervals.
pen <- function(b, form, data) {
  f <- suppressWarnings(coxph(form, data, init = b, ties = "breslow", control = coxph.control(iter.max = 0)))
  f$loglik[2] + 0.5 * log(det(solve(f$var)))
}
d5 <- data.frame(time = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                 event = c(1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0),
                 x = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),     # every x = 1 death precedes ...
                 w = c(0.5, -1, 0.2, 1.3, 0, -0.7, 0.9, -0.2, 1.1, -1.4, 0.3, 0.8))
d5$x[c(6, 8, 11)] <- 0                                    # ... any x = 0 death: monotone in x
put(d5, "firth")
form1 <- Surv(time, event) ~ x
o1 <- optimize(function(b) pen(b, form1, d5), c(-10, 10), maximum = TRUE, tol = 1e-12)
add("firth", "x_only_coef", o1$maximum)
lmax <- o1$objective
q <- qchisq(0.95, 1)
dev <- function(b) 2 * (lmax - pen(b, form1, d5)) - q
add("firth", "x_only_lower", uniroot(dev, c(o1$maximum - 20, o1$maximum), tol = 1e-12)$root)
add("firth", "x_only_upper", uniroot(dev, c(o1$maximum, o1$maximum + 20), tol = 1e-12)$root)
add("firth", "x_only_p", pchisq(2 * (lmax - pen(0, form1, d5)), 1, lower.tail = FALSE))
form2 <- Surv(time, event) ~ x + w
o2 <- optim(c(1, 0), function(b) -pen(b, form2, d5), method = "BFGS", control = list(reltol = 1e-14, maxit = 1000))
o2 <- optim(o2$par, function(b) -pen(b, form2, d5), method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 5000))
add("firth", "xw_coef", o2$par)
lmax2 <- -o2$value
prof <- function(bx) -optimize(function(bw) -pen(c(bx, bw), form2, d5), c(-10, 10), tol = 1e-12)$objective
dev2 <- function(bx) 2 * (lmax2 - prof(bx)) - q
add("firth", "xw_x_lower", uniroot(dev2, c(o2$par[1] - 20, o2$par[1]), tol = 1e-10)$root)
add("firth", "xw_x_upper", uniroot(dev2, c(o2$par[1], o2$par[1] + 20), tol = 1e-10)$root)
fmono <- suppressWarnings(coxph(form1, d5, ties = "breslow"))
add("firth", "mle_coef_runs_off", coef(fmono))   # what coxph returns (not estimable)

## 5. Competing risks: Fine–Gray (cmprsk::crr) and the Aalen–Johansen CIF (cmprsk::cuminc)
set.seed(42)
k <- 250
d6 <- data.frame(time = round(round(rexp(k, 0.3), 1) + 0.1, 4), cause = sample(0:2, k, TRUE, prob = c(0.3, 0.4, 0.3)),
                 x = round(rnorm(k), 2), z = rbinom(k, 1, 0.5))
put(d6, "competing")
cr <- crr(d6$time, d6$cause, cbind(d6$x, d6$z), failcode = 1, cencode = 0, gtol = 1e-12, maxiter = 100)
add("competing", "crr_coef", cr$coef)
add("competing", "crr_se", sqrt(diag(cr$var)))
ci <- cuminc(d6$time, d6$cause, cencode = 0)
tp <- timepoints(ci, c(0.5, 1, 2, 4, 6))
add("competing", "cif_times", c(0.5, 1, 2, 4, 6))
add("competing", "cif1", tp$est["1 1", ])
add("competing", "cif1_var", tp$var["1 1", ])
add("competing", "cif2", tp$est["1 2", ])

## ---- Round 2 (issue 22).  Appended after the round-1 cases, each with its own seed, so the round-1
## ---- data files and reference rows above stay byte-identical.

## 6. Log-rank with strata and the Fleming–Harrington G-rho family (survdiff(..., rho)), on the
##    subjects of case 2 (survdiff takes right-censored data only); O, E summed over strata as survdiff.
for (rho in c(0, 0.5, 1, 2)) {
  tag <- paste0("rho", rho)
  lr <- survdiff(Surv(stop, event) ~ g, sub, rho = rho)
  add("logrank", paste0(tag, "_chisq"), lr$chisq)
  add("logrank", paste0(tag, "_obs"), lr$obs)
  add("logrank", paste0(tag, "_exp"), lr$exp)
  add("logrank", paste0(tag, "_var"), lr$var)
  ls <- survdiff(Surv(stop, event) ~ g + strata(x1), sub, rho = rho)
  add("logrank", paste0(tag, "_strata_chisq"), ls$chisq)
  add("logrank", paste0(tag, "_strata_obs"), rowSums(ls$obs))
  add("logrank", paste0(tag, "_strata_exp"), rowSums(ls$exp))
  ls2 <- survdiff(Surv(stop, event) ~ x1 + strata(g, cl > 20), sub, rho = rho)   # two strata columns
  add("logrank", paste0(tag, "_strata2_chisq"), ls2$chisq)
}

## 7. Kaplan–Meier median (print.survfit's midpoint rule), its confidence interval, and the "log" and
##    "plain" bands beside "log-log".  d7: deaths at 1-5 and 7-11, S = 0.5 on [5, 7): R's median is 6.
d7 <- data.frame(time = c(1:5, 7:11), event = 1)
d7b <- data.frame(time = c(1, 2, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10, 12, 13), event = c(1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0))
put(d7, "km_median")
put(d7b, "km_median_censored")
at7 <- c(0.5, 2, 4.5, 6, 8, 10.5)
for (ct in c("log-log", "log", "plain")) {
  tag <- gsub("-", "", ct)
  for (case in c("km_median", "km_median_censored")) {
    dd <- if (case == "km_median") d7 else d7b
    k7 <- survfit(Surv(time, event) ~ 1, dd, conf.type = ct)
    tb <- summary(k7)$table
    add(case, paste0(tag, "_median"), tb["median"])
    add(case, paste0(tag, "_median_lcl"), tb["0.95LCL"])
    add(case, paste0(tag, "_median_ucl"), tb["0.95UCL"])
    s7 <- summary(k7, times = at7, extend = TRUE)
    add(case, paste0(tag, "_lower"), s7$lower)
    add(case, paste0(tag, "_upper"), s7$upper)
  }
  kt <- survfit(Surv(start, stop, event) ~ 1, sub, conf.type = ct)    # case 2's left-truncated subjects
  st <- summary(kt, times = at)
  add("km_bands", paste0(tag, "_lower"), st$lower)
  add("km_bands", paste0(tag, "_upper"), st$upper)
  tb <- summary(kt)$table
  add("km_bands", paste0(tag, "_median"), tb["median"])
  add("km_bands", paste0(tag, "_median_lcl"), tb["0.95LCL"])
  add("km_bands", paste0(tag, "_median_ucl"), tb["0.95UCL"])
}
add("km_bands", "times", at)
add("km_median", "times", at7)

## 8. CIF variance: survfit's Aalen–Johansen SE (multi-state survfit, infinitesimal jackknife) against
##    cmprsk::cuminc's (Gray 1988) on case 5's data, both causes, at times that include
##    competing-only event times.
at8 <- c(0.5, 1, 1.15, 2, 3.05, 4, 6, 9)
aj <- survfit(Surv(time, factor(cause)) ~ 1, d6)
sa <- summary(aj, times = at8)
add("cif_variance", "times", at8)
for (j in 1:2) {
  add("cif_variance", paste0("survfit_cif", j), sa$pstate[, j + 1])
  add("cif_variance", paste0("survfit_se", j), sa$std.err[, j + 1])
}
tp8 <- timepoints(ci, at8)
add("cif_variance", "cuminc_var1", tp8$var["1 1", ])
add("cif_variance", "cuminc_var2", tp8$var["1 2", ])

## 9. Fine–Gray and cuminc with a missing cause: cmprsk drops the rows (na.omit) and counts them.
set.seed(9)
d9 <- d6
d9$cause[sample(nrow(d9), 15)] <- NA
put(d9, "missing_cause")
cr9 <- suppressWarnings(crr(d9$time, d9$cause, cbind(d9$x, d9$z), failcode = 1, cencode = 0, gtol = 1e-12,
                            maxiter = 100))
add("missing_cause", "crr_coef", cr9$coef)
add("missing_cause", "crr_se", sqrt(diag(cr9$var)))
add("missing_cause", "crr_n", cr9$n)
add("missing_cause", "crr_n_missing", cr9$n.missing)
ci9 <- cuminc(d9$time, d9$cause, cencode = 0)
tp9 <- timepoints(ci9, at8)
add("missing_cause", "times", at8)
add("missing_cause", "cif1", tp9$est["1 1", ])
add("missing_cause", "cif1_var", tp9$var["1 1", ])

res <- do.call(rbind, ref)
res$value <- ifelse(is.na(res$value), "NA", formatC(res$value, digits = 15, format = "g"))   # NA: not reached
write.csv(res, file.path(out_dir, "reference.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("survival", packageVersion("survival")),
             paste("cmprsk", packageVersion("cmprsk"))), file.path(out_dir, "versions.txt"))
cat("wrote", nrow(res), "reference values\n")
