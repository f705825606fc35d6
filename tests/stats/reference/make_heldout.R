# A larger, seeded, held-out set of metafor cases for cartatlas.stats.meta_generic,
# hr_to_log and meta_proportions (issue 15, "Statistics").
#
# Run from the repository root:
#   Rscript tests/stats/reference/make_heldout.R
# It writes tests/stats/reference/metafor_heldout.json, which tests/stats/test_stats_heldout.py
# reads, so CI needs no R. Unlike make_reference.R (hand-picked data sets), the data sets here
# are drawn at random over a grid that stresses the estimators: k = 1 ... 100; tau^2 = 0
# (REML/ML/PM at the zero boundary), small, moderate and huge; equal, typical and very unequal
# standard errors (1e-3 to 10); identical, negative, large and tiny effects; log hazard ratios
# from rounded, publication-style HR/CI triples; proportions with 0 and n events.
#
# Every case is rma(yi, sei = sei, method, test) (or rma(measure, xi, ni, ...)) with metafor's
# defaults, then confint() (Q-profile tau^2 interval) and predict() (CI and prediction
# interval: t(k - 1) under test = "t"/"knha", N(0, 1) under "z"; metafor 3.8 gives no PI for
# the common-effect model, so the CI is stored there, as metafor >= 4 reports it). Warnings
# are recorded; when rma() stops with an error the message is stored instead of values.
#
# Output layout (compact): "fields" names the columns, each case's "values" is one row in that
# order; NA/NaN/Inf are the strings "NA", "NaN", "Inf", "-Inf".

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

out_path <- file.path("tests", "stats", "reference", "metafor_heldout.json")
set.seed(20261207)

# Every method name rma.uni accepts without extra arguments (GENQ needs weights); the
# proportions use the core ones.
all_methods <- c("FE", "EE", "DL", "DLIT", "REML", "ML", "PM", "MP", "PMM", "HE", "HS", "HSk",
                 "SJ", "SJIT", "EB")
all_tests <- c("z", "t", "knha", "adhoc")
core_methods <- c("FE", "EE", "DL", "REML", "ML", "PM", "HE", "HS", "HSk", "SJ", "EB")
core_tests <- c("z", "t", "knha")
fields <- c("estimate", "se", "stat", "pval", "ci_low", "ci_high", "df", "tau2",
            "tau2_ci_low", "tau2_ci_high", "i2", "i2_ci_low", "i2_ci_high", "h2", "h2_ci_low",
            "h2_ci_high", "q", "q_p", "pi_low", "pi_high",
            "bt_estimate", "bt_ci_low", "bt_ci_high", "bt_pi_low", "bt_pi_high")

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else unname(as.numeric(x))
pi_lb <- function(pr) num(if (is.null(pr$pi.lb)) pr$ci.lb else pr$pi.lb)
pi_ub <- function(pr) num(if (is.null(pr$pi.ub)) pr$ci.ub else pr$pi.ub)

# Evaluate expr, keeping its warnings (messages, in order) and any error message.
capture <- function(expr) {
  warns <- character()
  value <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(list(msg = conditionMessage(e)), class = "failure")),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(value = value, warnings = warns)
}

values_of <- function(res, bt) {
  pr <- predict(res)
  b <- bt(res)
  ci <- capture(confint(res))$value
  random <- if (inherits(ci, "failure") || is.null(ci$random)) matrix(NA, 4, 3) else ci$random
  c(num(res$beta), num(res$se), num(res$zval), num(res$pval), num(res$ci.lb), num(res$ci.ub),
    num(res$ddf), num(res$tau2), num(random[1, 2]), num(random[1, 3]), num(res$I2),
    num(random[3, 2]), num(random[3, 3]), num(res$H2), num(random[4, 2]), num(random[4, 3]),
    num(res$QE), num(res$QEp), pi_lb(pr), pi_ub(pr),
    num(b$pred), num(b$ci.lb), num(b$ci.ub), pi_lb(b), pi_ub(b))
}

run_cases <- function(dataset, fit, bt, extra = list(), methods = all_methods, tests = all_tests) {
  out <- list()
  for (method in methods) for (test in tests) {
    got <- capture(fit(method, test))
    case <- c(list(dataset = dataset, method = method, test = test), extra)
    if (length(got$warnings)) case$warnings <- I(got$warnings)
    if (inherits(got$value, "failure")) {
      case$error <- got$value$msg
    } else {
      case$values <- values_of(got$value, bt)
    }
    out[[length(out) + 1]] <- case
  }
  out
}

# ----------------------------------------------------------------------------------------------
# Generic effect sizes with standard errors

sei_pattern <- function(pattern, k) {
  switch(pattern,
         equal = rep(0.2, k),
         typical = runif(k, 0.05, 0.5),
         unequal = 10^runif(k, -3, 1))
}
tau2_grid <- c(zero = 0, small = 0.005, moderate = 0.3, huge = 25)

generic_sets <- list()
for (rep in 1:2) for (k in c(1, 2, 3, 5, 10, 30, 100)) for (tname in names(tau2_grid)) {
  for (pattern in c("equal", "typical", "unequal")) {
    if (k == 1 && tname != "zero") next
    sei <- sei_pattern(pattern, k)
    mu <- sample(c(-2, -0.5, 0, 0.3, 1.2), 1)
    yi <- rnorm(k, mu, sqrt(tau2_grid[[tname]] + sei^2))
    generic_sets[[sprintf("k%d_%s_%s_r%d", k, tname, pattern, rep)]] <- list(yi = yi, sei = sei)
  }
}

# Degenerate and extreme shapes
for (k in c(2, 3, 5, 10, 30)) {
  generic_sets[[sprintf("identical_k%d", k)]] <- list(yi = rep(-0.4, k), sei = rep(0.25, k))
  generic_sets[[sprintf("same_yi_unequal_sei_k%d", k)]] <- list(yi = rep(0.7, k),
                                                              sei = 10^runif(k, -2, 0.5))
}
generic_sets$all_zero <- list(yi = rep(0, 6), sei = c(0.1, 0.2, 0.3, 0.15, 0.25, 0.4))
generic_sets$large_negative <- list(yi = -50 + rnorm(8, 0, 5), sei = runif(8, 1, 3))
generic_sets$large_positive <- list(yi = 1000 + rnorm(12, 0, 30), sei = runif(12, 1, 10))
generic_sets$tiny_scale <- list(yi = 1e-4 + rnorm(10, 0, 2e-5), sei = runif(10, 5e-6, 2e-5))
generic_sets$one_precise_rest_vague <- list(yi = c(0.2, rnorm(9, 1, 3)), sei = c(1e-3, rep(10, 9)))
generic_sets$extreme_sei_range <- list(yi = rnorm(20, -0.3, 0.2), sei = 10^seq(-3, 1, length.out = 20))
generic_sets$bimodal <- list(yi = c(rep(-1.5, 6), rep(1.5, 6)) + rnorm(12, 0, 0.05),
                             sei = runif(12, 0.1, 0.2))
generic_sets$outlier <- list(yi = c(rnorm(9, 0, 0.1), 6), sei = c(runif(9, 0.1, 0.3), 0.3))
# Q just above / below its degrees of freedom: the REML/ML/PM boundary at tau^2 = 0
for (i in 1:4) {
  sei <- runif(6, 0.1, 0.3)
  z <- rnorm(6)
  z <- (z - mean(z)) / sqrt(sum((z - mean(z))^2) / 5) * c(0.9, 0.97, 1.03, 1.1)[i]
  generic_sets[[sprintf("near_boundary_%d", i)]] <- list(yi = -0.2 + z * sei, sei = sei)
}

# Where metafor stops: Paule-Mandel's search interval [0, max(100, 10 mad(y)^2)] too short (one
# far study, mad = 0), and data sets on which Fisher scoring does not converge (REML, ML, EB),
# found by a seeded search over random sets (about 1 in 200 fails).
generic_sets$pm_bound_too_low <- list(yi = c(rep(0, 5), 1000), sei = rep(0.1, 6))
set.seed(20261208)
fails <- c(REML = 0, ML = 0, EB = 0)
for (i in 1:20000) {
  k <- sample(c(3, 5, 10, 25, 40), 1)
  sei <- switch(sample(3, 1), runif(k, 0.08, 0.45), 10^runif(k, -2, 0.5), runif(k, 0.5, 2))
  yi <- rnorm(k, 0, sqrt(sample(c(0.01, 0.04, 0.3, 2), 1) + sei^2))
  for (m in names(fails)) {
    if (fails[[m]] >= 4) next
    if (inherits(capture(rma(yi = yi, sei = sei, method = m))$value, "failure")) {
      fails[[m]] <- fails[[m]] + 1
      generic_sets[[sprintf("no_convergence_%s_%d", m, fails[[m]])]] <- list(yi = yi, sei = sei)
      break
    }
  }
  if (all(fails[c("REML", "EB")] >= 4) && i >= 5000) break
}

# Publication-style hazard ratios: HR and CI rounded to two decimals, as papers print them.
hr_log <- function(hr, lo, hi, level = 0.95) {
  list(yi = log(hr), sei = (log(hi) - log(lo)) / (2 * qnorm(1 - (1 - level) / 2)))
}
hr_triples <- function(k, level) {
  repeat {
    se <- runif(k, 0.07, 0.45)
    loghr <- rnorm(k, -0.35, sqrt(0.03 + se^2))
    z <- qnorm(1 - (1 - level) / 2)
    hr <- round(exp(loghr), 2)
    lo <- round(exp(loghr - z * se), 2)
    hi <- round(exp(loghr + z * se), 2)
    if (all(lo > 0 & lo < hr & hr < hi)) return(list(hr = hr, lo = lo, hi = hi))
  }
}
for (k in c(1, 2, 3, 5, 10, 30)) for (level in c(0.95, 0.90, 0.99)) {
  if (level != 0.95 && !(k %in% c(3, 10))) next
  t3 <- hr_triples(k, level)
  generic_sets[[sprintf("hr_k%d_level%d", k, round(100 * level))]] <-
    c(t3, list(level = level), hr_log(t3$hr, t3$lo, t3$hi, level))
}
# Trial-like triples (ZUMA-7/TRANSFORM/BELINDA/CARTITUDE-4/KarMMa-3 style magnitudes; made up)
trial_like <- list(hr = c(0.40, 0.35, 1.07, 0.26, 0.49, 0.73), lo = c(0.31, 0.23, 0.82, 0.18, 0.38, 0.54),
                   hi = c(0.51, 0.53, 1.40, 0.38, 0.65, 0.98))
generic_sets$hr_trial_like <- c(trial_like, list(level = 0.95),
                                hr_log(trial_like$hr, trial_like$lo, trial_like$hi))

generic_cases <- list()
for (name in names(generic_sets)) {
  g <- generic_sets[[name]]
  generic_cases <- c(generic_cases, run_cases(
    name, function(method, test) rma(yi = g$yi, sei = g$sei, method = method, test = test),
    function(res) predict(res)))
}
# A 90% and a 99% confidence level on a few sets
for (name in c("k10_moderate_typical_r1", "k30_small_unequal_r2", "hr_k10_level95")) {
  g <- generic_sets[[name]]
  for (level in c(90, 99)) {
    generic_cases <- c(generic_cases, run_cases(
      name, function(method, test) rma(yi = g$yi, sei = g$sei, method = method, test = test,
                                       level = level),
      function(res) predict(res), list(level = level)))
  }
}

# ----------------------------------------------------------------------------------------------
# Proportions (escalc defaults: add 1/2 to studies with 0 or n events for PLO and PR, nothing
# for PAS and PFT)

prop_sets <- list()
for (k in c(1, 2, 3, 5, 10, 30, 100)) for (scenario in c("rare", "mid", "high", "spread")) {
  n <- if (scenario == "rare") sample(20:600, k, replace = TRUE) else sample(3:250, k, replace = TRUE)
  logit <- switch(scenario, rare = rnorm(k, -4, 0.6), mid = rnorm(k, -0.3, 0.15),
                  high = rnorm(k, 3.2, 0.5), spread = rnorm(k, 0, 1.8))
  events <- rbinom(k, n, plogis(logit))
  if (k >= 3 && scenario == "spread") {  # force both a 0 and an n event study
    events[1] <- 0
    events[2] <- n[2]
  }
  prop_sets[[sprintf("prop_k%d_%s", k, scenario)]] <- list(events = events, n = n)
}
prop_sets$prop_all_zero_but_one <- list(events = c(0, 0, 0, 1, 0), n = c(12, 40, 7, 55, 30))
prop_sets$prop_all_n <- list(events = c(10, 25, 8, 40), n = c(10, 25, 8, 40))
prop_sets$prop_tiny_n <- list(events = c(0, 1, 1, 2, 0, 1), n = c(1, 1, 2, 2, 3, 1))
prop_sets$prop_identical <- list(events = rep(7, 4), n = rep(21, 4))

transf_for <- function(measure) {
  switch(measure, PLO = transf.ilogit, PAS = transf.iarcsin, PFT = transf.ipft.hm, PR = NULL)
}
prop_cases <- list()
for (name in names(prop_sets)) {
  d <- prop_sets[[name]]
  for (measure in c("PLO", "PAS", "PFT", "PR")) {
    tf <- transf_for(measure)
    bt <- function(res) {
      if (is.null(tf)) return(predict(res))
      if (measure == "PFT") return(predict(res, transf = tf, targs = list(ni = d$n)))
      predict(res, transf = tf)
    }
    prop_cases <- c(prop_cases, run_cases(
      name, function(method, test) rma(measure = measure, xi = d$events, ni = d$n,
                                       method = method, test = test),
      bt, list(measure = measure), core_methods, core_tests))
  }
}

reference <- list(
  generated_with = list(R = R.version.string, metafor = as.character(packageVersion("metafor"))),
  fields = fields,
  generic_datasets = generic_sets,
  generic = generic_cases,
  proportion_datasets = prop_sets,
  proportions = prop_cases
)
writeLines(toJSON(reference, auto_unbox = TRUE, digits = I(15), na = "string", null = "null",
                  pretty = FALSE), out_path)
cat("wrote", out_path, ":", length(generic_sets), "generic data sets,", length(generic_cases),
    "generic cases;", length(prop_sets), "proportion data sets,", length(prop_cases),
    "proportion cases\n")
