# Pool each cell of tests/golden/inputs.json with metafor's binomial-normal GLMM (rma.glmm,
# measure "PLO", ML, Wald z), the model cartatlas uses for k > 1, and write
# tests/golden/metafor_golden.json: estimate and CI as proportions, and the logit estimate and
# its standard error (so a Wald test between two countries can be recomputed without R).
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
  out[[length(out) + 1]] <- list(
    indication = cell$indication, endpoint = cell$endpoint, country = cell$country,
    studies = unlist(cell$studies), k = k,
    logit = as.numeric(fit$b), se = fit$se,
    estimate = plogis(as.numeric(fit$b)), ci_low = plogis(fit$ci.lb), ci_high = plogis(fit$ci.ub)
  )
}
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path("tests", "golden", "metafor_golden.json"))
cat("wrote", length(out), "pooled cells\n")
