# Reference values for cartatlas.stats from metafor (and lme4 through rma.glmm).
#
# Run from the repository root:
#   Rscript tests/stats/reference/make_reference.R
# It writes tests/stats/reference/metafor_reference.json, which the Python tests read, so CI
# needs no R (NA, NaN, Inf and -Inf are written as the strings "NA", "NaN", "Inf", "-Inf").
# Every call below uses metafor's defaults unless the case says otherwise; the
# Python side must reproduce them from the same events/n.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

out_path <- file.path("tests", "stats", "reference", "metafor_reference.json")

# ----------------------------------------------------------------------------------------------
# Data sets

set.seed(20240611)
sim_k <- 40
sim_n <- sample(15:400, sim_k, replace = TRUE)
sim_country <- sample(c("France", "Germany", "Italy", "Spain"), sim_k, replace = TRUE)
sim_year <- sample(2015:2024, sim_k, replace = TRUE)
sim_logit <- -0.4 + c(France = 0, Germany = 0.5, Italy = -0.3, Spain = 0.2)[sim_country] +
  0.05 * (sim_year - 2019) + rnorm(sim_k, 0, 0.45)
sim_events <- rbinom(sim_k, sim_n, plogis(sim_logit))

datasets <- list(
  pritz1997 = list(events = dat.pritz1997$xi, n = dat.pritz1997$ni,
                   groups = rep(c("A", "B", "C"), length.out = 14)),
  zeros = list(events = c(0, 3, 1, 0, 7, 2, 5), n = c(20, 35, 18, 40, 60, 25, 50),
               groups = c("X", "Y", "X", "Y", "X", "Y", "X")),
  all_events = list(events = c(20, 15, 30, 12, 45, 28), n = c(20, 16, 30, 15, 50, 31),
                    groups = c("X", "X", "Y", "Y", "X", "Y")),
  zeros_and_all = list(events = c(0, 10, 5, 12, 0, 7), n = c(15, 10, 20, 12, 30, 9),
                       groups = c("X", "Y", "X", "Y", "X", "Y")),
  k2 = list(events = c(12, 30), n = c(40, 60), groups = NULL),
  k1 = list(events = c(7), n = c(25), groups = NULL),
  identical = list(events = rep(10, 5), n = rep(50, 5), groups = NULL),
  strong_heterogeneity = list(events = c(2, 45, 10, 80, 30, 5, 60, 95),
                              n = c(100, 50, 100, 90, 120, 80, 70, 100),
                              groups = c("low", "high", "low", "high", "low", "low", "high",
                                         "high")),
  small_n = list(events = c(1, 0, 2, 1, 3), n = c(3, 4, 5, 2, 6), groups = NULL),
  homogeneous = list(events = c(10, 12, 11, 9, 13, 10), n = c(100, 105, 98, 102, 101, 99),
                     groups = NULL),
  k3 = list(events = c(5, 18, 9), n = c(30, 45, 50), groups = NULL),
  rare = list(events = c(0, 1, 0, 2, 0, 1, 0, 0), n = c(150, 210, 90, 400, 120, 300, 75, 60),
              groups = NULL),
  simulated = list(events = sim_events, n = sim_n, groups = sim_country,
                   moderators = list(country = sim_country, year = sim_year))
)

measures <- c("PLO", "PAS", "PFT", "PR")
methods <- c("FE", "DL", "REML", "ML", "PM", "HE", "SJ", "EB")
tests <- c("z", "t", "knha")

num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else unname(as.numeric(x))

# Prediction interval bounds. metafor 3.8 leaves them out for equal-effects ("FE") models;
# metafor >= 4.0 reports them, equal to the confidence interval (tau^2 = 0). The reference
# follows metafor >= 4: the CI where 3.8 gives none.
pi_lb <- function(pr) num(if (is.null(pr$pi.lb)) pr$ci.lb else pr$pi.lb)
pi_ub <- function(pr) num(if (is.null(pr$pi.ub)) pr$ci.ub else pr$pi.ub)

transf_for <- function(measure) {
  switch(measure, PLO = transf.ilogit, PAS = transf.iarcsin, PFT = transf.ipft.hm, PR = NULL)
}

backtransform <- function(res, measure, ni, newmods = NULL) {
  tf <- transf_for(measure)
  args <- list(object = res)
  if (!is.null(newmods)) args$newmods <- newmods
  if (!is.null(tf)) args$transf <- tf
  if (measure == "PFT") args$targs <- list(ni = ni)
  do.call(predict, args)
}

safely <- function(expr) {
  tryCatch(suppressWarnings(expr), error = function(e) structure(list(msg = conditionMessage(e)),
                                                                   class = "failure"))
}

pooled_values <- function(res, measure, ni) {
  pr <- predict(res)
  bt <- backtransform(res, measure, ni)
  ci <- safely(confint(res))
  random <- if (inherits(ci, "failure") || is.null(ci$random)) matrix(NA, 4, 3) else ci$random
  list(
    estimate = num(res$beta), se = num(res$se), stat = num(res$zval), pval = num(res$pval),
    ci_low = num(res$ci.lb), ci_high = num(res$ci.ub), df = num(res$ddf),
    tau2 = num(res$tau2), tau2_ci_low = num(random[1, 2]), tau2_ci_high = num(random[1, 3]),
    i2 = num(res$I2), i2_ci_low = num(random[3, 2]), i2_ci_high = num(random[3, 3]),
    h2 = num(res$H2), h2_ci_low = num(random[4, 2]), h2_ci_high = num(random[4, 3]),
    q = num(res$QE), q_p = num(res$QEp),
    pi_low = pi_lb(pr), pi_high = pi_ub(pr),
    bt_estimate = num(bt$pred), bt_ci_low = num(bt$ci.lb), bt_ci_high = num(bt$ci.ub),
    bt_pi_low = pi_lb(bt), bt_pi_high = pi_ub(bt)
  )
}

# ----------------------------------------------------------------------------------------------
# escalc

escalc_cases <- list()
for (name in names(datasets)) {
  d <- datasets[[name]]
  for (measure in measures) {
    variants <- list(list(), list(to = "all"), list(to = "if0all"), list(add = 0.25))
    for (v in variants) {
      args <- c(list(measure = measure, xi = d$events, ni = d$n), v)
      es <- safely(do.call(escalc, args))
      if (inherits(es, "failure")) next
      escalc_cases[[length(escalc_cases) + 1]] <- list(
        dataset = name, measure = measure, add = num(v$add), to = if (is.null(v$to)) "only0" else v$to,
        yi = num(es$yi), vi = num(es$vi))
    }
  }
}

# ----------------------------------------------------------------------------------------------
# rma.uni: every measure x method x test on every data set

pooled_cases <- list()
for (name in names(datasets)) {
  d <- datasets[[name]]
  for (measure in measures) for (method in methods) for (test in tests) {
    res <- safely(rma(measure = measure, xi = d$events, ni = d$n, method = method, test = test))
    case <- list(dataset = name, measure = measure, method = method, test = test, level = 95)
    if (inherits(res, "failure")) {
      case$error <- res$msg
    } else {
      case$expected <- pooled_values(res, measure, d$n)
    }
    pooled_cases[[length(pooled_cases) + 1]] <- case
  }
}
# a different confidence level
for (measure in measures) for (test in c("z", "knha")) {
  d <- datasets$pritz1997
  res <- rma(measure = measure, xi = d$events, ni = d$n, method = "REML", test = test, level = 90)
  pooled_cases[[length(pooled_cases) + 1]] <- list(
    dataset = "pritz1997", measure = measure, method = "REML", test = test, level = 90,
    expected = pooled_values(res, measure, d$n))
}

# ----------------------------------------------------------------------------------------------
# rma.glmm (binomial-normal, logit), ML with adaptive quadrature (nAGQ = 7)

glmm_values <- function(res, ni) {
  pr <- predict(res)
  bt <- predict(res, transf = transf.ilogit)
  list(
    estimate = num(res$beta), se = num(res$se), stat = num(res$zval), pval = num(res$pval),
    ci_low = num(res$ci.lb), ci_high = num(res$ci.ub), tau2 = num(res$tau2),
    i2 = num(res$I2), h2 = num(res$H2),
    q = num(res$QE.Wld), q_p = num(res$QEp.Wld), q_lrt = num(res$QE.LRT),
    q_lrt_p = num(res$QEp.LRT), pi_low = pi_lb(pr), pi_high = pi_ub(pr),
    bt_estimate = num(bt$pred), bt_ci_low = num(bt$ci.lb), bt_ci_high = num(bt$ci.ub),
    bt_pi_low = pi_lb(bt), bt_pi_high = pi_ub(bt)
  )
}

# lme4's default optimiser (bobyqa, then Nelder-Mead with FtolAbs = 1e-5) stops around 1e-5
# short of the maximum. Each GLMM case is therefore also fitted with bobyqa run to rhoend =
# 1e-12, the maximum of the same likelihood, which is what an exact implementation must hit.
tight <- list(glmerCtrl = list(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
glmm <- function(..., precise = FALSE) {
  if (precise) rma.glmm(measure = "PLO", ..., control = tight) else rma.glmm(measure = "PLO", ...)
}

glmm_cases <- list()
for (name in setdiff(names(datasets), "k1")) {
  d <- datasets[[name]]
  for (test in c("z", "t")) {
    res <- safely(glmm(xi = d$events, ni = d$n, test = test))
    case <- list(dataset = name, test = test)
    if (inherits(res, "failure")) {
      case$error <- res$msg
    } else {
      case$expected <- glmm_values(res, d$n)
      case$expected_precise <- glmm_values(glmm(xi = d$events, ni = d$n, test = test,
                                                precise = TRUE), d$n)
    }
    glmm_cases[[length(glmm_cases) + 1]] <- case
  }
}

# ----------------------------------------------------------------------------------------------
# Subgroups: separate tau^2 (per-subgroup fits, then a common-effect model of their estimates)
# and common tau^2 (meta-regression on the subgroup factor)

subgroup_values <- function(fit_one, fit_mods, d, measure) {
  groups <- unique(d$groups)
  per <- list()
  ests <- ses <- c()
  for (g in groups) {
    idx <- d$groups == g
    res <- fit_one(d$events[idx], d$n[idx])
    per[[g]] <- if (inherits(res, "rma.glmm")) glmm_values(res, d$n[idx]) else
      pooled_values(res, measure, d$n[idx])
    ests <- c(ests, num(res$beta))
    ses <- c(ses, num(res$se))
  }
  between <- rma(yi = ests, sei = ses, method = "FE")
  common <- fit_mods(factor(d$groups, levels = groups))
  list(groups = per, order = groups, q_between = num(between$QE),
       q_between_df = length(groups) - 1, q_between_p = num(between$QEp),
       qm = num(common$QM), qm_df = num(common$QMdf), qm_p = num(common$QMp),
       tau2_common = num(common$tau2))
}

subgroup_cases <- list()
for (name in c("pritz1997", "zeros", "strong_heterogeneity", "simulated", "all_events")) {
  d <- datasets[[name]]
  for (measure in measures) for (method in c("FE", "DL", "REML", "PM")) for (test in c("z", "knha")) {
    fit_one <- function(x, n) rma(measure = measure, xi = x, ni = n, method = method, test = test)
    fit_mods <- function(g) rma(measure = measure, xi = d$events, ni = d$n, mods = ~ g,
                                method = method, test = test)
    val <- safely(subgroup_values(fit_one, fit_mods, d, measure))
    case <- list(dataset = name, measure = measure, method = method, test = test)
    if (inherits(val, "failure")) case$error <- val$msg else case$expected <- val
    subgroup_cases[[length(subgroup_cases) + 1]] <- case
  }
  if (name != "all_events") for (test in c("z", "t")) {
    case <- list(dataset = name, measure = "PLO", method = "GLMM", test = test)
    for (precise in c(FALSE, TRUE)) {
      fit_one <- function(x, n) glmm(xi = x, ni = n, test = test, precise = precise)
      fit_mods <- function(g) glmm(xi = d$events, ni = d$n, test = test, precise = precise,
                                   mods = model.matrix(~ g)[, -1, drop = FALSE])
      val <- safely(subgroup_values(fit_one, fit_mods, d, "PLO"))
      if (inherits(val, "failure")) case$error <- val$msg
      else case[[if (precise) "expected_precise" else "expected"]] <- val
    }
    subgroup_cases[[length(subgroup_cases) + 1]] <- case
  }
}
# one subgroup with a single study
d1 <- list(events = c(4, 9, 13, 7, 15), n = c(20, 30, 40, 25, 35),
           groups = c("solo", "pair", "pair", "trio", "trio"))
datasets$single_study_subgroup <- d1
for (measure in measures) for (test in c("z", "knha")) {
  fit_one <- function(x, n) rma(measure = measure, xi = x, ni = n, method = "REML", test = test)
  fit_mods <- function(g) rma(measure = measure, xi = d1$events, ni = d1$n, mods = ~ g,
                              method = "REML", test = test)
  subgroup_cases[[length(subgroup_cases) + 1]] <- list(
    dataset = "single_study_subgroup", measure = measure, method = "REML", test = test,
    expected = subgroup_values(fit_one, fit_mods, d1, measure))
}

# ----------------------------------------------------------------------------------------------
# Meta-regression with a categorical and a continuous moderator

d <- datasets$simulated
country <- factor(d$moderators$country, levels = sort(unique(d$moderators$country), method = "radix"))
year <- d$moderators$year
new_country <- factor(c("France", "Spain", "Germany"), levels = levels(country))
newmods <- cbind(model.matrix(~ new_country)[, -1], c(2016, 2020, 2024))
metareg_cases <- list()
for (measure in measures) for (method in c("FE", "DL", "REML", "ML", "PM", "SJ")) for (test in c("z", "knha")) {
  res <- rma(measure = measure, xi = d$events, ni = d$n, mods = ~ country + year,
             method = method, test = test)
  ci <- safely(confint(res))
  random <- if (inherits(ci, "failure") || is.null(ci$random)) matrix(NA, 4, 3) else ci$random
  pr <- predict(res, newmods = newmods)
  bt <- backtransform(res, measure, d$n, newmods)
  metareg_cases[[length(metareg_cases) + 1]] <- list(
    dataset = "simulated", measure = measure, method = method, test = test,
    moderators = c("country", "year"),
    new_moderators = list(country = c("France", "Spain", "Germany"), year = c(2016, 2020, 2024)),
    expected = list(
      estimate = num(res$beta), se = num(res$se), stat = num(res$zval), pval = num(res$pval),
      ci_low = num(res$ci.lb), ci_high = num(res$ci.ub), tau2 = num(res$tau2),
      tau2_ci_low = num(random[1, 2]), tau2_ci_high = num(random[1, 3]),
      i2 = num(res$I2), h2 = num(res$H2), r2 = if (is.null(res$R2)) NA else num(res$R2),
      qe = num(res$QE), qe_p = num(res$QEp), qm = num(res$QM), qm_p = num(res$QMp),
      pred = num(pr$pred), pred_se = num(pr$se), pred_ci_low = num(pr$ci.lb),
      pred_ci_high = num(pr$ci.ub), pred_pi_low = pi_lb(pr), pred_pi_high = pi_ub(pr),
      bt_pred = num(bt$pred), bt_ci_low = num(bt$ci.lb), bt_ci_high = num(bt$ci.ub),
      bt_pi_low = pi_lb(bt), bt_pi_high = pi_ub(bt)))
}
# A regression whose intercept-only model does not converge (REML Fisher scoring oscillates
# around a tiny tau^2): metafor fits that model inside try() and reports R^2 as NA, keeping the
# regression itself (the nine standard-population LBCL CR cohorts of CN and US, 2026-12-07).
datasets$r2_unfittable <- list(
  events = c(30, 11, 726, 61, 44, 33, 6, 36, 136), n = c(58, 21, 1297, 122, 82, 61, 14, 69, 256),
  groups = NULL,
  moderators = list(
    country = c("CN", "CN", "US", "US", "US", "US", "US", "US", "US"),
    line = c("later", "not stated", "later", "not stated", "later", "early", "not stated",
             "not stated", "later"),
    real_world = c("False", "False", "True", "True", "False", "False", "False", "True", "False")))
r2na <- datasets$r2_unfittable
res <- rma(measure = "PLO", xi = r2na$events, ni = r2na$n,
           mods = ~ country + line + real_world, data = as.data.frame(r2na$moderators),
           method = "REML", test = "knha")
metareg_r2_na <- list(list(
  dataset = "r2_unfittable", measure = "PLO", method = "REML", test = "knha",
  moderators = c("country", "line", "real_world"),
  expected = list(
    estimate = num(res$beta), se = num(res$se), stat = num(res$zval), pval = num(res$pval),
    ci_low = num(res$ci.lb), ci_high = num(res$ci.ub), tau2 = num(res$tau2),
    r2 = if (is.null(res$R2)) NA else num(res$R2), qe = num(res$QE), qe_p = num(res$QEp),
    qm = num(res$QM), qm_p = num(res$QMp))))
# GLMM meta-regression
glmm_metareg_values <- function(res) {
  pr <- predict(res, newmods = newmods)
  list(
    estimate = num(res$beta), se = num(res$se), stat = num(res$zval), pval = num(res$pval),
    ci_low = num(res$ci.lb), ci_high = num(res$ci.ub), tau2 = num(res$tau2),
    i2 = num(res$I2), h2 = num(res$H2), qe = num(res$QE.Wld), qe_p = num(res$QEp.Wld),
    qm = num(res$QM), qm_p = num(res$QMp), pred = num(pr$pred), pred_se = num(pr$se),
    pred_ci_low = num(pr$ci.lb), pred_ci_high = num(pr$ci.ub),
    pred_pi_low = pi_lb(pr), pred_pi_high = pi_ub(pr))
}
for (test in c("z", "t")) {
  fit <- function(precise) glmm(xi = d$events, ni = d$n, mods = ~ country + year, test = test,
                                precise = precise)
  metareg_cases[[length(metareg_cases) + 1]] <- list(
    dataset = "simulated", measure = "PLO", method = "GLMM", test = test,
    moderators = c("country", "year"),
    new_moderators = list(country = c("France", "Spain", "Germany"), year = c(2016, 2020, 2024)),
    expected = glmm_metareg_values(fit(FALSE)),
    expected_precise = glmm_metareg_values(fit(TRUE)))
}

# ----------------------------------------------------------------------------------------------
# Leave-one-out (PFT back-transformed with the harmonic mean of the studies left in)

loo_cases <- list()
for (name in c("pritz1997", "zeros", "k3")) {
  d <- datasets[[name]]
  for (measure in measures) for (method in c("FE", "DL", "REML", "PM")) for (test in c("z", "knha")) {
    res <- rma(measure = measure, xi = d$events, ni = d$n, method = method, test = test)
    l1o <- leave1out(res)
    tf <- transf_for(measure)
    bt <- t(sapply(seq_along(d$n), function(i) {
      vals <- c(l1o$estimate[i], l1o$ci.lb[i], l1o$ci.ub[i])
      if (is.null(tf)) vals else if (measure == "PFT") tf(vals, targs = list(ni = d$n[-i])) else tf(vals)
    }))
    loo_cases[[length(loo_cases) + 1]] <- list(
      dataset = name, measure = measure, method = method, test = test,
      expected = list(estimate = num(l1o$estimate), se = num(l1o$se),
                      stat = num(if (test == "z") l1o$zval else l1o$tval), pval = num(l1o$pval),
                      ci_low = num(l1o$ci.lb), ci_high = num(l1o$ci.ub), q = num(l1o$Q),
                      q_p = num(l1o$Qp), tau2 = if (method == "FE") rep(0, length(d$n)) else num(l1o$tau2),
                      i2 = num(l1o$I2), h2 = num(l1o$H2), prop_estimate = num(bt[, 1]),
                      prop_ci_low = num(bt[, 2]), prop_ci_high = num(bt[, 3])))
  }
}

# ----------------------------------------------------------------------------------------------
# Egger-type regression test (regtest)

regtest_cases <- list()
for (name in c("pritz1997", "zeros", "simulated", "strong_heterogeneity")) {
  d <- datasets[[name]]
  for (measure in measures) for (method in c("FE", "DL", "REML")) for (test in c("z", "knha")) {
    res <- rma(measure = measure, xi = d$events, ni = d$n, method = method, test = test)
    for (model in c("rma", "lm")) {
      rt <- regtest(res, model = model)
      regtest_cases[[length(regtest_cases) + 1]] <- list(
        dataset = name, measure = measure, method = method, test = test, model = model,
        expected = list(stat = num(rt$zval), pval = num(rt$pval), df = num(rt$ddf),
                        limit_estimate = num(rt$est), limit_ci_low = num(rt$ci.lb),
                        limit_ci_high = num(rt$ci.ub)))
    }
  }
}


# ----------------------------------------------------------------------------------------------
# Generic effect sizes with standard errors: rma(yi, sei = ...), as cartatlas.stats.meta_generic
# (log hazard ratios from published HRs and CIs; logits of landmark survival rates)

hr_log <- function(hr, lo, hi, level = 0.95) {
  list(yi = log(hr), sei = (log(hi) - log(lo)) / (2 * qnorm(1 - (1 - level) / 2)))
}
logit_se <- function(p, lo, hi, level = 0.95) {
  list(yi = qlogis(p), sei = (qlogis(hi) - qlogis(lo)) / (2 * qnorm(1 - (1 - level) / 2)))
}
set.seed(20261206)
sim_hr_k <- 25
sim_hr_sei <- runif(sim_hr_k, 0.08, 0.45)
sim_hr_yi <- rnorm(sim_hr_k, -0.35, sqrt(0.04 + sim_hr_sei^2))
generic_sets <- list(
  # invented hazard ratios with 95% CIs (a mix of strong and null effects)
  hr_five = c(list(hr = c(0.40, 0.35, 0.98, 0.26, 0.49), lo = c(0.31, 0.23, 0.61, 0.18, 0.38),
                   hi = c(0.51, 0.52, 1.59, 0.38, 0.64)),
              hr_log(c(0.40, 0.35, 0.98, 0.26, 0.49), c(0.31, 0.23, 0.61, 0.18, 0.38),
                     c(0.51, 0.52, 1.59, 0.38, 0.64))),
  hr_two = c(list(hr = c(0.73, 0.72), lo = c(0.54, 0.51), hi = c(0.98, 1.01)),
             hr_log(c(0.73, 0.72), c(0.54, 0.51), c(0.98, 1.01))),
  hr_one = c(list(hr = 0.55, lo = 0.41, hi = 0.74), hr_log(0.55, 0.41, 0.74)),
  hr_90 = c(list(hr = c(0.62, 0.81, 0.45), lo = c(0.50, 0.66, 0.30), hi = c(0.77, 0.99, 0.67),
                 level = 0.90),
            hr_log(c(0.62, 0.81, 0.45), c(0.50, 0.66, 0.30), c(0.77, 0.99, 0.67), 0.90)),
  identical = list(yi = rep(-0.5, 4), sei = rep(0.2, 4)),
  homogeneous = list(yi = c(-0.30, -0.28, -0.33, -0.31, -0.29, -0.32),
                     sei = c(0.10, 0.12, 0.09, 0.11, 0.10, 0.13)),
  heterogeneous = list(yi = c(-1.6, 0.4, -0.9, 0.8, -0.1, -2.1, 0.3),
                       sei = c(0.20, 0.25, 0.15, 0.30, 0.22, 0.35, 0.18)),
  simulated = list(yi = sim_hr_yi, sei = sim_hr_sei),
  landmark_os = c(list(rate = c(0.426, 0.50, 0.39, 0.55, 0.61), lo = c(0.35, 0.40, 0.30, 0.45, 0.50),
                       hi = c(0.50, 0.60, 0.48, 0.64, 0.71)),
                  logit_se(c(0.426, 0.50, 0.39, 0.55, 0.61), c(0.35, 0.40, 0.30, 0.45, 0.50),
                           c(0.50, 0.60, 0.48, 0.64, 0.71)))
)

generic_cases <- list()
for (name in names(generic_sets)) {
  g <- generic_sets[[name]]
  bt <- if (name == "landmark_os") transf.ilogit else NULL
  # "adhoc": Knapp-Hartung with its scale factor not below 1 (how cartatlas pools hazard ratios)
  for (method in methods) for (test in c(tests, "adhoc")) {
    res <- safely(rma(yi = g$yi, sei = g$sei, method = method, test = test))
    case <- list(dataset = name, measure = if (is.null(bt)) "GEN" else "PLO", method = method,
                 test = test, level = 95)
    if (inherits(res, "failure")) {
      case$error <- res$msg
    } else {
      vals <- pooled_values(res, "PR", NULL)  # PR: no transformation
      if (!is.null(bt)) {
        b <- predict(res, transf = bt)
        vals[c("bt_estimate", "bt_ci_low", "bt_ci_high", "bt_pi_low", "bt_pi_high")] <-
          list(num(b$pred), num(b$ci.lb), num(b$ci.ub), pi_lb(b), pi_ub(b))
      }
      case$expected <- vals
    }
    generic_cases[[length(generic_cases) + 1]] <- case
  }
}
res <- rma(yi = generic_sets$hr_five$yi, sei = generic_sets$hr_five$sei, method = "REML",
           test = "knha", level = 90)
generic_cases[[length(generic_cases) + 1]] <- list(
  dataset = "hr_five", measure = "GEN", method = "REML", test = "knha", level = 90,
  expected = pooled_values(res, "PR", NULL))

# ----------------------------------------------------------------------------------------------

strip <- function(d) list(events = d$events, n = d$n, groups = d$groups, moderators = d$moderators)
reference <- list(
  generated_with = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                        lme4 = as.character(packageVersion("lme4"))),
  datasets = lapply(datasets, strip),
  escalc = escalc_cases,
  pooled = pooled_cases,
  glmm = glmm_cases,
  subgroups = subgroup_cases,
  metareg = metareg_cases,
  metareg_r2_na = metareg_r2_na,
  leave1out = loo_cases,
  regtest = regtest_cases,
  generic_datasets = generic_sets,
  generic = generic_cases
)
writeLines(toJSON(reference, auto_unbox = TRUE, digits = I(17), na = "string", null = "null",
                  pretty = FALSE), out_path)
cat("wrote", out_path, "\n")
