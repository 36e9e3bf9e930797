# Reference values from R lavaan for tests/test_resampling.py and tests/test_power.py.
#
# Usage (from the repository root; needs R with lavaan and jsonlite):
#
#     Rscript tools/lavaan_robust_reference.R [OUTPUT.json]
#
# The default output is tests/fixtures/lavaan_robustness.json. The script reads the shipped
# survey and the codebook itself and scores the constructs the way helpers.survey does (reverse-
# worded items, as the codebook marks them, recoded 6 - answer; each construct the mean of its
# items), so the reference does not depend on the kit's Python code. It fits the paper's model
# and three alternatives with lavaan's sem() defaults (ML, fixed.x = TRUE, likelihood "normal")
# and writes:
#
# * per model: estimates with ML standard errors (expected information, lavaan's default),
#   robust.huber.white standard errors (lavaan's default information for them, "observed", which
#   are also the MLR standard errors) and robust.huber.white with information = "expected";
#   chisq, df, npar, logl, aic, bic;
# * chi-square difference tests (lavTestLRT) between nested models;
# * modindices() of the paper's model (every row lavaan lists, mi, epc, sepc.all, sepc.nox) and
#   univariate score tests (lavTestScore(add = ...)) for the residual covariances lavaan's
#   modindices() does not list for a model of observed variables;
# * a small lavaan bootstrap (R draws of the free parameters, seeded) with lavaan's percentile
#   and bias-corrected ("bca.simple") intervals computed from those draws, so that the kit's
#   interval formulas can be checked on exactly lavaan's draws;
# * the Bollen-Stine bootstrap of the paper's model: lavaan's bootstrapLavaan(type =
#   "bollen.stine") and the same resamples of the rotated data refitted afresh with sem() (they
#   differ: see bollen_stine_reference), with the first resamples' row numbers and chi-squares.
#
# Bootstrap draws are random and R's generator is not numpy's: the Bollen-Stine p-value can be
# compared only within Monte Carlo error, while the intervals (on lavaan's stored draws) and the
# chi-squares of the stored resamples are compared exactly.

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

BOOT_DRAWS <- 200L
BOLLEN_STINE_DRAWS <- 1000L
SEED <- 20240190L

CONSTRUCTS <- c(
  pcdp = "partnership_collaboration", it = "international_trade", gl = "global_logistics",
  mr = "market_reach", ia = "innovation_agility", oe = "operational_efficiency"
)
OUTCOMES <- c("market_reach", "innovation_agility", "operational_efficiency")

construct_scores <- function(survey_file, codebook_file) {
  answers <- read.csv(survey_file, check.names = FALSE)
  codebook <- read.csv(codebook_file)
  reverse <- codebook$variable[grepl("reverse-worded", codebook$notes)]
  for (item in reverse) answers[[item]] <- 6 - answers[[item]]
  scores <- data.frame(row.names = seq_len(nrow(answers)))
  for (prefix in names(CONSTRUCTS)) {
    items <- grep(paste0("^", prefix, "_[0-9]+$"), names(answers), value = TRUE)
    scores[[CONSTRUCTS[[prefix]]]] <- rowMeans(answers[, items])
  }
  scores
}

# The same text as helpers.model.model_syntax(correlated_outcomes, direct_paths).
model_syntax <- function(correlated_outcomes, direct_paths) {
  mediators <- "international_trade + global_logistics"
  predictors <- if (direct_paths) paste("partnership_collaboration +", mediators) else mediators
  lines <- c(
    "international_trade ~ partnership_collaboration",
    "global_logistics ~ partnership_collaboration",
    paste(OUTCOMES, "~", predictors)
  )
  pairs <- combn(OUTCOMES, 2)
  for (k in seq_len(ncol(pairs))) {
    rhs <- if (correlated_outcomes) pairs[2, k] else paste0("0*", pairs[2, k])
    lines <- c(lines, paste(pairs[1, k], "~~", rhs))
  }
  paste(lines, collapse = "\n")
}

estimates_table <- function(syntax, data) {
  ml <- sem(syntax, data = data)
  robust <- sem(syntax, data = data, se = "robust.huber.white")
  robust_expected <- sem(syntax, data = data, se = "robust.huber.white", information = "expected")
  pe <- parameterEstimates(ml, standardized = TRUE)
  data.frame(
    lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, std_all = pe$std.all,
    se_ml = pe$se,
    se_robust = parameterEstimates(robust)$se,
    se_robust_expected = parameterEstimates(robust_expected)$se
  )
}

model_reference <- function(name, correlated_outcomes, direct_paths, data) {
  syntax <- model_syntax(correlated_outcomes, direct_paths)
  fit <- sem(syntax, data = data)
  robust <- sem(syntax, data = data, se = "robust.huber.white")
  list(
    name = name,
    correlated_outcomes = correlated_outcomes,
    direct_paths = direct_paths,
    syntax = syntax,
    robust_information = lavInspect(robust, "options")$information[1],
    parameters = estimates_table(syntax, data),
    fit_measures = as.list(fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "logl", "aic", "bic")))
  )
}

lrt_reference <- function(restricted, full, data) {
  small <- sem(model_syntax(restricted$correlated_outcomes, restricted$direct_paths), data = data)
  large <- sem(model_syntax(full$correlated_outcomes, full$direct_paths), data = data)
  table <- lavTestLRT(large, small)
  list(
    restricted = restricted$name, full = full$name,
    chisq_diff = table[["Chisq diff"]][2], df_diff = table[["Df diff"]][2],
    pvalue = table[["Pr(>Chisq)"]][2]
  )
}

modindices_reference <- function(fit) {
  mi <- modindices(fit)
  data.frame(
    lhs = mi$lhs, op = mi$op, rhs = mi$rhs, mi = mi$mi, epc = mi$epc,
    sepc_all = mi$sepc.all, sepc_nox = mi$sepc.nox
  )
}

score_test_reference <- function(fit) {
  variables <- lavNames(fit, "ov")
  endogenous <- setdiff(variables, lavNames(fit, "ov.x"))
  pe <- parameterEstimates(fit)
  rows <- list()
  for (i in seq_along(endogenous)) {
    for (j in seq_along(endogenous)) {
      if (j <= i) next
      a <- endogenous[i]
      b <- endogenous[j]
      free <- any(pe$op == "~~" & ((pe$lhs == a & pe$rhs == b) | (pe$lhs == b & pe$rhs == a)))
      if (free) next
      test <- lavTestScore(fit, add = paste(a, "~~", b), epc = TRUE)
      added <- which(test$epc$lhs == a & test$epc$op == "~~" & test$epc$rhs == b)
      rows[[length(rows) + 1L]] <- data.frame(
        lhs = a, op = "~~", rhs = b, mi = test$uni$X2[1], epc = test$uni$epc[1],
        sepc_all = test$epc$sepc.all[added]
      )
    }
  }
  do.call(rbind, rows)
}

bootstrap_reference <- function(syntax, data) {
  set.seed(SEED)
  fit <- sem(syntax, data = data, se = "bootstrap", bootstrap = BOOT_DRAWS)
  draws <- lavInspect(fit, "boot")
  free <- parameterTable(fit)
  free <- free[free$free > 0L, ]
  percentile <- parameterEstimates(fit, boot.ci.type = "perc")
  bc <- parameterEstimates(fit, boot.ci.type = "bca.simple")
  key <- paste(free$lhs, free$op, free$rhs)
  pick <- function(table) table[match(key, paste(table$lhs, table$op, table$rhs)), ]
  percentile <- pick(percentile)
  bc <- pick(bc)
  list(
    draws_count = nrow(draws),
    seed = SEED,
    parameters = data.frame(
      lhs = free$lhs, op = free$op, rhs = free$rhs, est = free$est,
      boot_se = percentile$se,
      perc_lower = percentile$ci.lower, perc_upper = percentile$ci.upper,
      bc_lower = bc$ci.lower, bc_upper = bc$ci.upper
    ),
    # one row per draw, columns in the order of `parameters`
    draws = unname(draws)
  )
}

bollen_stine_reference <- function(syntax, data) {
  fit <- sem(syntax, data = data)
  observed <- lavNames(fit, "ov")
  # lavaan's own Bollen-Stine bootstrap (the draws it uses are kept) ...
  set.seed(SEED)
  internal <- bootstrapLavaan(fit, R = BOLLEN_STINE_DRAWS, type = "bollen.stine",
                              FUN = fitMeasures, fit.measures = "chisq", keep.idx = TRUE)
  draws <- attr(internal, "boot.idx")[[1]]
  internal <- as.numeric(internal)
  # ... and the same resamples of the same rotated data, each fitted afresh with sem(). lavaan
  # 0.6's bootstrapLavaan() keeps the exogenous variance at its full-sample value when it refits
  # a resample, which adds misfit in that variance to every bootstrap chi-square; a fresh sem()
  # takes it from the resample, as fixed.x = TRUE means.
  x <- as.matrix(data[, observed])
  sigma_hat <- lavInspect(fit, "implied")$cov
  s_inv <- solve(lavInspect(fit, "sampstat")$cov)
  rotated <- scale(x, center = TRUE, scale = FALSE) %*%
    lav_matrix_symmetric_sqrt(s_inv) %*% lav_matrix_symmetric_sqrt(sigma_hat)
  colnames(rotated) <- observed
  fresh <- vapply(seq_len(nrow(draws)), function(b) {
    as.numeric(fitMeasures(sem(syntax, data = as.data.frame(rotated[draws[b, ], ])), "chisq"))
  }, numeric(1))
  t0 <- as.numeric(fitMeasures(fit, "chisq"))
  list(
    draws = length(fresh),
    seed = SEED,
    chisq = t0,
    pvalue_fresh_refits = mean(fresh >= t0),
    mean_fresh_refits = mean(fresh),
    sd_fresh_refits = sd(fresh),
    pvalue_bootstrapLavaan = mean(internal >= t0),
    mean_bootstrapLavaan = mean(internal),
    rotated_head = list(names = observed, rows = unname(rotated[1:5, ])),
    # the first resamples (row numbers from 1) and the chi-squares of their fresh fits
    first_resamples = unname(draws[1:5, ]),
    first_chisq_fresh = fresh[1:5],
    first_chisq_bootstrapLavaan = internal[1:5]
  )
}

main <- function() {
  args <- commandArgs(trailingOnly = TRUE)
  output <- if (length(args) >= 1) args[1] else "tests/fixtures/lavaan_robustness.json"
  data <- construct_scores("data/sme_kerala_survey.csv", "data/codebook.csv")
  models <- list(
    paper = model_reference("paper", TRUE, FALSE, data),
    orthogonal = model_reference("orthogonal", FALSE, FALSE, data),
    direct = model_reference("direct", TRUE, TRUE, data),
    direct_orthogonal = model_reference("direct_orthogonal", FALSE, TRUE, data)
  )
  paper_fit <- sem(models$paper$syntax, data = data)
  out <- list(
    lavaan_version = as.character(packageVersion("lavaan")),
    r_version = R.version.string,
    data = "data/sme_kerala_survey.csv scored as helpers.survey.score_constructs does",
    n = nrow(data),
    models = models,
    lrt = list(
      lrt_reference(models$orthogonal, models$paper, data),
      lrt_reference(models$paper, models$direct, data),
      lrt_reference(models$direct_orthogonal, models$direct, data),
      lrt_reference(models$orthogonal, models$direct_orthogonal, data)
    ),
    modindices = modindices_reference(paper_fit),
    score_tests = score_test_reference(paper_fit),
    bootstrap = bootstrap_reference(models$paper$syntax, data),
    bollen_stine = bollen_stine_reference(models$paper$syntax, data)
  )
  # digits = NA keeps full double precision
  write_json(out, output, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null",
             dataframe = "rows", matrix = "rowmajor")
  cat("wrote", output, "\n")
}

main()
