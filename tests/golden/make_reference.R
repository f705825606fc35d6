# Pool each cell of tests/golden/inputs.json with metafor's binomial-normal GLMM (rma.glmm,
# measure "PLO", ML, Wald z), the model cartatlas uses for k > 1, and write
# tests/golden/metafor_golden.json: estimate, CI and 95 % prediction interval as proportions,
# I² (percent), and the logit estimate and its standard error (so a Wald test between two
# countries can be recomputed without R).
# Each cell of tests/golden/hazard_inputs.json (log hazard ratios with SEs from the printed 95%
# CIs) is pooled with rma(yi, sei, method = "REML", test = "adhoc"), as cartatlas pools them, into
# tests/golden/metafor_hazard_golden.json (HR scale: estimate, CI, prediction interval).
#   Rscript tests/golden/make_reference.R
suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
cells <- fromJSON(file.path("tests", "golden", "inputs.json"), simplifyVector = FALSE)
out <- list()
for (cell in cells) {
  k <- length(cell$events)
  if (k < 2) next
  fit <- rma.glmm(measure = "PLO", xi = unlist(cell$events), ni = unlist(cell$n))
  pred <- predict(fit, transf = plogis)
  out[[length(out) + 1]] <- list(
    indication = cell$indication, endpoint = cell$endpoint, country = cell$country,
    studies = unlist(cell$studies), k = k,
    logit = as.numeric(fit$b), se = fit$se,
    estimate = plogis(as.numeric(fit$b)), ci_low = plogis(fit$ci.lb), ci_high = plogis(fit$ci.ub),
    pi_low = pred$pi.lb, pi_high = pred$pi.ub, i2 = fit$I2
  )
}
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path("tests", "golden", "metafor_golden.json"))
cat("wrote", length(out), "pooled cells\n")

hazards <- fromJSON(file.path("tests", "golden", "hazard_inputs.json"), simplifyVector = FALSE)
pooled_hr <- list()
for (cell in hazards) {
  hr <- unlist(cell$hr)
  sei <- (log(unlist(cell$ci_high)) - log(unlist(cell$ci_low))) / (2 * qnorm(0.975))
  fit <- rma(yi = log(hr), sei = sei, method = "REML", test = "adhoc")
  pred <- predict(fit, transf = exp)
  pooled_hr[[length(pooled_hr) + 1]] <- list(
    indication = cell$indication, endpoint = cell$endpoint, studies = unlist(cell$studies),
    hr = exp(as.numeric(fit$b)), ci_low = exp(fit$ci.lb), ci_high = exp(fit$ci.ub),
    pi_low = pred$pi.lb, pi_high = pred$pi.ub, tau2 = fit$tau2, i2 = fit$I2
  )
}
write(toJSON(pooled_hr, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path("tests", "golden", "metafor_hazard_golden.json"))
cat("wrote", length(pooled_hr), "pooled hazard ratios\n")
